import { ExternalIdSchema, parseWith, TRANSCRIPT_INGEST_PATH, TranscriptBatchSchema } from '@earshot/shared';
import express, { Router } from 'express';
import { type CoachedCallCheck, requireCallPermission } from '../auth/middleware.js';
import { sendError } from '../http/errors.js';
import type { IngestKeyVerifier } from '../ingest/ingestKey.js';
import { requireIngestKey } from '../ingest/routes.js';
import type { TranscriptService } from './transcriptService.js';

/**
 * A full batch of 500 segments of ordinary length is about 150 kB; 500 at the 2,000-character limit in
 * Cyrillic (two bytes a letter) is about 2.1 MB. The socket carries at most 1 MB per message.
 */
export const TRANSCRIPT_INGEST_BODY_LIMIT_BYTES = 2_500_000;

/** The path under the /api router (TRANSCRIPT_INGEST_PATH is the full one). */
const INGEST_ROUTE = TRANSCRIPT_INGEST_PATH.replace(/^\/api/, '');

/**
 * POST /api/ingest/transcripts (ingest key): a JSON array of up to TRANSCRIPT_BATCH_MAX_SEGMENTS segments,
 * or one segment object. Answers 200 with one TranscriptBatchItem per segment (refused ones carry their
 * index and reason); a body that is not JSON or not a batch is 400. Mount before the API's JSON parser.
 */
export function createTranscriptIngestRouter(deps: {
  verify: IngestKeyVerifier;
  transcripts: TranscriptService;
}): Router {
  const router = Router();
  router.post(
    INGEST_ROUTE,
    requireIngestKey(deps.verify),
    express.json({ limit: TRANSCRIPT_INGEST_BODY_LIMIT_BYTES, strict: false }),
    async (req, res) => {
      const body: unknown = req.body;
      if (body === undefined) return sendError(res, 400, 'expected a JSON body: send Content-Type: application/json');
      const items = typeof body === 'object' && body !== null && !Array.isArray(body) ? [body] : body;
      const batch = parseWith(TranscriptBatchSchema, items, 'batch (an array of transcript segments)');
      if (!batch.ok) return sendError(res, 400, batch.error, batch.details);
      res.json(await deps.transcripts.ingestBatch(batch.data));
    },
  );
  return router;
}

/** GET /api/calls/:id/transcript (calls:view): the call's lines in order and its sentiment (CallTranscript). */
export function createTranscriptRouter(deps: {
  transcripts: TranscriptService;
  /** Trainers read the transcripts of the calls they coach. */
  coached?: CoachedCallCheck;
}): Router {
  const router = Router();
  router.get('/calls/:id/transcript', requireCallPermission('calls:view', deps.coached), async (req, res) => {
    const id = parseWith(ExternalIdSchema, req.params.id, 'call id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const transcript = await deps.transcripts.transcript(id.data);
    if (!transcript) return sendError(res, 404, `no call with id ${id.data}`);
    res.set('Cache-Control', 'no-store');
    res.json(transcript);
  });
  return router;
}
