import { type Ack, DEFAULT_SCORECARD, DEFAULT_SCORECARD_ID } from '@earshot/shared';
import { apiRequest, postEvents, type TestSession } from './clients.js';
import { EventFactory } from './events.js';
import type { TestServer } from './testServer.js';

const events = new EventFactory('coached');

/**
 * Makes `callId` an ended call that `controller` evaluates (one pinned moment) and hands to `trainer` for
 * coaching, through the HTTP API: afterwards the trainer may play the call's recording.
 */
export async function assignCoaching(
  server: TestServer,
  controller: TestSession,
  trainer: TestSession,
  callId: string,
): Promise<void> {
  const now = Date.now();
  const posted = await postEvents(server.url, server.ingestKey, [
    events.offered(callId, now - 120_000),
    events.answered(callId, now - 110_000),
    events.ended(callId, now - 10_000, 'caller_hangup'),
  ]);
  if (posted.status !== 200) throw new Error(`the call's events were refused: ${JSON.stringify(posted.body)}`);
  const answers = Object.fromEntries(
    DEFAULT_SCORECARD.sections.flatMap((s) => s.questions.map((q) => [q.id, q.answer.kind === 'scale' ? 1 : 'no'])),
  );
  const draft = await apiRequest<Ack<{ id: string; moments: { id: string }[] }>>(`${server.url}/api/evaluations`, {
    method: 'POST',
    session: controller,
    body: {
      callId,
      scorecardId: DEFAULT_SCORECARD_ID,
      scorecardVersion: 1,
      answers,
      moments: [{ atMs: 1_000, text: 'listen to this' }],
    },
  });
  if (!draft.body.ok) throw new Error(draft.body.error);
  const moment = draft.body.data.moments[0];
  if (!moment) throw new Error('the evaluation kept no moment');
  const coaching = await apiRequest<Ack<{ id: string }>>(
    `${server.url}/api/evaluations/${draft.body.data.id}/coaching`,
    { method: 'POST', session: controller, body: { trainerId: trainer.user.id, momentIds: [moment.id] } },
  );
  if (!coaching.body.ok) throw new Error(coaching.body.error);
}
