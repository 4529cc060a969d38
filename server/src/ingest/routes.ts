import {
  INGEST_BATCH_MAX_EVENTS,
  INGEST_KEY_HEADER,
  type IngestBatchItem,
  IngestEventSchema,
  parseWith,
} from '@earshot/shared';
import express, { type RequestHandler, Router } from 'express';
import { sendError } from '../http/errors.js';
import { refuseNulCharacters } from '../http/security.js';
import { type IngestKeyVerifier, keyFromHeaders } from './ingestKey.js';
import type { IngestService } from './ingestService.js';

/** A full batch of 500 events is about 150 kB; this leaves room without inviting abuse. */
export const INGEST_BODY_LIMIT_BYTES = 1_000_000;

export function requireIngestKey(verify: IngestKeyVerifier): RequestHandler {
  return async (req, res, next) => {
    const key = keyFromHeaders(req.headers, INGEST_KEY_HEADER);
    if (key === undefined) {
      return sendError(
        res,
        401,
        `missing ingest key: send it in the ${INGEST_KEY_HEADER} header or as Authorization: Bearer <key>`,
      );
    }
    if (!(await verify(key))) return sendError(res, 401, 'invalid ingest key');
    next();
  };
}

/**
 * POST /api/ingest/events: one event object, or an array of up to INGEST_BATCH_MAX_EVENTS applied in order.
 * Answers 200 with one IngestBatchItem per event (refused ones carry their index and reason); a body that
 * is not JSON, not an event, or not a batch is 400 naming the problem.
 */
export function createIngestRouter(deps: { verify: IngestKeyVerifier; service: IngestService }): Router {
  const router = Router();
  router.post(
    '/ingest/events',
    requireIngestKey(deps.verify),
    // Not strict: a bare number or string is parsed, so the answer can say it is not an event.
    express.json({ limit: INGEST_BODY_LIMIT_BYTES, strict: false }),
    refuseNulCharacters,
    async (req, res) => {
      const body: unknown = req.body;
      if (body === undefined) {
        return sendError(res, 400, 'expected a JSON body: send Content-Type: application/json');
      }
      if (Array.isArray(body)) {
        if (body.length === 0) return sendError(res, 400, 'the batch is empty: send at least one event');
        if (body.length > INGEST_BATCH_MAX_EVENTS) {
          return sendError(
            res,
            400,
            `the batch holds ${body.length} events; send at most ${INGEST_BATCH_MAX_EVENTS} per request`,
          );
        }
        res.json(await deps.service.ingestBatch(body));
        return;
      }
      if (typeof body !== 'object' || body === null) {
        return sendError(
          res,
          400,
          `expected an event object or an array of events, got ${body === null ? 'null' : typeof body}`,
        );
      }
      const parsed = parseWith(IngestEventSchema, body, 'event');
      if (!parsed.ok) return sendError(res, 400, parsed.error, parsed.details);
      const outcome = await deps.service.ingest(parsed.data);
      const item: IngestBatchItem = outcome.ok
        ? { ok: true, eventId: outcome.eventId, duplicate: outcome.duplicate }
        : { ok: false, index: 0, eventId: outcome.eventId, error: outcome.error };
      res.json([item]);
    },
  );
  return router;
}
