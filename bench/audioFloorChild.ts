/**
 * The floor of the live audio benchmark: the least a server can do to relay a media gateway's frames to
 * listening controllers. A bare `ws` endpoint at AUDIO_INGEST_PATH parses each message with the shared parser
 * and, for every frame of a call someone listens to, re-encodes the frame and emits it as `audio:frame` to
 * those Socket.IO listeners (`audio:listen` {callId}). No ingest key, no sessions, no call registry, no
 * recording, no decoding. What Earshot's hop costs above this is its own.
 *
 * Started by bench/audio.ts with child_process.fork.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUDIO_INGEST_PATH, AUDIO_MESSAGE_MAX_BYTES, encodeAudioFrame, parseAudioMessage } from '@earshot/shared';
import { type Socket, Server as SocketServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import { sendToParent, startProbe } from './probe.js';

const listeners = new Map<string, Set<Socket>>();
const counters = { framesIn: 0, listenerFramesSent: 0 };

const httpServer = createServer();
const io = new SocketServer(httpServer, { transports: ['websocket'], serveClient: false });
io.on('connection', (socket) => {
  let listening: string | undefined;
  socket.on('audio:listen', (payload: unknown, ack: unknown) => {
    const callId =
      typeof payload === 'object' && payload !== null && 'callId' in payload ? String(payload.callId) : undefined;
    if (typeof ack !== 'function') return;
    if (!callId) return ack({ ok: false, error: 'audio:listen takes { callId }' });
    if (listening) listeners.get(listening)?.delete(socket);
    listening = callId;
    const set = listeners.get(callId) ?? new Set<Socket>();
    set.add(socket);
    listeners.set(callId, set);
    ack({ ok: true, data: { callId } });
  });
  socket.on('disconnect', () => {
    if (listening) listeners.get(listening)?.delete(socket);
  });
});

const wss = new WebSocketServer({ noServer: true, maxPayload: AUDIO_MESSAGE_MAX_BYTES });
// Only the audio path: `ws` bound to the server with a path would refuse Socket.IO's upgrades.
httpServer.on('upgrade', (req, socket, head) => {
  if (req.url !== AUDIO_INGEST_PATH) return;
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    const { frames } = parseAudioMessage(data);
    counters.framesIn += frames.length;
    for (const frame of frames) {
      const sockets = listeners.get(frame.callId);
      if (!sockets || sockets.size === 0) continue;
      const outgoing = encodeAudioFrame(frame);
      for (const socket of sockets) {
        socket.emit('audio:frame', outgoing);
        counters.listenerFramesSent += 1;
      }
    }
  });
});

httpServer.listen(0, '127.0.0.1', () => {
  const { port } = httpServer.address() as AddressInfo;
  startProbe(
    () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        io.close(() => resolve());
      }),
    () => ({ 'audio.framesIn': counters.framesIn, 'audio.listenerFramesSent': counters.listenerFramesSent }),
  );
  sendToParent({ type: 'ready', port, ingestKey: '', flushIntervalMs: 0, store: 'none' });
});
