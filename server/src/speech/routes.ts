import { ExternalIdSchema, parseWith } from '@earshot/shared';
import { Router } from 'express';
import { type CoachedCallCheck, requireCallPermission } from '../auth/middleware.js';
import type { CallRepository } from '../calls/callRepository.js';
import { sendError } from '../http/errors.js';
import type { SpeechService } from './speechService.js';

/**
 * GET /api/calls/:id/speech (permission calls:view): the call's speech segments and metrics (CallSpeech),
 * stored when it ended; `live: true` and nothing yet while it runs. Mount under /api after `authenticate`.
 */
export function createSpeechRouter(deps: {
  speech: SpeechService;
  calls: CallRepository;
  /** Trainers read the speech of the calls they coach. */
  coached?: CoachedCallCheck;
}): Router {
  const router = Router();

  router.get('/calls/:id/speech', requireCallPermission('calls:view', deps.coached), async (req, res) => {
    const id = parseWith(ExternalIdSchema, req.params.id, 'call id');
    if (!id.ok) return sendError(res, 400, id.error, id.details);
    const speech = await deps.speech.callSpeech(id.data);
    if (!speech.live && !speech.metrics && !(await deps.calls.findCall(id.data))) {
      return sendError(res, 404, `no call with id ${id.data}`);
    }
    res.set('Cache-Control', 'no-store');
    res.json(speech);
  });

  return router;
}
