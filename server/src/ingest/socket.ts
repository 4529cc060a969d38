import {
  type Ack,
  INGEST_BATCH_MAX_EVENTS,
  type IngestBatchItem,
  type IngestClientToServerEvents,
  IngestEventSchema,
  type IngestResult,
  type IngestServerToClientEvents,
  type InterServerEvents,
  parseWith,
} from '@earshot/shared';
import type { Namespace } from 'socket.io';
import { findNulCharacter } from '../http/security.js';
import { splitSocketArgs } from '../http/sockets.js';
import type { Logger } from '../logger.js';
import type { IngestKeyVerifier } from './ingestKey.js';
import type { IngestService } from './ingestService.js';

/** What the server keeps on an ingest socket: when it connected, and the admin-made key it used, if any. */
export interface IngestSocketData {
  connectedAt: number;
  /** Set when the key is one an admin created, so revoking it can close the connections that used it. */
  ingestKeyId?: string;
}

export type IngestNamespace = Namespace<
  IngestClientToServerEvents,
  IngestServerToClientEvents,
  InterServerEvents,
  IngestSocketData
>;

/**
 * The ingest namespace: clients authenticate once when connecting (`auth: { key }`), then send
 * `ingest:event` or `ingest:batch` and get an Ack back. A bad key refuses the connection.
 */
export function setUpIngestNamespace(
  namespace: IngestNamespace,
  deps: { verify: IngestKeyVerifier; service: IngestService; logger: Logger },
): void {
  namespace.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const key = typeof auth === 'object' && auth !== null ? (auth as { key?: unknown }).key : undefined;
    if (key === undefined) return next(new Error('missing ingest key: connect with auth: { key }'));
    deps.verify(key).then(
      (caller) => {
        if (!caller) return next(new Error('invalid ingest key'));
        socket.data.connectedAt = Date.now();
        if (caller.source === 'stored') socket.data.ingestKeyId = caller.keyId;
        next();
      },
      (error: unknown) => {
        deps.logger.error('ingest: could not check an ingest key', { error });
        next(new Error('could not check the ingest key; try again'));
      },
    );
  });

  namespace.on('connection', (socket) => {
    socket.on('ingest:event', (...args: unknown[]) => {
      const { payload, ack } = splitSocketArgs<Ack<IngestResult>>(args);
      const nul = findNulCharacter(payload, 'event');
      if (nul) return ack({ ok: false, error: `invalid event: text may not contain NUL characters (in ${nul})` });
      const parsed = parseWith(IngestEventSchema, payload, 'event');
      if (!parsed.ok) return ack(parsed);
      deps.service
        .ingest(parsed.data)
        .then((outcome) =>
          ack(
            outcome.ok
              ? { ok: true, data: { eventId: outcome.eventId, duplicate: outcome.duplicate } }
              : { ok: false, error: outcome.error },
          ),
        )
        .catch((error: unknown) => {
          deps.logger.error('ingest:event failed', { error });
          ack({ ok: false, error: 'internal error while applying the event' });
        });
    });

    socket.on('ingest:batch', (...args: unknown[]) => {
      const { payload, ack } = splitSocketArgs<Ack<IngestBatchItem[]>>(args);
      if (!Array.isArray(payload)) return ack({ ok: false, error: 'invalid batch: expected an array of events' });
      const nul = findNulCharacter(payload, 'batch');
      if (nul) return ack({ ok: false, error: `invalid batch: text may not contain NUL characters (in ${nul})` });
      if (payload.length === 0) return ack({ ok: false, error: 'invalid batch: send at least one event' });
      if (payload.length > INGEST_BATCH_MAX_EVENTS) {
        return ack({
          ok: false,
          error: `invalid batch: it holds ${payload.length} events; send at most ${INGEST_BATCH_MAX_EVENTS}`,
        });
      }
      deps.service
        .ingestBatch(payload)
        .then((items) => ack({ ok: true, data: items }))
        .catch((error: unknown) => {
          deps.logger.error('ingest:batch failed', { error });
          ack({ ok: false, error: 'internal error while applying the batch' });
        });
    });
  });
}

/** Closes the ingest connections made with an admin-created key, once it is revoked (local to this node). */
export function disconnectIngestKey(namespace: IngestNamespace, keyId: string): number {
  let closed = 0;
  for (const socket of namespace.sockets.values()) {
    if (socket.data.ingestKeyId !== keyId) continue;
    socket.disconnect(true);
    closed += 1;
  }
  return closed;
}
