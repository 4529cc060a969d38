import {
  type Ack,
  type Answers,
  type CoachingAssignment,
  DEFAULT_SCORECARD,
  DEFAULT_SCORECARD_ID,
  type Evaluation,
  type EvaluationSummary,
  type Scorecard,
  type ScorecardInput,
  scoreEvaluation,
  type TrainerSummary,
} from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInExtraUser } from '../helpers/audio.js';
import { apiRequest, postEvents, signIn, type TestSession } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

const T0 = Date.UTC(2025, 4, 12, 9, 0, 0);
const MIN = 60_000;

/** Every question of the default scorecard answered: all yes, top of each scale. */
const PERFECT: Answers = {
  greeting: 'yes',
  identification: 'yes',
  understanding: 5,
  resolution: 5,
  hold_etiquette: 'yes',
  smile_in_voice: 5,
  closing: 'yes',
};

describe.each(TEST_STORE_KINDS)('evaluations and coaching (%s store)', (kind) => {
  let server: TestServer;
  let admin: TestSession;
  let controller: TestSession;
  let otherController: TestSession;
  let supervisor: TestSession;
  let trainer: TestSession;
  let otherTrainer: TestSession;
  const f = new EventFactory(`eval-${kind}`);

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' } });
    admin = await signIn(server.url, 'admin');
    controller = await signIn(server.url, 'controller');
    supervisor = await signIn(server.url, 'supervisor');
    trainer = await signIn(server.url, 'trainer');
    otherController = await signInExtraUser(server, 'controller', 'second.controller');
    otherTrainer = await signInExtraUser(server, 'trainer', 'second.trainer');
    // Two finished calls of two agents (four minutes each), and one still in progress.
    const seeded = await postEvents(server.url, server.ingestKey, [
      f.offered('ev-a', T0),
      f.answered('ev-a', T0 + 10_000, 'agent-a', 'Agent A'),
      f.ended('ev-a', T0 + 4 * MIN, 'caller_hangup'),
      f.offered('ev-b', T0 + MIN),
      f.answered('ev-b', T0 + MIN + 10_000, 'agent-b', 'Agent B'),
      f.ended('ev-b', T0 + 5 * MIN, 'caller_hangup'),
      f.offered('ev-live', Date.now()),
      f.answered('ev-live', Date.now(), 'agent-a', 'Agent A'),
    ]);
    expect((seeded.body as { ok: boolean }[]).every((item) => item.ok)).toBe(true);
  });
  afterAll(async () => {
    await server?.close();
  });

  const api = <T>(path: string, session: TestSession, method = 'GET', body?: unknown) =>
    apiRequest<Ack<T>>(`${server.url}/api${path}`, { method, session, ...(body === undefined ? {} : { body }) });
  const data = <T>(response: { status: number; body: Ack<T> }, status = 200): T => {
    expect(response.body).toMatchObject({ ok: true });
    expect(response.status).toBe(status);
    if (!response.body.ok) throw new Error(response.body.error);
    return response.body.data;
  };
  const refusal = (response: { status: number; body: Ack<unknown> }) =>
    response.body.ok ? { status: response.status } : { status: response.status, ...response.body };

  it('seeds the default scorecard at first start, once', async () => {
    const cards = data(await api<Scorecard[]>('/scorecards', trainer));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ id: DEFAULT_SCORECARD_ID, version: 1, createdBy: null, ...DEFAULT_SCORECARD });
    const questionIds = cards[0]!.sections.flatMap((s) => s.questions.map((q) => q.id));
    expect(questionIds).toEqual(Object.keys(PERFECT));
    expect(await server.app.evaluations.ensureDefaultScorecard()).toBe(false);
  });

  it('versions a scorecard on every edit and keeps the old versions readable', async () => {
    const edited: ScorecardInput = structuredClone(DEFAULT_SCORECARD);
    edited.name = 'Standard call review (2025)';
    edited.sections[1]!.questions.push({
      id: 'upsell',
      text: 'Offered a tariff that fits the caller',
      weight: 1,
      answer: { kind: 'scale', max: 3 },
      allowNotApplicable: true,
    });
    const v2 = data(await api<Scorecard>(`/scorecards/${DEFAULT_SCORECARD_ID}`, admin, 'PUT', edited));
    expect(v2).toMatchObject({ id: DEFAULT_SCORECARD_ID, version: 2, name: edited.name, createdBy: admin.user.id });
    expect(data(await api<Scorecard>(`/scorecards/${DEFAULT_SCORECARD_ID}`, controller)).version).toBe(2);
    const v1 = data(await api<Scorecard>(`/scorecards/${DEFAULT_SCORECARD_ID}?version=1`, controller));
    expect(v1.name).toBe(DEFAULT_SCORECARD.name);
    const list = data(await api<Scorecard[]>('/scorecards', controller));
    expect(list.map((c) => [c.id, c.version])).toEqual([[DEFAULT_SCORECARD_ID, 2]]);

    const created = data(
      await api<Scorecard>('/scorecards', admin, 'POST', { name: 'Retention calls', sections: edited.sections }),
      201,
    );
    expect(created.version).toBe(1);
    expect(data(await api<Scorecard[]>('/scorecards', controller))).toHaveLength(2);

    const zeroWeight = structuredClone(edited);
    zeroWeight.sections[0]!.questions[0]!.weight = 0;
    const bad = await api(`/scorecards/${DEFAULT_SCORECARD_ID}`, admin, 'PUT', zeroWeight);
    expect(refusal(bad)).toMatchObject({
      status: 400,
      error: expect.stringContaining('sections.0.questions.0.weight'),
      details: [{ path: 'sections.0.questions.0.weight', message: 'weight must be greater than 0' }],
    });
    expect(refusal(await api('/scorecards/nope', admin, 'PUT', edited))).toMatchObject({ status: 404 });
    const audit = await apiRequest<{ items: { action: string; detail: Record<string, unknown> }[] }>(
      `${server.url}/api/audit?action=settings.change`,
      { session: admin },
    );
    expect(audit.body.items.map((e) => e.detail.changed)).toContain('scorecard');
  });

  it('saves a draft, edits it, submits it, and lists it per agent, per controller and per call', async () => {
    const answers: Answers = { ...PERFECT, identification: 'na', resolution: 3, closing: 'no' };
    // Against version 1, which the edit above superseded: the evaluation keeps the version it was filled in against.
    const draft = data(
      await api<Evaluation>('/evaluations', controller, 'POST', {
        callId: 'ev-a',
        scorecardId: DEFAULT_SCORECARD_ID,
        scorecardVersion: 1,
        answers: { greeting: 'yes' },
        moments: [{ atMs: 95_000, text: 'Long pause while the billing page loads' }],
      }),
      201,
    );
    expect(draft).toMatchObject({
      callId: 'ev-a',
      agentId: 'agent-a',
      agentName: 'Agent A',
      evaluatorId: controller.user.id,
      scorecardVersion: 1,
      status: 'draft',
      score: 100,
      submittedAt: null,
    });
    const momentId = draft.moments[0]!.id;
    // A draft is its author's: another controller neither sees nor changes it.
    const hidden = data(await api<Evaluation[]>('/evaluations?callId=ev-a', otherController));
    expect(hidden).toEqual([]);
    expect(refusal(await api(`/evaluations/${draft.id}`, otherController))).toMatchObject({ status: 404 });

    const updated = data(
      await api<Evaluation>(`/evaluations/${draft.id}`, controller, 'PUT', {
        callId: 'ev-a',
        scorecardId: DEFAULT_SCORECARD_ID,
        scorecardVersion: 1,
        answers,
        moments: [
          { id: momentId, atMs: 95_000, text: 'Long pause while the billing page loads' },
          { atMs: 30_000, text: 'Did not say their name' },
        ],
        weakLink: { kind: 'slow_or_broken_tool' },
        comment: 'Good resolution despite the slow billing system.',
      }),
    );
    // identification is n.a. and leaves the denominator: weights 1+2+3+1+1+1 = 9;
    // earned 1 + 2 + 3·0.6 + 1 + 1 + 0 = 6.8 → 75.6
    expect(updated.score).toBe(75.6);
    expect(updated.score).toBe(scoreEvaluation(DEFAULT_SCORECARD, answers));
    expect(updated.moments.map((m) => m.atMs)).toEqual([30_000, 95_000]);
    expect(updated.moments[1]!.id).toBe(momentId);

    const submitted = data(await api<Evaluation>(`/evaluations/${draft.id}/submit`, controller, 'POST'));
    expect(submitted).toMatchObject({ status: 'submitted', submittedBy: controller.user.id, score: 75.6 });
    expect(submitted.submittedAt).toEqual(expect.any(Number));
    expect(refusal(await api(`/evaluations/${draft.id}/submit`, controller, 'POST'))).toMatchObject({ status: 409 });
    const late = await api(`/evaluations/${draft.id}`, controller, 'PUT', {
      callId: 'ev-a',
      scorecardId: DEFAULT_SCORECARD_ID,
      scorecardVersion: 1,
    });
    expect(refusal(late)).toMatchObject({ status: 409, error: expect.stringContaining('submitted') });

    // A second, perfect one of agent B by another controller, against version 2.
    const second = data(
      await api<Evaluation>('/evaluations', otherController, 'POST', {
        callId: 'ev-b',
        scorecardId: DEFAULT_SCORECARD_ID,
        scorecardVersion: 2,
        answers: { ...PERFECT, upsell: 'na' },
        weakLink: { kind: 'other', note: 'caller was driving' },
      }),
      201,
    );
    data(await api<Evaluation>(`/evaluations/${second.id}/submit`, otherController, 'POST'));

    for (const viewer of [supervisor, trainer, otherController]) {
      const ofAgentA = data(await api<Evaluation[]>('/evaluations?agentId=agent-a', viewer));
      expect(ofAgentA.map((e) => [e.id, e.score])).toEqual([[draft.id, 75.6]]);
    }
    const byController = data(await api<Evaluation[]>(`/evaluations?evaluatorId=${controller.user.id}`, supervisor));
    expect(byController.map((e) => [e.callId, e.score, e.status])).toEqual([['ev-a', 75.6, 'submitted']]);
    const byOther = data(await api<Evaluation[]>(`/evaluations?evaluatorId=${otherController.user.id}`, supervisor));
    expect(byOther.map((e) => [e.callId, e.score, e.scorecardVersion])).toEqual([['ev-b', 100, 2]]);
    const ofCall = data(await api<Evaluation[]>('/evaluations?callId=ev-b', controller));
    expect(ofCall.map((e) => e.weakLink)).toEqual([{ kind: 'other', note: 'caller was driving' }]);

    const summary = data(await api<EvaluationSummary>(`/evaluations/summary?from=${T0}`, supervisor));
    expect(summary.agents).toEqual([
      { agentId: 'agent-a', agentName: 'Agent A', evaluations: 1, averageScore: 75.6 },
      { agentId: 'agent-b', agentName: 'Agent B', evaluations: 1, averageScore: 100 },
    ]);
    expect(summary.weakLinks).toMatchObject({ slow_or_broken_tool: 1, other: 1, knowledge_gap: 0 });
    const empty = data(await api<EvaluationSummary>('/evaluations/summary?from=0&to=1', supervisor));
    expect(empty.agents).toEqual([]);
    expect(refusal(await api('/evaluations/summary?from=5&to=1', supervisor))).toMatchObject({
      status: 400,
      details: [{ path: 'from' }],
    });
  });

  it('answers a bad evaluation with a 400 naming the field, and a call not finished with a 409', async () => {
    const base = { callId: 'ev-b', scorecardId: DEFAULT_SCORECARD_ID, scorecardVersion: 2 };
    const cases: [unknown, string][] = [
      [{ ...base, weakLink: { kind: 'other' } }, 'weakLink.note'],
      [{ ...base, weakLink: { kind: 'bad_luck' } }, 'weakLink.kind'],
      [{ ...base, answers: { greeting: 'maybe' } }, 'answers.greeting'],
      [{ ...base, answers: { greeting: 4 } }, 'answers.greeting'],
      [{ ...base, answers: { understanding: 6 } }, 'answers.understanding'],
      [{ ...base, answers: { greeting: 'na' } }, 'answers.greeting'],
      [{ ...base, answers: { nonsense: 'yes' } }, 'answers.nonsense'],
      [{ ...base, moments: [{ atMs: 10 * MIN, text: 'after the end' }] }, 'moments.0.atMs'],
      [{ ...base, moments: [{ atMs: -1, text: 'x' }] }, 'moments.0.atMs'],
      [{ ...base, scorecardVersion: 9 }, 'scorecardVersion'],
      [{ ...base, scorecardId: 'nope' }, 'scorecardId'],
      [{ ...base, extra: true }, '(root)'],
    ];
    for (const [body, path] of cases) {
      const response = await api('/evaluations', controller, 'POST', body);
      expect({ body, ...refusal(response) }).toMatchObject({
        body,
        status: 400,
        error: expect.stringContaining(path),
        details: expect.arrayContaining([expect.objectContaining({ path })]),
      });
    }
    expect(refusal(await api('/evaluations', controller, 'POST', { ...base, callId: 'ev-live' }))).toMatchObject({
      status: 409,
      error: 'call ev-live has not ended yet; evaluate it once it is finished',
    });
    expect(refusal(await api('/evaluations', controller, 'POST', { ...base, callId: 'ev-none' }))).toMatchObject({
      status: 409,
      error: expect.stringContaining('not known'),
    });
    // Submitting needs every question answered; the refusal names the open ones.
    const draft = data(await api<Evaluation>('/evaluations', controller, 'POST', base), 201);
    const incomplete = await api(`/evaluations/${draft.id}/submit`, controller, 'POST');
    expect(refusal(incomplete)).toMatchObject({
      status: 400,
      details: expect.arrayContaining([{ path: 'answers.greeting', message: 'not answered' }]),
    });
    // Only its author edits or submits a draft.
    expect(refusal(await api(`/evaluations/${draft.id}/submit`, otherController, 'POST'))).toMatchObject({
      status: 404,
    });
  });

  it('assigns coaching to a trainer only; the trainer works their queue and no other trainer can', async () => {
    const evaluation = data(await api<Evaluation[]>('/evaluations?callId=ev-a', controller))[0]!;
    const momentIds = evaluation.moments.map((m) => m.id);
    // The choices a controller gets: active trainers only, never a trainer's own business to list.
    const trainers = data(await api<TrainerSummary[]>('/coaching/trainers', controller));
    expect(trainers.map((t) => t.id).sort()).toEqual([trainer.user.id, otherTrainer.user.id].sort());
    expect(refusal(await api('/coaching/trainers', trainer))).toMatchObject({ status: 403 });
    const toSupervisor = await api(`/evaluations/${evaluation.id}/coaching`, controller, 'POST', {
      trainerId: supervisor.user.id,
      momentIds,
      note: 'x',
    });
    expect(refusal(toSupervisor)).toMatchObject({
      status: 400,
      error: expect.stringContaining('not a trainer'),
      details: [{ path: 'trainerId' }],
    });
    const unknownMoment = await api(`/evaluations/${evaluation.id}/coaching`, controller, 'POST', {
      trainerId: trainer.user.id,
      momentIds: ['no-such-moment'],
    });
    expect(refusal(unknownMoment)).toMatchObject({ status: 400, details: [{ path: 'momentIds.0' }] });
    const notAuthor = await api(`/evaluations/${evaluation.id}/coaching`, otherController, 'POST', {
      trainerId: trainer.user.id,
      momentIds,
    });
    expect(refusal(notAuthor)).toMatchObject({ status: 403 });

    const assigned = data(
      await api<CoachingAssignment>(`/evaluations/${evaluation.id}/coaching`, controller, 'POST', {
        trainerId: trainer.user.id,
        momentIds: [momentIds[1]!],
        note: 'Work on the greeting script and on filling pauses while a tool loads.',
      }),
      201,
    );
    expect(assigned).toMatchObject({
      evaluationId: evaluation.id,
      callId: 'ev-a',
      agentId: 'agent-a',
      agentName: 'Agent A',
      trainerId: trainer.user.id,
      assignedBy: controller.user.id,
      status: 'open',
      moments: [evaluation.moments[1]],
      weakLink: evaluation.weakLink,
      evaluationScore: evaluation.score,
    });

    const queue = data(await api<CoachingAssignment[]>('/coaching', trainer));
    expect(queue.map((item) => [item.id, item.callId, item.status])).toEqual([[assigned.id, 'ev-a', 'open']]);
    // A trainer's queue is theirs even when they ask for another's.
    expect(data(await api<CoachingAssignment[]>('/coaching', otherTrainer))).toEqual([]);
    expect(data(await api<CoachingAssignment[]>(`/coaching?trainerId=${trainer.user.id}`, otherTrainer))).toEqual([]);
    expect(data(await api<CoachingAssignment[]>('/coaching', supervisor)).map((i) => i.id)).toEqual([assigned.id]);
    expect(data(await api<CoachingAssignment[]>('/coaching?callId=ev-a', controller)).map((i) => i.id)).toEqual([
      assigned.id,
    ]);
    expect(data(await api<CoachingAssignment[]>('/coaching?callId=ev-b', controller))).toEqual([]);
    expect(await server.app.evaluations.trainerHasCall(trainer.user.id, 'ev-a')).toBe(true);
    expect(await server.app.evaluations.trainerHasCall(otherTrainer.user.id, 'ev-a')).toBe(false);
    // The coached call opens to its trainer (history, speech, transcript), no other call does, nor to another trainer.
    for (const path of ['/calls/ev-a', '/calls/ev-a/speech', '/calls/ev-a/transcript']) {
      expect((await api(path, trainer)).status, path).toBe(200);
      expect((await api(path, otherTrainer)).status, path).toBe(403);
    }
    expect(refusal(await api('/calls/ev-b', trainer))).toMatchObject({
      status: 403,
      error: 'call ev-b is not among your coaching assignments',
    });
    expect((await api('/calls', trainer)).status).toBe(403);

    const stolen = await api(`/coaching/${assigned.id}`, otherTrainer, 'PATCH', { status: 'done' });
    expect(refusal(stolen)).toMatchObject({ status: 403, error: expect.stringContaining('only they mark it') });
    expect(refusal(await api(`/coaching/${assigned.id}`, trainer, 'PATCH', { status: 'finished' }))).toMatchObject({
      status: 400,
      details: [{ path: 'status' }],
    });
    const done = data(
      await api<CoachingAssignment>(`/coaching/${assigned.id}`, trainer, 'PATCH', {
        status: 'done',
        note: 'Went through both moments with the agent.',
      }),
    );
    expect(done).toMatchObject({ status: 'done', doneNote: 'Went through both moments with the agent.' });
    expect(done.doneAt).toEqual(expect.any(Number));
    expect(data(await api<CoachingAssignment[]>('/coaching?status=open', trainer))).toEqual([]);
    expect(data(await api<CoachingAssignment[]>('/coaching?status=done', trainer)).map((i) => i.id)).toEqual([
      assigned.id,
    ]);
  });
});
