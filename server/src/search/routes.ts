import { parseWith, SearchQuerySchema } from '@earshot/shared';
import { Router } from 'express';
import { requirePermission } from '../auth/middleware.js';
import { sendError } from '../http/errors.js';
import type { SearchService } from './searchService.js';

/**
 * GET /api/search (calls:view): SearchResult. Hits carry no caller number (transcripts and moments only),
 * so the caller-number masking of other call answers has nothing to mask here.
 */
export function createSearchRouter(deps: { search: SearchService }): Router {
  const router = Router();
  router.get('/search', requirePermission('calls:view'), async (req, res) => {
    const query = parseWith(SearchQuerySchema, req.query, 'query');
    if (!query.ok) return sendError(res, 400, query.error, query.details);
    const outcome = await deps.search.search(query.data);
    if (!outcome.ok) return sendError(res, 400, outcome.error);
    res.set('Cache-Control', 'no-store');
    res.json(outcome.result);
  });
  return router;
}
