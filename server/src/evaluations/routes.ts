import {
  type Ack,
  CoachingInputSchema,
  CoachingQuerySchema,
  CoachingUpdateSchema,
  can,
  EvaluationInputSchema,
  EvaluationSummaryQuerySchema,
  EvaluationsQuerySchema,
  parseWith,
  ScorecardInputSchema,
  ScorecardQuerySchema,
  type User,
} from '@earshot/shared';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import { auditActorFromRequest } from '../audit/context.js';
import { requirePermission } from '../auth/middleware.js';
import { sendError } from '../http/errors.js';
import { EvaluationError, type EvaluationService } from './evaluationService.js';

/** Ids the server made (UUIDs) or the seeded `default`. */
const ObjectIdSchema = z.string().min(1).max(64);

/**
 * Scorecards (read: evaluations:view; write: settings:manage), evaluations (read: evaluations:view; write:
 * evaluations:write, the author's own drafts), their summary (analytics:view), and coaching (a trainer's own
 * queue with coaching:view_own, everyone's with evaluations:view; only the assigned trainer marks an item).
 * Answers are `Ack<T>`; errors name the field. Mount under /api after `authenticate`.
 */
export function createEvaluationsRouter(deps: { evaluations: EvaluationService }): Router {
  const router = Router();
  const service = deps.evaluations;

  router.get('/scorecards', requirePermission('evaluations:view'), async (_req, res) => {
    send(res, 200, await service.listScorecards());
  });

  router.get('/scorecards/:id', requirePermission('evaluations:view'), async (req, res) => {
    const id = parseWith(ObjectIdSchema, req.params.id, 'scorecard id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const query = parseWith(ScorecardQuerySchema, req.query, 'query');
    if (!query.ok) return sendError(res, 400, query.error, query.details);
    const scorecard = await service.getScorecard(id.data, query.data.version);
    if (!scorecard) {
      const which = query.data.version === undefined ? '' : ` version ${query.data.version}`;
      return sendError(res, 404, `no scorecard ${id.data}${which}`);
    }
    send(res, 200, scorecard);
  });

  router.post('/scorecards', requirePermission('settings:manage'), async (req, res) => {
    const input = parseWith(ScorecardInputSchema, req.body, 'scorecard');
    if (!input.ok) return sendError(res, 400, input.error, input.details);
    await answer(res, 201, () => service.createScorecard(input.data, auditActorFromRequest(req)));
  });

  router.put('/scorecards/:id', requirePermission('settings:manage'), async (req, res) => {
    const id = parseWith(ObjectIdSchema, req.params.id, 'scorecard id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const input = parseWith(ScorecardInputSchema, req.body, 'scorecard');
    if (!input.ok) return sendError(res, 400, input.error, input.details);
    await answer(res, 200, () => service.editScorecard(id.data, input.data, auditActorFromRequest(req)));
  });

  router.get('/evaluations', requirePermission('evaluations:view'), async (req, res) => {
    const query = parseWith(EvaluationsQuerySchema, req.query, 'query');
    if (!query.ok) return sendError(res, 400, query.error, query.details);
    send(res, 200, await service.listEvaluations(query.data, signedIn(req)));
  });

  // Before /evaluations/:id, which would take "summary" for an id.
  router.get('/evaluations/summary', requirePermission('analytics:view'), async (req, res) => {
    const query = parseWith(EvaluationSummaryQuerySchema, req.query, 'query');
    if (!query.ok) return sendError(res, 400, query.error, query.details);
    send(res, 200, await service.summary(query.data.from, query.data.to));
  });

  router.get('/evaluations/:id', requirePermission('evaluations:view'), async (req, res) => {
    const id = parseWith(ObjectIdSchema, req.params.id, 'evaluation id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    await answer(res, 200, () => service.getEvaluation(id.data, signedIn(req)));
  });

  router.post('/evaluations', requirePermission('evaluations:write'), async (req, res) => {
    const input = parseWith(EvaluationInputSchema, req.body, 'evaluation');
    if (!input.ok) return sendError(res, 400, input.error, input.details);
    await answer(res, 201, () => service.createEvaluation(input.data, signedIn(req), auditActorFromRequest(req)));
  });

  router.put('/evaluations/:id', requirePermission('evaluations:write'), async (req, res) => {
    const id = parseWith(ObjectIdSchema, req.params.id, 'evaluation id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const input = parseWith(EvaluationInputSchema, req.body, 'evaluation');
    if (!input.ok) return sendError(res, 400, input.error, input.details);
    await answer(res, 200, () =>
      service.updateEvaluation(id.data, input.data, signedIn(req), auditActorFromRequest(req)),
    );
  });

  router.post('/evaluations/:id/submit', requirePermission('evaluations:write'), async (req, res) => {
    const id = parseWith(ObjectIdSchema, req.params.id, 'evaluation id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    await answer(res, 200, () => service.submitEvaluation(id.data, signedIn(req), auditActorFromRequest(req)));
  });

  router.post('/evaluations/:id/coaching', requirePermission('evaluations:write'), async (req, res) => {
    const id = parseWith(ObjectIdSchema, req.params.id, 'evaluation id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const input = parseWith(CoachingInputSchema, req.body, 'coaching');
    if (!input.ok) return sendError(res, 400, input.error, input.details);
    await answer(res, 201, () =>
      service.assignCoaching(id.data, input.data, signedIn(req), auditActorFromRequest(req)),
    );
  });

  // Before /coaching/:id routes; only those who assign coaching need the list.
  router.get('/coaching/trainers', requirePermission('evaluations:write'), async (_req, res) => {
    send(res, 200, await service.listTrainers());
  });

  router.get('/coaching', requireCoachingView, async (req, res) => {
    const query = parseWith(CoachingQuerySchema, req.query, 'query');
    if (!query.ok) return sendError(res, 400, query.error, query.details);
    const user = signedIn(req);
    // A trainer's queue is their own, whatever they ask for; the rest of the team sees everyone's.
    const ownOnly = can(user.role, 'coaching:view_own');
    send(res, 200, await service.listCoaching(query.data, user, ownOnly));
  });

  router.patch('/coaching/:id', requirePermission('coaching:view_own'), async (req, res) => {
    const id = parseWith(ObjectIdSchema, req.params.id, 'coaching id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const update = parseWith(CoachingUpdateSchema, req.body, 'coaching update');
    if (!update.ok) return sendError(res, 400, update.error, update.details);
    await answer(res, 200, () => service.updateCoaching(id.data, update.data, signedIn(req)));
  });

  return router;
}

/** Trainers read their own queue (coaching:view_own); controllers, supervisors, admins everyone's. */
const requireCoachingView: RequestHandler = (req, res, next) => {
  if (!req.user) return sendError(res, 401, 'sign in first');
  if (!can(req.user.role, 'coaching:view_own') && !can(req.user.role, 'evaluations:view')) {
    return sendError(
      res,
      403,
      `the ${req.user.role} role may not do this (needs coaching:view_own or evaluations:view)`,
    );
  }
  next();
};

/** Behind requirePermission there is always a user. */
function signedIn(req: Request): User {
  if (!req.user) throw new Error('a permission-checked route ran without a signed-in user');
  return req.user;
}

function send<T>(res: Response, status: number, data: T): void {
  res.set('Cache-Control', 'no-store');
  const body: Ack<T> = { ok: true, data };
  res.status(status).json(body);
}

/** Runs a service call and answers its result, or its refusal. */
async function answer<T>(res: Response, status: number, run: () => Promise<T>): Promise<void> {
  try {
    send(res, status, await run());
  } catch (error) {
    if (!(error instanceof EvaluationError)) throw error;
    sendError(res, error.status, error.message, error.details);
  }
}
