import {
  type Ack,
  parseWith,
  TRANSCRIPT_INGEST_EVENT,
  type TranscriptBatchItem,
  TranscriptBatchSchema,
} from '@earshot/shared';
import { splitSocketArgs } from '../http/sockets.js';
import type { IngestNamespace } from '../ingest/socket.js';
import type { Logger } from '../logger.js';
import type { TranscriptService } from './transcriptService.js';

/**
 * `ingest:transcript` on the ingest namespace (whose connection already proved its key): an array of
 * segments, acknowledged per segment. Only a payload that is not a batch at all is refused as a whole.
 */
export function registerTranscriptIngest(
  namespace: IngestNamespace,
  deps: { transcripts: TranscriptService; logger: Logger },
): void {
  namespace.on('connection', (socket) => {
    socket.on(TRANSCRIPT_INGEST_EVENT, (...args: unknown[]) => {
      const { payload, ack } = splitSocketArgs<Ack<TranscriptBatchItem[]>>(args);
      const batch = parseWith(TranscriptBatchSchema, payload, 'batch (an array of transcript segments)');
      if (!batch.ok) return ack(batch);
      deps.transcripts
        .ingestBatch(batch.data)
        .then((items) => ack({ ok: true, data: items }))
        .catch((error: unknown) => {
          deps.logger.error(`${TRANSCRIPT_INGEST_EVENT} failed`, { error });
          ack({ ok: false, error: 'internal error while storing the transcript batch' });
        });
    });
  });
}
