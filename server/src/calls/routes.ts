import { CallsQuerySchema, ExternalIdSchema, parseWith } from '@earshot/shared';
import { Router } from 'express';
import { sendError } from '../http/errors.js';
import type { CallRepository } from './callRepository.js';
import { decodeCursor } from './cursor.js';

/** GET /api/calls (filters, newest first, cursor pages) and GET /api/calls/:id (call and history). */
export function createCallsRouter(repository: CallRepository): Router {
  const router = Router();

  router.get('/calls', async (req, res) => {
    const parsed = parseWith(CallsQuerySchema, req.query, 'query');
    if (!parsed.ok) return sendError(res, 400, parsed.error, parsed.details);
    const { cursor: cursorText, ...query } = parsed.data;
    let cursor = null;
    if (cursorText !== undefined) {
      const decoded = decodeCursor(cursorText);
      if (!decoded.ok) return sendError(res, 400, decoded.error, [{ path: 'cursor', message: decoded.error }]);
      cursor = decoded.cursor;
    }
    res.json(await repository.listCalls(query, cursor));
  });

  router.get('/calls/:id', async (req, res) => {
    const id = parseWith(ExternalIdSchema, req.params.id, 'call id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const detail = await repository.getCallDetail(id.data);
    if (!detail) return sendError(res, 404, `no call with id ${id.data}`);
    res.json(detail);
  });

  return router;
}
