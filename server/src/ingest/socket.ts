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
  type SocketData,
} from '@earshot/shared';
import type { Namespace } from 'socket.io';
import { splitSocketArgs } from '../http/sockets.js';
import type { Logger } from '../logger.js';
import type { IngestKeyChecker } from './ingestKey.js';
import type { IngestService } from './ingestService.js';

export type IngestNamespace = Namespace<
  IngestClientToServerEvents,
  IngestServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/**
 * The ingest namespace: clients authenticate once when connecting (`auth: { key }`), then send
 * `ingest:event` or `ingest:batch` and get an Ack back. A bad key refuses the connection.
 */
export function setUpIngestNamespace(
  namespace: IngestNamespace,
  deps: { checker: IngestKeyChecker; service: IngestService; logger: Logger },
): void {
  namespace.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const key = typeof auth === 'object' && auth !== null ? (auth as { key?: unknown }).key : undefined;
    if (key === undefined) return next(new Error('missing ingest key: connect with auth: { key }'));
    if (!deps.checker.matches(key)) return next(new Error('invalid ingest key'));
    socket.data.connectedAt = Date.now();
    next();
  });

  namespace.on('connection', (socket) => {
    socket.on('ingest:event', (...args: unknown[]) => {
      const { payload, ack } = splitSocketArgs<Ack<IngestResult>>(args);
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
