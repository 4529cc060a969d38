import { type Call, CallsQuerySchema, ExternalIdSchema, parseWith } from '@earshot/shared';
import { type Request, Router } from 'express';
import { type CoachedCallCheck, requireCallPermission, requirePermission } from '../auth/middleware.js';
import { sendError } from '../http/errors.js';
import type { CallRepository } from './callRepository.js';
import { cursorParam } from './cursor.js';
import { maskCallDetail, maskCallsPage, seesCallerNumbers } from './privacy.js';

/** `requirePermission` ran first, so a user is there; without one nothing is shown in full. */
const showsNumbers = (req: Request) => req.user !== undefined && seesCallerNumbers(req.user.role);

/**
 * GET /api/calls (filters, newest first, cursor pages) and GET /api/calls/:id (call and history), both
 * with permission `calls:view`; caller numbers masked for roles without `calls:view_caller_number`.
 * A live call is answered from memory (`liveCall`): the row lacks live-only state such as who is
 * listening, and a page that merges this answer with the socket's must not lose it.
 */
export function createCallsRouter(
  repository: CallRepository,
  liveCall: (id: string) => Call | undefined,
  /** Trainers read the calls they coach (GET /api/calls/:id only). */
  coached?: CoachedCallCheck,
): Router {
  const router = Router();

  router.get('/calls', requirePermission('calls:view'), async (req, res) => {
    const parsed = parseWith(CallsQuerySchema, req.query, 'query');
    if (!parsed.ok) return sendError(res, 400, parsed.error, parsed.details);
    const { cursor: cursorText, ...query } = parsed.data;
    const cursor = cursorParam(cursorText);
    if (!cursor.ok) return sendError(res, 400, cursor.error, cursor.details);
    const stored = await repository.listCalls(query, cursor.cursor);
    const page = { ...stored, items: stored.items.map((call) => liveCall(call.id) ?? call) };
    res.set('Cache-Control', 'no-store');
    res.json(showsNumbers(req) ? page : maskCallsPage(page));
  });

  router.get('/calls/:id', requireCallPermission('calls:view', coached), async (req, res) => {
    const id = parseWith(ExternalIdSchema, req.params.id, 'call id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const stored = await repository.getCallDetail(id.data);
    if (!stored) return sendError(res, 404, `no call with id ${id.data}`);
    const detail = { ...stored, call: liveCall(id.data) ?? stored.call };
    res.set('Cache-Control', 'no-store');
    res.json(showsNumbers(req) ? detail : maskCallDetail(detail));
  });

  return router;
}
