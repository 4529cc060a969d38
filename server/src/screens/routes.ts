import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  can,
  ExternalIdSchema,
  INGEST_KEY_HEADER,
  parseWith,
  SCREENSHOT_MAX_BYTES,
  ScreenshotUploadQuerySchema,
} from '@earshot/shared';
import express, { type Request, type Response, Router } from 'express';
import type { AuditLog } from '../audit/auditLog.js';
import { auditActorFromRequest } from '../audit/context.js';
import { requirePermission } from '../auth/middleware.js';
import type { CallRepository } from '../calls/callRepository.js';
import type { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import { sendError } from '../http/errors.js';
import { type IngestKeyVerifier, keyFromHeaders } from '../ingest/ingestKey.js';
import type { Logger } from '../logger.js';
import { MediaPathError } from '../media/paths.js';
import { ImageRejection } from './imageCheck.js';
import type { ScreenshotService } from './screenshotService.js';

export const SCREENS_UPLOAD_PATH = '/api/screens';
/** Screenshots never change (a new frame gets a new id), so browsers may keep them; private: they are personal data. */
const IMMUTABLE_CACHE = 'private, max-age=31536000, immutable';
/** Repeated full views of one screenshot by one user within this window are audited once. */
export const SCREENSHOT_VIEW_AUDIT_THROTTLE_MS = 60_000;

export interface ScreensRouterDeps {
  screenshots: ScreenshotService;
  registry: LiveCallRegistry;
  repository: CallRepository;
  verifyIngestKey: IngestKeyVerifier;
  audit: AuditLog;
  now: () => number;
  logger: Logger;
}

/**
 * POST /api/screens (agent session with screens:upload, or an ingest key), GET /api/screens/:id (full image,
 * audited), GET /api/screens/:id/thumb, GET /api/calls/:id/screens (screens:view). Mount after `authenticate`
 * and `csrfProtection`: an agent's upload rides on its cookie and needs the CSRF header; an ingest client
 * sends no cookie and its key instead.
 */
export function createScreensRouter(deps: ScreensRouterDeps): Router {
  const router = Router();
  const lastViewAudit = new Map<string, number>();

  router.post(
    '/screens',
    async (req, res, next) => {
      // Who uploads: a signed-in agent for their own call, or an ingest client naming the agent.
      let agentOfCaller: string | null = null;
      if (req.user) {
        if (!can(req.user.role, 'screens:upload')) {
          return sendError(res, 403, `the ${req.user.role} role may not do this (needs screens:upload)`);
        }
        if (!req.user.agentId) return sendError(res, 403, 'your account is not tied to an agent id');
        agentOfCaller = req.user.agentId;
      } else {
        const key = keyFromHeaders(req.headers, INGEST_KEY_HEADER);
        if (key === undefined) {
          return sendError(res, 401, `sign in as an agent, or send an ingest key in the ${INGEST_KEY_HEADER} header`);
        }
        if (!(await deps.verifyIngestKey(key))) return sendError(res, 401, 'invalid ingest key');
      }
      const query = parseWith(ScreenshotUploadQuerySchema, req.query, 'query');
      if (!query.ok) return sendError(res, 400, query.error, query.details);
      const { callId, capturedAt } = query.data;
      let agentId = query.data.agentId;
      if (agentOfCaller !== null) {
        if (agentId !== undefined && agentId !== agentOfCaller) {
          return sendError(res, 403, 'agents upload their own screen only: leave agentId out or send your own');
        }
        agentId = agentOfCaller;
      } else if (agentId === undefined) {
        return sendError(res, 400, 'agentId is required with an ingest key', [
          { path: 'agentId', message: 'required with an ingest key' },
        ]);
      }
      const live = deps.registry.get(callId);
      if (!live) {
        const stored = await deps.repository.findCall(callId);
        if (!stored) return sendError(res, 404, `no call with id ${callId}`);
        return sendError(res, 409, `call ${callId} has ended: screens are taken during live calls only`);
      }
      if (live.agentId !== agentId) {
        return sendError(
          res,
          agentOfCaller !== null ? 403 : 409,
          live.agentId === null
            ? `call ${callId} has not been answered by an agent yet`
            : `call ${callId} is handled by another agent, not ${agentId}`,
        );
      }
      res.locals.upload = { callId, capturedAt, agentId };
      next();
    },
    express.raw({ type: 'image/*', limit: SCREENSHOT_MAX_BYTES }),
    async (req, res) => {
      if (!Buffer.isBuffer(req.body)) {
        return sendError(
          res,
          415,
          'send the image bytes as the body with Content-Type image/webp, image/jpeg or image/png',
        );
      }
      const { callId, capturedAt, agentId } = res.locals.upload as {
        callId: string;
        capturedAt: number;
        agentId: string;
      };
      try {
        const result = await deps.screenshots.store({ callId, agentId, capturedAt, bytes: req.body });
        res.status(result.duplicate ? 200 : 201).json(result);
      } catch (error) {
        if (error instanceof ImageRejection) return sendError(res, error.status, error.message);
        throw error;
      }
    },
  );

  router.get('/screens/:id', requirePermission('screens:view'), async (req, res) => {
    const stored = await deps.screenshots.get(String(req.params.id));
    if (!stored) return sendError(res, 404, 'no such screenshot');
    const user = req.user;
    const throttleKey = `${user?.id ?? ''}:${stored.meta.id}`;
    const now = deps.now();
    const last = lastViewAudit.get(throttleKey);
    if (last === undefined || now - last >= SCREENSHOT_VIEW_AUDIT_THROTTLE_MS) {
      // Recorded before the image is sent: a view that cannot be audited does not happen.
      await deps.audit.record({
        ...auditActorFromRequest(req),
        action: 'screenshot.view',
        callId: stored.meta.callId,
        objectId: stored.meta.id,
        detail: { agentId: stored.meta.agentId, capturedAt: stored.meta.capturedAt },
      });
      lastViewAudit.set(throttleKey, now);
      if (lastViewAudit.size > 10_000) pruneOlderThan(lastViewAudit, now - SCREENSHOT_VIEW_AUDIT_THROTTLE_MS);
    }
    await sendImage(req, res, deps, stored.filePath, stored.meta.mime, stored.meta.contentHash);
  });

  // Thumbnails are not audited one by one: a wallboard of tiles fetches one every few seconds per call and
  // would flood the audit log; a thumbnail is too small to read, and the full view (audited) is what
  // reveals the screen.
  router.get('/screens/:id/thumb', requirePermission('screens:view'), async (req, res) => {
    const stored = await deps.screenshots.get(String(req.params.id));
    if (!stored) return sendError(res, 404, 'no such screenshot');
    await sendImage(req, res, deps, stored.thumbPath, 'image/webp', stored.meta.contentHash);
  });

  router.get('/calls/:id/screens', requirePermission('screens:view'), async (req, res) => {
    const id = parseWith(ExternalIdSchema, req.params.id, 'call id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    res.set('Cache-Control', 'no-store');
    res.json(await deps.screenshots.listForCall(id.data));
  });

  return router;
}

async function sendImage(
  req: Request,
  res: Response,
  deps: ScreensRouterDeps,
  relativePath: string,
  mime: string,
  contentHash: string,
): Promise<void> {
  let file: string;
  try {
    file = await deps.screenshots.resolveStoredPath(relativePath);
  } catch (error) {
    if (error instanceof MediaPathError) return sendError(res, 404, 'the screenshot file is missing');
    throw error;
  }
  const etag = `"${contentHash}"`;
  res.set({ 'Cache-Control': IMMUTABLE_CACHE, ETag: etag });
  if (req.get('if-none-match') === etag) {
    res.status(304).end();
    return;
  }
  const info = await stat(file).catch(() => null);
  if (!info) {
    deps.logger.warn('screens: a stored screenshot has no file', { relativePath });
    return sendError(res, 404, 'the screenshot file is missing');
  }
  res.set({ 'Content-Type': mime, 'Content-Length': String(info.size) });
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file);
    stream.on('error', reject);
    res.on('finish', resolve);
    res.on('close', resolve);
    stream.pipe(res);
  });
}

function pruneOlderThan(map: Map<string, number>, cutoff: number): void {
  for (const [key, at] of map) if (at < cutoff) map.delete(key);
}
