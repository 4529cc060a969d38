import { CallsQuerySchema, ExternalIdSchema, parseWith } from '@earshot/shared';
import { type Request, Router } from 'express';
import { requirePermission } from '../auth/middleware.js';
import { sendError } from '../http/errors.js';
import type { CallRepository } from './callRepository.js';
import { decodeCursor } from './cursor.js';
import { maskCallDetail, maskCallsPage, seesCallerNumbers } from './privacy.js';

/** `requirePermission` ran first, so a user is there; without one nothing is shown in full. */
const showsNumbers = (req: Request) => req.user !== undefined && seesCallerNumbers(req.user.role);

/**
 * GET /api/calls (filters, newest first, cursor pages) and GET /api/calls/:id (call and history), both
 * with permission `calls:view`; caller numbers masked for roles without `calls:view_caller_number`.
 */
export function createCallsRouter(repository: CallRepository): Router {
  const router = Router();

  router.get('/calls', requirePermission('calls:view'), async (req, res) => {
    const parsed = parseWith(CallsQuerySchema, req.query, 'query');
    if (!parsed.ok) return sendError(res, 400, parsed.error, parsed.details);
    const { cursor: cursorText, ...query } = parsed.data;
    let cursor = null;
    if (cursorText !== undefined) {
      const decoded = decodeCursor(cursorText);
      if (!decoded.ok) return sendError(res, 400, decoded.error, [{ path: 'cursor', message: decoded.error }]);
      cursor = decoded.cursor;
    }
    const page = await repository.listCalls(query, cursor);
    res.set('Cache-Control', 'no-store');
    res.json(showsNumbers(req) ? page : maskCallsPage(page));
  });

  router.get('/calls/:id', requirePermission('calls:view'), async (req, res) => {
    const id = parseWith(ExternalIdSchema, req.params.id, 'call id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const detail = await repository.getCallDetail(id.data);
    if (!detail) return sendError(res, 404, `no call with id ${id.data}`);
    res.set('Cache-Control', 'no-store');
    res.json(showsNumbers(req) ? detail : maskCallDetail(detail));
  });

  return router;
}
