import {
  type Ack,
  can,
  ExternalIdSchema,
  PEAKS_CONTENT_TYPE,
  parseWith,
  type Recording,
  type RecordingsPage,
  RecordingsQuerySchema,
} from '@earshot/shared';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AuditLog } from '../audit/auditLog.js';
import { auditActorFromRequest } from '../audit/context.js';
import { requirePermission } from '../auth/middleware.js';
import { cursorParam } from '../calls/cursor.js';
import { maskCall, seesCallerNumbers } from '../calls/privacy.js';
import { sendError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { MediaPathError } from '../media/paths.js';
import type { RecordingList } from './recordingList.js';
import type { RecordingService } from './recordingService.js';

/** `?download=1` asks for the file as an attachment (needs recordings:download). */
export const RecordingAudioQuerySchema = z.object({
  download: z.enum(['0', '1'], { error: 'download must be 0 or 1' }).optional(),
});

/** A Range header whose first range starts at byte 0 (or none at all): the start of a playback, audited. */
const RANGE_FROM_START = /^\s*bytes\s*=\s*0\s*-/i;

export interface RecordingsRouterDeps {
  recordings: RecordingService;
  audit: AuditLog;
  logger: Logger;
  list: RecordingList;
  /** The long-call red threshold in force (settings), for the longCall flag. */
  longCallRedMs: () => number;
  /** Whether a trainer has a coaching assignment on the call: trainers hear only the calls they coach. */
  trainerHasCall: (trainerId: string, callId: string) => Promise<boolean>;
}

/**
 * Peaks never change once a recording is finished; they are derived from personal data, so only the
 * browser keeps them (private), and a day later it asks again (a 304 when they are the same), which also
 * re-checks the permission.
 */
const PEAKS_CACHE_CONTROL = 'private, max-age=86400';

/**
 * API (all for recordings:play; mount under /api after `authenticate`):
 * - GET /api/recordings: the recordings list (RecordingsQuerySchema, RecordingsPage in shared/src/recordings.ts):
 *   finished calls with a recording, newest first, cursor pages, filters and flags; caller numbers masked
 *   for roles without calls:view_caller_number. 400 names the field at fault.
 * - GET /api/recordings/:callId: the recording's metadata.
 * - GET /api/recordings/:callId/audio: the WAV, with HTTP ranges so a player can seek; `?download=1` asks
 *   for an attachment and also needs recordings:download. Audited from byte 0.
 * - GET /api/recordings/:callId/peaks: the waveform peaks, binary (format in shared/src/recordings.ts,
 *   decodePeaks), strong ETag (304 on If-None-Match); computed when the call ends, or on this first request
 *   for older recordings. 409 while the call is still being recorded, 404 without a recording.
 */
export function createRecordingsRouter(deps: RecordingsRouterDeps): Router {
  const router = Router();

  // Object-level rule on top of recordings:play: a trainer (coaching:view_own) reaches a call's recording
  // only through a coaching assignment on that call, and browses recordings through their coaching queue.
  const coachesOnly = (req: Request) => req.user !== undefined && can(req.user.role, 'coaching:view_own');
  router.use('/recordings/:callId', async (req, res, next) => {
    const user = req.user;
    if (!user || !coachesOnly(req)) return next();
    const callId = parseWith(ExternalIdSchema, req.params.callId, 'call id');
    if (!callId.ok) return sendError(res, 400, callId.error, callId.details);
    if (await deps.trainerHasCall(user.id, callId.data)) return next();
    return sendError(res, 403, `call ${callId.data} is not among your coaching assignments`);
  });

  router.get('/recordings', requirePermission('recordings:play'), async (req, res) => {
    if (coachesOnly(req)) {
      return sendError(res, 403, 'trainers reach recordings through their coaching queue (GET /api/coaching)');
    }
    const parsed = parseWith(RecordingsQuerySchema, req.query, 'query');
    if (!parsed.ok) return sendError(res, 400, parsed.error, parsed.details);
    const { cursor: cursorText, ...query } = parsed.data;
    const cursor = cursorParam(cursorText);
    if (!cursor.ok) return sendError(res, 400, cursor.error, cursor.details);
    const outcome = await deps.list.list(query, cursor.cursor, deps.longCallRedMs());
    if (!outcome.ok) return sendError(res, 400, outcome.error, [{ path: outcome.field, message: outcome.error }]);
    const showNumbers = req.user !== undefined && seesCallerNumbers(req.user.role);
    const page: RecordingsPage = showNumbers
      ? outcome.page
      : { ...outcome.page, items: outcome.page.items.map((item) => ({ ...item, call: maskCall(item.call) })) };
    res.set('Cache-Control', 'no-store');
    res.json(page);
  });

  router.get('/recordings/:callId/peaks', requirePermission('recordings:play'), async (req, res) => {
    const callId = parseWith(ExternalIdSchema, req.params.callId, 'call id');
    if (!callId.ok) return sendError(res, 400, callId.error, callId.details);
    const stored = await deps.recordings.getStored(callId.data);
    if (!stored) return sendError(res, 404, `call ${callId.data} has no recording`);
    if (stored.recording.status === 'recording') {
      return sendError(
        res,
        409,
        `the recording of call ${callId.data} is still being written; its waveform exists when the call ends`,
      );
    }
    let peaks: Awaited<ReturnType<RecordingService['peaks']>>;
    try {
      peaks = await deps.recordings.peaks(stored);
    } catch (error) {
      const missing = error instanceof MediaPathError || (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (!missing) throw error;
      deps.logger.warn('recordings: the audio file for the peaks is missing', { callId: callId.data, error });
      return sendError(res, 404, `the audio file of call ${callId.data}'s recording is missing`);
    }
    res.set({ 'Content-Type': PEAKS_CONTENT_TYPE, 'Cache-Control': PEAKS_CACHE_CONTROL, ETag: peaks.etag });
    // res.send answers If-None-Match with 304 from the ETag set here, and HEAD without a body.
    res.send(peaks.bytes);
  });

  router.get('/recordings/:callId', requirePermission('recordings:play'), async (req, res) => {
    const callId = parseWith(ExternalIdSchema, req.params.callId, 'call id');
    if (!callId.ok) return sendError(res, 400, callId.error, callId.details);
    const recording = await deps.recordings.get(callId.data);
    if (!recording) return sendError(res, 404, `call ${callId.data} has no recording`);
    res.set('Cache-Control', 'no-store');
    const body: Ack<Recording> = { ok: true, data: recording };
    res.json(body);
  });

  router.get('/recordings/:callId/audio', requirePermission('recordings:play'), async (req, res) => {
    const callId = parseWith(ExternalIdSchema, req.params.callId, 'call id');
    if (!callId.ok) return sendError(res, 400, callId.error, callId.details);
    const query = parseWith(RecordingAudioQuerySchema, req.query, 'query');
    if (!query.ok) return sendError(res, 400, query.error, query.details);
    const download = query.data.download === '1';
    const user = req.user;
    if (download && user && !can(user.role, 'recordings:download')) {
      return sendError(
        res,
        403,
        `the ${user.role} role may play recordings but not download them (needs recordings:download)`,
      );
    }
    const stored = await deps.recordings.getStored(callId.data);
    if (!stored) return sendError(res, 404, `call ${callId.data} has no recording`);
    const { recording } = stored;
    if (recording.status === 'recording') {
      return sendError(
        res,
        409,
        `the recording of call ${callId.data} is still being written; it becomes available when the call ends`,
      );
    }
    let file: string;
    try {
      file = await deps.recordings.resolveStoredPath(stored.file);
    } catch (error) {
      if (!(error instanceof MediaPathError)) throw error;
      deps.logger.warn('recordings: a stored path cannot be resolved', { callId: recording.callId, error });
      return sendError(res, 404, `the audio file of call ${callId.data}'s recording is missing`);
    }

    // Audited before a byte is sent (an action that cannot be recorded does not happen). A player seeks with
    // range requests; only a request from byte 0 starts a playback, so seeking does not flood the log.
    const range = req.get('range');
    const detail = { range: range ?? null, status: recording.status, durationMs: recording.durationMs };
    if (req.method === 'GET' && (download || range === undefined || RANGE_FROM_START.test(range))) {
      await deps.audit.record({
        ...auditActorFromRequest(req),
        action: download ? 'recording.download' : 'recording.play',
        callId: recording.callId,
        objectId: recording.callId,
        detail,
      });
    }

    // Personal data: never kept by browsers or proxies. send (behind res.sendFile) answers Range (206,
    // Content-Range, Accept-Ranges, 416), If-Range and HEAD from the file itself.
    res.set({ 'Cache-Control': 'private, no-store', 'Content-Type': 'audio/wav' });
    if (download) res.attachment(`recording-${recording.callId.replace(/[^A-Za-z0-9._-]/g, '_')}.wav`);
    await sendFile(req, res, file, recording.callId, deps.logger);
  });

  return router;
}

/** res.sendFile with the project's JSON errors (send's own are HTML pages). */
function sendFile(req: Request, res: Response, file: string, callId: string, logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    res.sendFile(
      file,
      {
        cacheControl: false,
        acceptRanges: true,
        lastModified: true,
        // The path came from resolveMediaPath, which refuses dot-segments below DATA_DIR; DATA_DIR itself
        // may sit under a dot-directory (~/.earshot), which send would otherwise answer with 404.
        dotfiles: 'allow',
      },
      (error?: Error & { status?: number; code?: string; headers?: Record<string, string> }) => {
        resolve();
        if (!error || res.headersSent) return;
        // What send set for the audio does not describe a JSON error.
        for (const header of ['Content-Type', 'Content-Disposition', 'ETag', 'Last-Modified', 'Content-Range']) {
          res.removeHeader(header);
        }
        if (error.status === 416) {
          const contentRange = error.headers?.['Content-Range'];
          if (contentRange) res.set('Content-Range', contentRange);
          return sendError(
            res,
            416,
            `the range ${req.get('range') ?? ''} lies outside the recording's bytes (${contentRange ?? 'unknown size'})`,
          );
        }
        if (error.status === 404 || error.code === 'ENOENT') {
          logger.warn('recordings: a stored recording has no file', { callId, file });
          return sendError(res, 404, `the audio file of call ${callId}'s recording is missing`);
        }
        if (error.code === 'ECONNABORTED') return;
        logger.error('recordings: sending a recording failed', { callId, error });
        sendError(res, 500, 'the recording could not be sent; the details are in the server log');
      },
    );
  });
}
