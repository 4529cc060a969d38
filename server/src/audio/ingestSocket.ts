import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { AUDIO_INGEST_PATH, AUDIO_MESSAGE_MAX_BYTES, type AudioFrameError, INGEST_KEY_HEADER } from '@earshot/shared';
import { type WebSocket, WebSocketServer } from 'ws';
import { type IngestKeyVerifier, keyFromHeaders } from '../ingest/ingestKey.js';
import type { Logger } from '../logger.js';
import type { AudioAdapterConnection, LiveAudioHub } from './liveAudioHub.js';

/** Refusals sent back per connection per second; beyond it they are counted and summarised. */
const ERRORS_PER_SECOND_MAX = 50;
/** Controller audio waiting in an adapter's socket beyond this is dropped (about 2 s of frames). */
const ADAPTER_MAX_BUFFERED_BYTES = 64 * 1024;
/** Close code sent to the connections of a revoked ingest key (4000-4999 are the application's). */
const CLOSE_KEY_REVOKED = 4401;

export interface AudioIngestEndpoint {
  /** Connections open now. */
  readonly connections: number;
  /** Closes the connections made with an admin-created key once it is revoked; returns how many. */
  disconnectKey(keyId: string): number;
  close(): Promise<void>;
}

/**
 * The audio ingest WebSocket at AUDIO_INGEST_PATH on the server's HTTP port. A telephony adapter opens it
 * with an ingest key (header, `Authorization: Bearer`, or `?key=` for clients that cannot set headers) and
 * sends binary messages of frames (shared/src/audio.ts). Refused frames are answered with a JSON text
 * message naming the problem; controller audio comes back as binary frames. A refused key gets HTTP 401
 * before any WebSocket exists.
 */
export function attachAudioIngest(
  httpServer: http.Server,
  deps: { verify: IngestKeyVerifier; hub: LiveAudioHub; logger: Logger },
): AudioIngestEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: AUDIO_MESSAGE_MAX_BYTES });
  const keyIds = new Map<WebSocket, string>();
  let nextId = 1;

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Other upgrades (Socket.IO, Vite's hot reload) are theirs.
    if (url.pathname !== AUDIO_INGEST_PATH) return;
    const key = keyFromHeaders(req.headers, INGEST_KEY_HEADER) ?? url.searchParams.get('key') ?? undefined;
    if (key === undefined) {
      return refuseUpgrade(
        socket,
        401,
        `missing ingest key: send it in the ${INGEST_KEY_HEADER} header, as Authorization: Bearer <key>, or as ?key=`,
      );
    }
    deps.verify(key).then(
      (caller) => {
        if (!caller) return refuseUpgrade(socket, 401, 'invalid ingest key');
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (caller.source === 'stored') keyIds.set(ws, caller.keyId);
          onConnection(ws);
        });
      },
      (error: unknown) => {
        deps.logger.error('audio ingest: could not check an ingest key', { error });
        refuseUpgrade(socket, 503, 'could not check the ingest key; try again');
      },
    );
  };
  httpServer.on('upgrade', onUpgrade);

  const onConnection = (ws: WebSocket) => {
    const errors = { windowStartedAt: Date.now(), sent: 0, suppressed: 0 };
    const sendJson = (message: object) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const connection: AudioAdapterConnection = {
      id: `audio-${nextId++}`,
      sendFrame(frame) {
        if (ws.readyState !== ws.OPEN || ws.bufferedAmount > ADAPTER_MAX_BUFFERED_BYTES) return;
        ws.send(frame);
      },
      sendError(error: AudioFrameError) {
        const now = Date.now();
        if (now - errors.windowStartedAt >= 1000) {
          if (errors.suppressed > 0) {
            sendJson({
              type: 'error',
              error: `${errors.suppressed} more frames were refused in the last second (at most ${ERRORS_PER_SECOND_MAX} refusals are sent per second)`,
            });
          }
          Object.assign(errors, { windowStartedAt: now, sent: 0, suppressed: 0 });
        }
        if (errors.sent >= ERRORS_PER_SECOND_MAX) {
          errors.suppressed += 1;
          return;
        }
        errors.sent += 1;
        sendJson({ type: 'error', ...error });
      },
    };
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        connection.sendError({
          index: 0,
          error: 'send audio as binary WebSocket messages (text messages are not read)',
        });
        return;
      }
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : new Uint8Array(data);
      try {
        deps.hub.acceptAdapterMessage(connection, bytes);
      } catch (error) {
        // A bug must not take the connection (or the server) down with it; the sender hears about it.
        deps.logger.error('audio ingest: a message could not be handled', { error });
        connection.sendError({ index: 0, error: 'internal error while handling this message' });
      }
    });
    ws.on('error', (error) => deps.logger.warn('audio ingest: connection error', { error }));
    ws.on('close', () => {
      keyIds.delete(ws);
      deps.hub.adapterGone(connection);
    });
  };

  return {
    get connections() {
      return wss.clients.size;
    },
    disconnectKey(keyId) {
      let closed = 0;
      for (const [ws, id] of keyIds) {
        if (id !== keyId) continue;
        ws.close(CLOSE_KEY_REVOKED, 'ingest key revoked');
        closed += 1;
      }
      return closed;
    },
    close() {
      httpServer.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}

function refuseUpgrade(socket: Duplex, status: 401 | 503, message: string): void {
  const body = JSON.stringify({ ok: false, error: message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Service Unavailable'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
