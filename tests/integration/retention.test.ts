import { type Ack, type AuditEntry, type AuditPage, DEFAULT_SCORECARD_ID } from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, getJson, pause, postEvents, signIn, type TestSession } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import {
  AdjustableClock,
  createTestStoreLocation,
  startTestServer,
  TEST_STORE_KINDS,
  type TestServer,
  type TestStoreLocation,
} from '../helpers/testServer.js';

const DAY_MS = 24 * 60 * 60_000;

describe.each(TEST_STORE_KINDS)('retention (%s store)', (kind) => {
  let location: TestStoreLocation;
  let server: TestServer;
  let admin: TestSession;
  const clock = new AdjustableClock();
  const f = new EventFactory(`ret-${kind}`);

  beforeAll(async () => {
    location = await createTestStoreLocation(kind);
    server = await startTestServer({ store: location, clock, frontend: { kind: 'none' } });
    admin = await signIn(server.url, 'admin');
    // The start-up run found nothing to delete.
    await server.app.retention.runOnce();
  });
  afterAll(async () => {
    await server?.close();
    await location?.dispose();
  });

  async function seed(callId: string, offeredAt: number, ended = true): Promise<void> {
    const events = [f.offered(callId, offeredAt), f.answered(callId, offeredAt + 5_000)];
    if (ended) events.push(f.ended(callId, offeredAt + 60_000, 'caller_hangup'));
    const { status, body } = await postEvents(server.url, server.ingestKey, events);
    expect(status).toBe(200);
    expect((body as { ok: boolean }[]).every((item) => item.ok)).toBe(true);
  }
  const callStatus = async (callId: string) => (await getJson(`${server.url}/api/calls/${callId}`, admin)).status;
  const eventRows = async (callId: string) =>
    (await server.store.db.selectFrom('call_events').select('event_id').where('call_id', '=', callId).execute()).length;
  /** A controller's draft evaluation of the call with one pinned moment, handed to the trainer. */
  async function evaluateAndCoach(callId: string): Promise<void> {
    const controller = await signIn(server.url, 'controller');
    const trainer = await signIn(server.url, 'trainer');
    const draft = await apiRequest<Ack<{ id: string; moments: { id: string }[] }>>(`${server.url}/api/evaluations`, {
      method: 'POST',
      session: controller,
      body: { callId, scorecardId: DEFAULT_SCORECARD_ID, scorecardVersion: 1, moments: [{ atMs: 0, text: 'here' }] },
    });
    if (!draft.body.ok) throw new Error(draft.body.error);
    const momentIds = draft.body.data.moments.map((m) => m.id);
    const coaching = await apiRequest<Ack<unknown>>(`${server.url}/api/evaluations/${draft.body.data.id}/coaching`, {
      method: 'POST',
      session: controller,
      body: { trainerId: trainer.user.id, momentIds },
    });
    if (!coaching.body.ok) throw new Error(coaching.body.error);
  }
  const retentionEntries = async (): Promise<AuditEntry[]> =>
    (await apiRequest<AuditPage>(`${server.url}/api/audit?action=retention.delete`, { session: admin })).body.items;

  it('deletes ended calls older than the retention period with their history, and audits the counts', async () => {
    const now = clock.now();
    await seed('old-ended', now - 100 * DAY_MS);
    await seed('old-live', now - 100 * DAY_MS, false);
    await seed('recent', now - 10 * DAY_MS);
    expect(await eventRows('old-ended')).toBe(3);
    // An evaluation of the old call, handed to a trainer: both go with the call; the recent call's stay.
    await evaluateAndCoach('old-ended');
    await evaluateAndCoach('recent');
    const evaluationRows = async (callId: string) =>
      (await server.store.db.selectFrom('evaluations').select('id').where('call_id', '=', callId).execute()).length;
    expect(await evaluationRows('old-ended')).toBe(1);

    const run = await server.app.retention.runOnce();
    expect(run.retentionDays).toBe(90);
    expect(run.targets).toEqual([
      { name: 'calls', deleted: { calls: 1, callEvents: 3 } },
      { name: 'screenshots', deleted: { screenshots: 0 } },
      { name: 'recordings', deleted: { recordings: 0 } },
      { name: 'speech', deleted: { callSpeechMetrics: 0, speechSegments: 0 } },
      { name: 'transcripts', deleted: { transcriptSegments: 0, callSentiments: 0 } },
      { name: 'evaluations', deleted: { evaluations: 1, coachingAssignments: 1 } },
    ]);
    expect(await evaluationRows('old-ended')).toBe(0);
    expect(await evaluationRows('recent')).toBe(1);
    expect(await callStatus('old-ended')).toBe(404);
    expect(await eventRows('old-ended')).toBe(0);
    // A call still live is never deleted, however old; a recent one stays.
    expect(await callStatus('old-live')).toBe(200);
    expect(await callStatus('recent')).toBe(200);

    // One entry per target that deleted something: the calls', and the evaluations' that went with them.
    const entries = await retentionEntries();
    expect(entries.map((e) => e.detail.target).sort()).toEqual(['calls', 'evaluations']);
    const entry = entries.find((e) => e.detail.target === 'calls');
    expect(entry).toMatchObject({
      action: 'retention.delete',
      username: 'system',
      userId: null,
      reason: 'older than the retention period of 90 days',
      detail: { target: 'calls', calls: 1, callEvents: 3, retentionDays: 90 },
    });
    expect(entry?.detail.cutoff).toBe(new Date(run.cutoff).toISOString());
    expect(run.cutoff).toBeGreaterThanOrEqual(now - 90 * DAY_MS);
  });

  it('counts age by the injected clock, and audits nothing when nothing is old enough', async () => {
    const before = (await retentionEntries()).length;
    await server.app.retention.runOnce();
    expect(await retentionEntries()).toHaveLength(before);

    clock.advance(81 * DAY_MS); // "recent" is now 91 days old
    // Eighty-one days end any session too.
    expect(await callStatus('recent')).toBe(401);
    admin = await signIn(server.url, 'admin');
    const run = await server.app.retention.runOnce();
    expect(run.targets[0]?.deleted).toEqual({ calls: 1, callEvents: 3 });
    expect(await callStatus('recent')).toBe(404);
    expect(await callStatus('old-live')).toBe(200);
    // The calls' entry, and the evaluations' ("recent" had one).
    expect(await retentionEntries()).toHaveLength(before + 2);
  });

  it('uses the retention period an admin sets, at the next run', async () => {
    await seed('week-old', clock.now() - 7 * DAY_MS);
    expect((await server.app.retention.runOnce()).targets[0]?.deleted).toEqual({ calls: 0, callEvents: 0 });
    const changed = await apiRequest(`${server.url}/api/settings`, {
      method: 'PUT',
      session: admin,
      body: { longCallAmberMs: 480_000, longCallRedMs: 900_000, retentionDays: 5, deadAirThresholdMs: 10_000 },
    });
    expect(changed.status).toBe(200);
    const run = await server.app.retention.runOnce();
    expect(run).toMatchObject({
      retentionDays: 5,
      targets: [
        { name: 'calls', deleted: { calls: 1, callEvents: 3 } },
        { name: 'screenshots' },
        { name: 'recordings' },
        { name: 'speech' },
        { name: 'transcripts' },
        { name: 'evaluations' },
      ],
    });
    expect(await callStatus('week-old')).toBe(404);
  });

  it('runs at start-up: calls left live are closed, then old ones deleted', async () => {
    await server.close();
    // "old-live" was live when this server stopped; the next start closes it, and it is 181 days old.
    server = await startTestServer({ store: location, clock, frontend: { kind: 'none' } });
    admin = await signIn(server.url, 'admin');
    const deadline = Date.now() + 5_000;
    while ((await callStatus('old-live')) !== 404) {
      if (Date.now() > deadline) throw new Error('the start-up retention run did not delete old-live');
      await pause(50);
    }
    const [latest] = await retentionEntries();
    expect(latest?.detail).toMatchObject({ target: 'calls', calls: 1, callEvents: 3, retentionDays: 5 });
  });
});
