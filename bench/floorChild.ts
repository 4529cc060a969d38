/**
 * The floor: the least a server can do to turn the same ingest stream into the same wallboard deltas.
 * A bare `ws` server that JSON-parses each batch, applies the shared state machine in memory, keeps a
 * dirty set and, every flush interval, serializes one delta (same shape as WallboardDelta) and writes it
 * to every dashboard socket. No schema validation, no persistence, no rooms, no Socket.IO framing.
 * Whatever the real server costs above this is its own overhead.
 *
 * Started by bench/wallboard.ts with child_process.fork; FLOOR_FLUSH_MS sets the batching interval.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  applyCallEvent,
  type Call,
  DEAD_AIR_THRESHOLD_MS,
  type IngestEvent,
  SERVICE_LEVEL_THRESHOLD_MS,
  type WallboardDelta,
  type WallboardSnapshot,
  type WallboardStats,
} from '@earshot/shared';
import { type WebSocket, WebSocketServer } from 'ws';
import { sendToParent, startProbe } from './probe.js';

const flushIntervalMs = Number(process.env.FLOOR_FLUSH_MS ?? '250');
if (!Number.isInteger(flushIntervalMs) || flushIntervalMs < 1) {
  throw new Error(`FLOOR_FLUSH_MS must be a positive whole number of ms, got ${process.env.FLOOR_FLUSH_MS}`);
}

const liveCalls = new Map<string, Call>();
const dirty = new Set<string>();
const removed = new Set<string>();
const dashboards = new Set<WebSocket>();
let seq = 0;
const today = { offered: 0, answered: 0, answeredWithinThreshold: 0, abandoned: 0 };

function applyBatch(events: IngestEvent[]): void {
  for (const event of events) {
    const transition = applyCallEvent(liveCalls.get(event.callId), event);
    if (!transition.ok) continue;
    const call = transition.call;
    if (event.type === 'call.offered') today.offered++;
    if (event.type === 'call.answered') {
      today.answered++;
      if (event.at - call.offeredAt <= SERVICE_LEVEL_THRESHOLD_MS) today.answeredWithinThreshold++;
    }
    if (call.state === 'ended') {
      if (call.endReason === 'abandoned') today.abandoned++;
      liveCalls.delete(call.id);
      dirty.delete(call.id);
      removed.add(call.id);
    } else {
      liveCalls.set(call.id, call);
      dirty.add(call.id);
    }
  }
}

function stats(): WallboardStats {
  let waiting = 0;
  let oldestWaitingSince: number | null = null;
  for (const call of liveCalls.values()) {
    if (call.state !== 'queued') continue;
    waiting++;
    if (oldestWaitingSince === null || call.offeredAt < oldestWaitingSince) oldestWaitingSince = call.offeredAt;
  }
  return {
    inProgress: liveCalls.size - waiting,
    waiting,
    oldestWaitingSince,
    serviceLevel: { ...today, offered: today.answered + today.abandoned },
    abandonedToday: today.abandoned,
    offeredToday: today.offered,
  };
}

function flush(): void {
  if (dirty.size === 0 && removed.size === 0) return;
  const serverTime = Date.now();
  seq++;
  const upserts: Call[] = [];
  for (const id of dirty) {
    const call = liveCalls.get(id);
    if (call) upserts.push(call);
  }
  const delta: WallboardDelta = { seq, serverTime, upserts, removed: [...removed], stats: stats() };
  dirty.clear();
  removed.clear();
  const frame = JSON.stringify(delta);
  for (const socket of dashboards) socket.send(frame);
}

const httpServer = createServer((_request, response) => {
  response.writeHead(404).end();
});
const ingestServer = new WebSocketServer({ noServer: true });
const wallboardServer = new WebSocketServer({ noServer: true });

httpServer.on('upgrade', (request, socket, head) => {
  const target = request.url === '/ingest' ? ingestServer : request.url === '/wallboard' ? wallboardServer : null;
  if (!target) {
    socket.destroy();
    return;
  }
  target.handleUpgrade(request, socket, head, (ws) => target.emit('connection', ws, request));
});

ingestServer.on('connection', (socket) => {
  socket.on('message', (data) => {
    // The bench's own feed over loopback: trusted, so no schema here (that is the point of a floor).
    applyBatch(JSON.parse(String(data)) as IngestEvent[]);
  });
});

wallboardServer.on('connection', (socket) => {
  const snapshot: WallboardSnapshot = {
    seq,
    serverTime: Date.now(),
    calls: [...liveCalls.values()],
    stats: stats(),
    settings: {
      longCallAmberMs: 0,
      longCallRedMs: 0,
      serviceLevelThresholdMs: SERVICE_LEVEL_THRESHOLD_MS,
      serviceLevelTargetPct: 90,
      deadAirThresholdMs: DEAD_AIR_THRESHOLD_MS,
    },
  };
  socket.send(JSON.stringify(snapshot));
  dashboards.add(socket);
  socket.on('close', () => dashboards.delete(socket));
});

const flushTimer = setInterval(flush, flushIntervalMs);

startProbe(async () => {
  clearInterval(flushTimer);
  for (const socket of [...dashboards, ...ingestServer.clients]) socket.terminate();
  ingestServer.close();
  wallboardServer.close();
  await new Promise<void>((resolve) => httpServer.close(() => resolve()));
});

httpServer.listen(0, '127.0.0.1', () => {
  const { port } = httpServer.address() as AddressInfo;
  sendToParent({ type: 'ready', port, ingestKey: '', flushIntervalMs, store: 'memory' });
});
