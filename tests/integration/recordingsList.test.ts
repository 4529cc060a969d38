import {
  type END_REASONS,
  LINES,
  LONG_CALL_RED_MS,
  MONITOR_STARTED_EVENT_TYPE,
  type RecordingsPage,
  type SentimentLabel,
  TOPICS,
} from '@earshot/shared';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingList } from '../../server/src/recordings/recordingList.js';
import { RecordingRepository } from '../../server/src/recordings/recordingRepository.js';
import { apiRequest, signIn, type TestSession } from '../helpers/clients.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

const CALLS = 40;
const MINUTE_MS = 60_000;

/** The fixture's calls: every property a pure function of the index, so each filter's answer is computable. */
interface Fixture {
  id: string;
  offeredAt: number;
  agentId: string;
  line: (typeof LINES)[number];
  topic: (typeof TOPICS)[number];
  endReason: (typeof END_REASONS)[number];
  talkMs: number;
  /** Whether the list may show it: ended with a finished recording. */
  listed: boolean;
  recordingStatus: 'complete' | 'recording' | null;
  longestSilenceMs: number | null;
  deadAirStill: number;
  sentiment: SentimentLabel | null;
  monitor: 'barge' | 'whisper' | null;
  text: string;
}

function fixture(kind: string, i: number, base: number): Fixture {
  // Pairs share an offer time: the id breaks the tie, and paging must not lose or repeat either.
  const offeredAt = base - Math.floor(i / 2) * MINUTE_MS;
  const recordingStatus = i === 7 ? null : i === 8 ? 'recording' : 'complete';
  const metrics = i % 7 !== 3;
  return {
    id: `rl-${kind}-${String(i).padStart(2, '0')}`,
    offeredAt,
    agentId: `agent-${i % 3}`,
    line: LINES[i % LINES.length] as Fixture['line'],
    topic: TOPICS[i % TOPICS.length] as Fixture['topic'],
    endReason: i % 2 === 0 ? 'agent_hangup' : 'caller_hangup',
    talkMs: i % 5 === 0 ? LONG_CALL_RED_MS + 1_000 : MINUTE_MS + i * 1_000,
    listed: recordingStatus === 'complete',
    recordingStatus,
    longestSilenceMs: metrics ? (i % 4 === 0 ? 12_000 : 3_000) : null,
    deadAirStill: metrics && i % 6 === 0 ? 1 : 0,
    sentiment: i % 3 === 0 ? 'negative' : i % 3 === 1 ? 'positive' : null,
    monitor: i % 5 === 2 ? 'barge' : i % 5 === 3 ? 'whisper' : null,
    // The phrase in some; the same words the other way round in one (a word search finds it, a phrase not).
    text: i % 4 === 1 ? 'можно подключить роуминг завтра' : i === 10 ? 'роуминг подключить нельзя' : 'добрый день',
  };
}

describe.each(TEST_STORE_KINDS)('recordings list (%s store)', (kind) => {
  let server: TestServer;
  let controller: TestSession;
  let trainer: TestSession;
  let calls: Fixture[];
  const base = Date.now() - 3_600_000;

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' } });
    controller = await signIn(server.url, 'controller');
    trainer = await signIn(server.url, 'trainer');
    calls = Array.from({ length: CALLS }, (_, i) => fixture(kind, i, base));
    const db = server.store.db;
    const now = Date.now();
    for (const c of calls) {
      const answeredAt = c.offeredAt + 5_000;
      const endedAt = answeredAt + c.talkMs;
      await db
        .insertInto('calls')
        .values({
          id: c.id,
          line: c.line,
          caller_number: '+375 29 111-22-33',
          topic: c.topic,
          state: 'ended',
          offered_at: c.offeredAt,
          answered_at: answeredAt,
          ended_at: endedAt,
          end_reason: c.endReason,
          agent_id: c.agentId,
          agent_name: c.agentId,
          hold_since: null,
          hold_ms: 0,
          hold_count: 0,
          transfer_count: 0,
          last_event_at: endedAt,
          event_count: c.monitor ? 1 : 0,
        })
        .execute();
      if (c.recordingStatus) {
        await new RecordingRepository(db).insert(
          {
            recording: {
              callId: c.id,
              status: c.recordingStatus,
              startedAt: answeredAt,
              endedAt: c.recordingStatus === 'complete' ? endedAt : null,
              durationMs: c.talkMs,
              sizeBytes: 44 + (c.talkMs / 1000) * 32_000,
              channels: 2,
              sampleRate: 8_000,
              bitsPerSample: 16,
              sourceCodec: 'pcmu',
              frames: c.talkMs / 20,
              gapFramesAgent: 0,
              gapFramesCaller: 0,
              lateFrames: 0,
              controllerFrames: 0,
            },
            file: `recordings/2026-01-01/${c.id}.wav`,
          },
          now,
        );
      }
      if (c.longestSilenceMs !== null) {
        await db
          .insertInto('call_speech_metrics')
          .values({
            call_id: c.id,
            offered_at: c.offeredAt,
            ended_at: endedAt,
            audio_started_at: answeredAt,
            duration_ms: c.talkMs,
            agent_talk_ms: 0,
            caller_talk_ms: 0,
            silence_ms: c.longestSilenceMs,
            hold_ms: 0,
            agent_talk_share: 0.4,
            caller_talk_share: 0.4,
            non_talk_share: 0.2,
            longest_silence_ms: c.longestSilenceMs,
            longest_silence_at_ms: 1_000,
            overtalk_count: 0,
            hold_count: 0,
            dead_air_count: c.deadAirStill,
            dead_air_still_count: c.deadAirStill,
            dead_air_threshold_ms: 8_000,
            created_at: now,
          })
          .execute();
      }
      if (c.monitor) {
        await db
          .insertInto('call_events')
          .values({
            event_id: `server/monitor/${c.id}`,
            call_id: c.id,
            seq: 1,
            type: MONITOR_STARTED_EVENT_TYPE,
            at: answeredAt + 1_000,
            received_at: answeredAt + 1_000,
            detail: JSON.stringify({ mode: c.monitor, label: c.monitor, userId: 'u1', userName: 'Controller' }),
          })
          .execute();
      }
    }
    const results = await server.app.transcripts.ingestBatch(
      calls.map((c) => ({
        segmentId: `seg-${c.id}`,
        callId: c.id,
        speaker: 'caller',
        startMs: 2_000,
        endMs: 4_000,
        text: c.text,
        language: 'ru',
      })),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // Sentiments as the fixture says (written after the transcripts, whatever they computed).
    for (const c of calls) {
      await db.deleteFrom('call_sentiments').where('call_id', '=', c.id).execute();
      if (c.sentiment) {
        await db
          .insertInto('call_sentiments')
          .values({
            call_id: c.id,
            label: c.sentiment,
            score: c.sentiment === 'negative' ? -0.5 : 0.5,
            updated_at: now,
          })
          .execute();
      }
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Every page of a listing, `limit` at a time: the ids in order. */
  async function listAll(
    params: Record<string, string>,
    limit = 7,
  ): Promise<{ ids: string[]; pages: RecordingsPage[] }> {
    const ids: string[] = [];
    const pages: RecordingsPage[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const search: URLSearchParams = new URLSearchParams({
        ...params,
        limit: String(limit),
        ...(cursor ? { cursor } : {}),
      });
      const response: { status: number; body: RecordingsPage } = await apiRequest<RecordingsPage>(
        `${server.url}/api/recordings?${search}`,
        {
          session: controller,
        },
      );
      expect(response.status).toBe(200);
      pages.push(response.body);
      // Only this test's calls (the server is this file's own).
      ids.push(...response.body.items.map((item) => item.call.id));
      cursor = response.body.nextCursor;
      if (!cursor) return { ids, pages };
    }
    throw new Error('paging did not end');
  }

  /** The fixture's listed calls that pass `keep`, newest first (offer time, then id, both descending). */
  const expected = (keep: (c: Fixture) => boolean) =>
    calls
      .filter((c) => c.listed && keep(c))
      .sort((a, b) => b.offeredAt - a.offeredAt || (a.id < b.id ? 1 : -1))
      .map((c) => c.id);

  it('lists every finished call with a recording, newest first, pages without duplicates or holes', async () => {
    const { ids, pages } = await listAll({});
    expect(ids).toEqual(expected(() => true));
    expect(ids).toHaveLength(CALLS - 2);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    // Page sizes: full pages, then the rest.
    expect(pages.map((p) => p.items.length)).toEqual([7, 7, 7, 7, 7, 3]);
    // Pages of 1 and of 200 give the same list.
    expect((await listAll({}, 1)).ids).toEqual(ids);
    expect((await listAll({}, 200)).ids).toEqual(ids);
  });

  it('gives each row its call, recording, flags, speech summary and sentiment', async () => {
    const { pages } = await listAll({}, 200);
    const items = pages[0]?.items ?? [];
    const byId = new Map(items.map((item) => [item.call.id, item]));
    const c0 = byId.get(`rl-${kind}-00`);
    expect(c0).toMatchObject({
      call: { id: `rl-${kind}-00`, state: 'ended', agentId: 'agent-0', sentiment: { label: 'negative', final: true } },
      recording: { callId: `rl-${kind}-00`, status: 'complete', durationMs: LONG_CALL_RED_MS + 1_000 },
      flags: ['longCall', 'longSilence', 'deadAirStill'],
      speech: { longestSilenceMs: 12_000, longestSilenceAtMs: 1_000, deadAirCount: 1, deadAirStillCount: 1 },
      sentiment: { label: 'negative', score: -0.5, final: true },
    });
    expect(byId.get(`rl-${kind}-02`)?.flags).toEqual(['barged']);
    // A whisper is not a barge.
    expect(byId.get(`rl-${kind}-03`)?.flags).toEqual([]);
    expect(byId.get(`rl-${kind}-03`)?.speech).toBeNull();
    expect(byId.get(`rl-${kind}-05`)?.sentiment).toBeNull();
  });

  it('narrows by each filter', async () => {
    const t = (i: number) => base - Math.floor(i / 2) * MINUTE_MS;
    const cases: [Record<string, string>, (c: Fixture) => boolean][] = [
      [{ from: String(t(20)), to: String(t(10)) }, (c) => c.offeredAt >= t(20) && c.offeredAt <= t(10)],
      [{ agentId: 'agent-1' }, (c) => c.agentId === 'agent-1'],
      [{ line: LINES[2] }, (c) => c.line === LINES[2]],
      [{ topic: 'roaming' }, (c) => c.topic === 'roaming'],
      [{ minDurationS: '80' }, (c) => c.talkMs >= 80_000],
      [{ maxDurationS: '75' }, (c) => c.talkMs < 76_000],
      [{ minDurationS: '70', maxDurationS: '80' }, (c) => c.talkMs >= 70_000 && c.talkMs < 81_000],
      [{ outcome: 'caller_hangup' }, (c) => c.endReason === 'caller_hangup'],
      [{ sentiment: 'negative' }, (c) => c.sentiment === 'negative'],
      [{ longCall: '1' }, (c) => c.talkMs > LONG_CALL_RED_MS],
      [{ longSilence: 'true' }, (c) => (c.longestSilenceMs ?? 0) >= 10_000],
      [{ deadAirStill: '1' }, (c) => c.deadAirStill > 0],
      [{ barged: '1' }, (c) => c.monitor === 'barge'],
      [{ longCall: '0' }, () => true],
      [{ q: '"подключить роуминг"' }, (c) => c.text.includes('подключить роуминг')],
      [{ q: 'роуминг подключить' }, (c) => c.text.includes('роуминг')],
      [{ q: 'подкл*' }, (c) => c.text.includes('подключить')],
      [
        { q: 'роуминг', agentId: 'agent-1', sentiment: 'positive' },
        (c) => c.text.includes('роуминг') && c.agentId === 'agent-1' && c.sentiment === 'positive',
      ],
      [{ q: 'роуминг', from: String(t(25)) }, (c) => c.text.includes('роуминг') && c.offeredAt >= t(25)],
    ];
    for (const [params, keep] of cases) {
      const want = expected(keep);
      const { ids, pages } = await listAll(params, 4);
      expect({ params, ids }).toEqual({ params, ids: want });
      // Every case narrows to something and (but the no-op one) leaves something out: the test can fail.
      expect({ params, some: want.length > 0 }).toEqual({ params, some: true });
      if (params.longCall !== '0') expect({ params, fewer: want.length < CALLS - 2 }).toEqual({ params, fewer: true });
      if (params.q) {
        expect(pages[0]?.items.every((item) => item.flags.includes('keyword'))).toBe(true);
        expect(pages[0]?.terms.length).toBeGreaterThan(0);
      }
    }
  });

  it('answers a bad query with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['limit=201', 'limit'],
      ['limit=0', 'limit'],
      ['outcome=live', 'outcome'],
      ['sentiment=furious', 'sentiment'],
      ['barged=yes', 'barged'],
      ['minDurationS=-5', 'minDurationS'],
      ['minDurationS=90&maxDurationS=10', 'minDurationS'],
      ['from=10&to=5', 'from'],
      ['cursor=not*a*cursor', 'cursor'],
      ['q=%21%21%21', 'q'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const response = await apiRequest<{ ok: false; error: string; details?: { path: string }[] }>(
        `${server.url}/api/recordings?${query}`,
        { session: controller },
      );
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      const named = JSON.stringify(response.body);
      expect({ query, named: named.includes(field) }).toEqual({ query, named: true });
    }
  });

  it('refuses trainers the list: they reach recordings through their coaching queue', async () => {
    const forTrainer = await apiRequest<{ ok: boolean; error: string }>(`${server.url}/api/recordings?limit=3`, {
      session: trainer,
    });
    expect(forTrainer.status).toBe(403);
    expect(forTrainer.body.error).toMatch(/coaching queue/);
  });

  it.runIf(kind === 'sqlite')('walks an index, never the whole calls table (EXPLAIN QUERY PLAN)', async () => {
    const list = new RecordingList({
      db: server.store.db,
      kind: 'sqlite',
      recordings: new RecordingRepository(server.store.db),
    });
    const planOf = async (query: Parameters<RecordingList['select']>[0]) => {
      const compiled = list.select(query, null, LONG_CALL_RED_MS).compile();
      const result = await server.store.db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
      );
      return result.rows.map((row) => row.detail);
    };
    const plain = await planOf({ limit: 50 });
    const agent = await planOf({ limit: 50, agentId: 'agent-1', longSilence: true, barged: true });
    const keyword = await planOf({ limit: 50, q: 'роуминг' });
    for (const plan of [plain, agent, keyword]) {
      // No full scan of calls (SCAN c without an index); the joins are primary-key or index lookups.
      expect(plan.some((step) => /^SCAN c$/.test(step))).toBe(false);
      const joins = plan.filter((step) => /^(SEARCH|SCAN) (r|m|cs|e)\b/.test(step));
      expect(joins.every((step) => /USING (INDEX|INTEGER PRIMARY KEY)/.test(step))).toBe(true);
    }
    // The default listing walks (offered_at, id) backwards and stops at the limit: no sort at all.
    expect(plain[0]).toBe('SCAN c USING INDEX calls_offered_at_id');
    expect(plain.some((step) => /TEMP B-TREE/.test(step))).toBe(false);
    // An agent's calls: its index, sorted only among calls offered in the same millisecond (the id tie-break).
    expect(agent[0]).toMatch(/^SEARCH c USING INDEX calls_agent_offered/);
    expect(agent.some((step) => /USE TEMP B-TREE FOR ORDER BY/.test(step))).toBe(false);
    expect(agent.join('\n')).toMatch(/SEARCH e EXISTS USING INDEX call_events_call_seq/);
    // A keyword: the full-text index gives the matching calls, fetched by primary key (then sorted: only the matches).
    expect(keyword.join('\n')).toMatch(/SCAN f VIRTUAL TABLE/);
    expect(keyword.join('\n')).toMatch(/SEARCH c USING INDEX sqlite_autoindex_calls_1 \(id=\?\)/);
  });
});
