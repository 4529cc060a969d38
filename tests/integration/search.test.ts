import {
  AUDIO_FRAME_MS,
  AUDIO_SAMPLES_PER_FRAME,
  type CallSpeechMetrics,
  callMomentPath,
  indexText,
  type SearchResult,
  type SpeechSegment,
  searchTokens,
  TRANSCRIPT_INGEST_PATH,
  type TranscriptLanguage,
  type TranscriptSegment,
} from '@earshot/shared';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../server/src/logger.js';
import { SpeechRepository } from '../../server/src/speech/speechRepository.js';
import { getJson, postEvents, signIn, type TestSession } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

const HOUR_MS = 60 * 60_000;

describe.each(TEST_STORE_KINDS)('search (%s store)', (kind) => {
  let server: TestServer;
  let controller: TestSession;
  let trainer: TestSession;
  const events = new EventFactory(`srch-${kind}`);
  const logger = createMemoryLogger();
  const base = Date.now() - 10 * HOUR_MS;
  let segmentN = 0;

  /** The seeded calls: id → what the tests expect of it. */
  const calls = {
    ru: `srch-${kind}-ru`,
    uk: `srch-${kind}-uk`,
    be: `srch-${kind}-be`,
    en: `srch-${kind}-en`,
  };

  async function seedCall(
    callId: string,
    offeredAt: number,
    options: { agentId: string; line: '0890' | '*7777'; topic: 'roaming' | 'billing' | 'technical' },
    lines: [speaker: 'agent' | 'caller', text: string][],
    language: TranscriptLanguage,
  ): Promise<void> {
    const posted = await postEvents(server.url, server.ingestKey, [
      events.offered(callId, offeredAt, { line: options.line, topic: options.topic }),
      events.answered(callId, offeredAt + 3_000, options.agentId, `Агент ${options.agentId}`),
    ]);
    expect(posted.status).toBe(200);
    const segments: TranscriptSegment[] = lines.map(([speaker, text], i) => {
      segmentN += 1;
      return {
        segmentId: `${callId}-${segmentN}`,
        callId,
        speaker,
        startMs: 2_000 + i * 4_000,
        endMs: 5_000 + i * 4_000,
        text,
        language,
      };
    });
    const response = await fetch(`${server.url}${TRANSCRIPT_INGEST_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-earshot-ingest-key': server.ingestKey },
      body: JSON.stringify(segments),
    });
    expect(response.status).toBe(200);
    const ended = await postEvents(server.url, server.ingestKey, [events.ended(callId, offeredAt + 60_000)]);
    expect(ended.status).toBe(200);
  }

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' }, logger });
    controller = await signIn(server.url, 'controller');
    trainer = await signIn(server.url, 'trainer');
    await seedCall(
      calls.ru,
      base,
      { agentId: 'agent-ru', line: '0890', topic: 'roaming' },
      [
        ['agent', 'Здравствуйте, контакт-центр, меня зовут Алёна.'],
        ['caller', 'Я НЕ МОГУ ПОДКЛЮЧИТЬ роуминг в Польше'],
        ['agent', 'Могу ли я подключить вам пакет? Не подключить, а продлить.'],
        ['caller', 'Ещё вопрос: тариф «Безлимит» не работает. Это ужасно, я очень недоволен'],
      ],
      'ru',
    );
    await seedCall(
      calls.uk,
      base + HOUR_MS,
      { agentId: 'agent-uk', line: '*7777', topic: 'billing' },
      [
        ['caller', 'ДОБРИЙ ДЕНЬ, У МЕНЕ ПИТАННЯ ЩОДО РАХУНКУ'],
        ['agent', "Їжак, ґанок, єнот: перевірте пам'ять телефону"],
        ['caller', 'Інтернет не працює'],
      ],
      'uk',
    );
    await seedCall(
      calls.be,
      base + 2 * HOUR_MS,
      { agentId: 'agent-be', line: '0890', topic: 'technical' },
      [
        ['caller', 'ДОБРЫ ДЗЕНЬ, Ў МЯНЕ ЎСЁ СЛОМАЛАСЯ'],
        ['agent', 'Дзякуй, вельмі ўдзячны, усё будзе добра'],
      ],
      'be',
    );
    await seedCall(
      calls.en,
      base + 3 * HOUR_MS,
      { agentId: 'agent-en', line: '*7777', topic: 'roaming' },
      [['caller', 'My Roaming in CAFÉ Résumé does not work, SELECT * FROM calls']],
      'en',
    );
    // The Russian call has a recording, started 1.5 s before its first frame time: hits carry wall-clock times.
    const receivedAt = Date.now();
    for (let seq = 0; seq < 10; seq++) {
      server.app.recordings.pushCallAudio(
        calls.ru,
        seq,
        { agent: new Int16Array(AUDIO_SAMPLES_PER_FRAME), caller: new Int16Array(AUDIO_SAMPLES_PER_FRAME) },
        receivedAt + seq * AUDIO_FRAME_MS,
        'pcmu',
      );
    }
    await server.app.recordings.finish(calls.ru, receivedAt + 10 * AUDIO_FRAME_MS);

    // Behaviour, as the speech service stores it when a call ends (dead-air threshold 10 s).
    await seedSpeech(calls.ru, base, [
      { kind: 'silence', startMs: 2_000, endMs: 5_000, screenChanged: null },
      { kind: 'silence', startMs: 20_000, endMs: 45_000, screenChanged: false },
      { kind: 'overtalk', startMs: 50_000, endMs: 50_800 },
    ]);
    await seedSpeech(calls.uk, base + HOUR_MS, [
      { kind: 'silence', startMs: 10_000, endMs: 22_000, screenChanged: true },
    ]);
    await seedSpeech(calls.be, base + 2 * HOUR_MS, [
      { kind: 'overtalk', startMs: 3_000, endMs: 3_500 },
      { kind: 'silence', startMs: 8_000, endMs: 19_000, screenChanged: null },
    ]);
  });

  const AUDIO_STARTED_DELAY_MS = 4_000;
  const DEAD_AIR_MS = 10_000;

  async function seedSpeech(callId: string, offeredAt: number, segments: SpeechSegment[]): Promise<void> {
    const silences = segments.filter((s) => s.kind === 'silence');
    const longest = silences.reduce<SpeechSegment | null>(
      (max, s) => (max === null || s.endMs - s.startMs > max.endMs - max.startMs ? s : max),
      null,
    );
    const deadAir = silences.filter((s) => s.endMs - s.startMs >= DEAD_AIR_MS);
    const metrics: CallSpeechMetrics = {
      callId,
      durationMs: 60_000,
      agentTalkMs: 20_000,
      callerTalkMs: 20_000,
      silenceMs: silences.reduce((sum, s) => sum + s.endMs - s.startMs, 0),
      holdMs: 0,
      agentTalkShare: 0.33,
      callerTalkShare: 0.33,
      nonTalkShare: 0.34,
      longestSilenceMs: longest ? longest.endMs - longest.startMs : 0,
      longestSilenceAtMs: longest ? longest.startMs : null,
      overtalkCount: segments.filter((s) => s.kind === 'overtalk').length,
      holdCount: 0,
      deadAirCount: deadAir.length,
      deadAirStillCount: deadAir.filter((s) => s.screenChanged === false).length,
    };
    await new SpeechRepository(server.store.db).save(
      {
        metrics,
        segments,
        offeredAt,
        endedAt: offeredAt + 60_000,
        audioStartedAt: offeredAt + AUDIO_STARTED_DELAY_MS,
        deadAirThresholdMs: DEAD_AIR_MS,
      },
      Date.now(),
    );
  }
  afterAll(async () => {
    await server?.close();
  });

  const search = (params: Record<string, string | number>, session = controller) =>
    getJson<SearchResult>(
      `${server.url}/api/search?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`,
      session,
    );
  /** The texts of the hits, by snippet. */
  const snippets = async (q: string, extra: Record<string, string | number> = {}) => {
    const { status, body } = await search({ q, ...extra });
    expect(status).toBe(200);
    return body.hits.map((h) => h.snippet);
  };

  it('finds words in any case, marks them, and says what was searched', async () => {
    const { status, body } = await search({ q: 'РОУМИНГ' });
    expect(status).toBe(200);
    expect(body.terms).toEqual(['роуминг']);
    expect(body.tookMs).toBeGreaterThanOrEqual(0);
    expect(body.hits.map((h) => h.snippet)).toEqual(['Я НЕ МОГУ ПОДКЛЮЧИТЬ «роуминг» в Польше']);
    expect(await snippets('rOaMiNg')).toEqual(['My «Roaming» in CAFÉ Résumé does not work, SELECT * FROM calls']);
  });

  it('finds an exact phrase only where its words stand together, in order', async () => {
    expect(await snippets('"не могу подключить"')).toEqual(['Я «НЕ МОГУ ПОДКЛЮЧИТЬ» роуминг в Польше']);
    // The same words apart or in another order are not the phrase…
    expect(await snippets('"могу не подключить"')).toEqual([]);
    // …but as plain words they are found wherever all of them are.
    expect((await snippets('не могу подключить')).sort()).toEqual([
      'Могу ли я «подключить» вам пакет? «Не» «подключить», а продлить.'.replace('Могу', '«Могу»'),
      'Я «НЕ» «МОГУ» «ПОДКЛЮЧИТЬ» роуминг в Польше',
    ]);
  });

  it('finds by prefix, and a word only as a whole word', async () => {
    expect(await snippets('роумин')).toEqual([]);
    expect(await snippets('роумин*')).toEqual(['Я НЕ МОГУ ПОДКЛЮЧИТЬ «роуминг» в Польше']);
    expect(await snippets('ROAM*')).toEqual(['My «Roaming» in CAFÉ Résumé does not work, SELECT * FROM calls']);
    expect(await snippets('ПОЛЬ*')).toEqual(['Я НЕ МОГУ ПОДКЛЮЧИТЬ роуминг в «Польше»']);
    const { body } = await search({ q: 'поль* "не могу"' });
    expect(body.terms).toEqual(['поль*', '"не могу"']);
    expect(body.hits).toHaveLength(1);
  });

  it('folds Cyrillic case in Russian, Ukrainian and Belarusian (і ї є ґ ў ё), and Latin', async () => {
    expect(await snippets('питання')).toEqual(['ДОБРИЙ ДЕНЬ, У МЕНЕ «ПИТАННЯ» ЩОДО РАХУНКУ']);
    expect(await snippets('ЇЖАК')).toEqual(["«Їжак», ґанок, єнот: перевірте пам'ять телефону"]);
    expect(await snippets('ҐАНОК Єнот')).toEqual(["Їжак, «ґанок», «єнот»: перевірте пам'ять телефону"]);
    expect(await snippets('іНТЕРНЕТ')).toEqual(['«Інтернет» не працює']);
    expect(await snippets('ПАМ’ЯТЬ')).toEqual(["Їжак, ґанок, єнот: перевірте «пам'ять» телефону"]);
    expect(await snippets('ў ўсё')).toEqual(['ДОБРЫ ДЗЕНЬ, «Ў» МЯНЕ «ЎСЁ» СЛОМАЛАСЯ']);
    expect(await snippets('ЎДЗЯЧНЫ')).toEqual(['Дзякуй, вельмі «ўдзячны», усё будзе добра']);
    // ё is searched as е, both ways.
    expect(await snippets('усе')).toEqual(['Дзякуй, вельмі ўдзячны, «усё» будзе добра']);
    expect(await snippets('ЕЩЁ')).toEqual([
      '«Ещё» вопрос: тариф “Безлимит” не работает. Это ужасно, я очень недоволен',
    ]);
    expect(await snippets('алена')).toEqual(['Здравствуйте, контакт-центр, меня зовут «Алёна».']);
    // Distinct letters stay distinct: и is not й, і is not ї, у is not ў.
    expect(await snippets('іжак')).toEqual([]);
    expect(await snippets('усе сламалася')).toEqual([]);
    // Latin: case and diacritics.
    expect(await snippets('cafe resume')).toEqual(['My Roaming in «CAFÉ» «Résumé» does not work, SELECT * FROM calls']);
  });

  // SQLite's side of this is server/src/search/fts5Folding.test.ts (fts5vocab over the same tokenizer).
  it.skipIf(kind === 'sqlite')("has PostgreSQL's parser read the index text as exactly our tokens", async () => {
    const text = "Пам'ять, ЁЛКА-палка: Wi-Fi 100МБ café ЎСЁ ґанок Їжак 1.5 abc123";
    const { rows } = await sql<{ token: string }>`
      select unnest(tsvector_to_array(to_tsvector('simple', ${indexText(text)}))) as token`.execute(server.store.db);
    expect(rows.map((row) => row.token).sort()).toEqual([...new Set(searchTokens(text))].sort());
  });

  it('points every hit at its moment in the recording', async () => {
    const { body } = await search({ q: 'польше' });
    const [hit] = body.hits;
    expect(hit).toMatchObject({
      callId: calls.ru,
      kind: 'transcript',
      atMs: 6_000,
      endMs: 9_000,
      speaker: 'caller',
      agentName: 'Агент agent-ru',
      line: '0890',
      topic: 'roaming',
      offeredAt: base,
    });
    const recording = await server.app.recordings.get(calls.ru);
    expect(hit?.at).toBe((recording?.startedAt ?? Number.NaN) + 6_000);
    expect(callMomentPath(hit?.callId ?? '', hit?.atMs ?? 0)).toBe(`/calls/${calls.ru}?t=6000`);
    // A call without a recording has no wall-clock time for the moment.
    const { body: uk } = await search({ q: 'питання' });
    expect(uk.hits[0]?.at).toBeNull();
  });

  it('filters by time range, agent, line, topic and final sentiment', async () => {
    // «не» is said in the Russian call (three times) and the Ukrainian one.
    const ids = async (extra: Record<string, string | number>) => [
      ...new Set((await search({ q: 'не', ...extra })).body.hits.map((h) => h.callId)),
    ];
    expect((await ids({})).sort()).toEqual([calls.ru, calls.uk].sort());
    expect(await ids({ from: base + 30 * 60_000 })).toEqual([calls.uk]);
    expect(await ids({ to: base + 30 * 60_000 })).toEqual([calls.ru]);
    expect(await ids({ from: base + 30 * 60_000, to: base + 90 * 60_000 })).toEqual([calls.uk]);
    expect(await ids({ from: base + 90 * 60_000 })).toEqual([]);
    expect(await ids({ agentId: 'agent-ru' })).toEqual([calls.ru]);
    expect(await ids({ line: '*7777' })).toEqual([calls.uk]);
    expect(await ids({ topic: 'roaming', line: '0890' })).toEqual([calls.ru]);
    expect(await ids({ topic: 'billing' })).toEqual([calls.uk]);
    expect(await ids({ topic: 'technical' })).toEqual([]);
    // The Russian caller was unhappy; the call ended, so its final sentiment is stored.
    await expect.poll(() => ids({ sentiment: 'negative' })).toEqual([calls.ru]);
    expect(await ids({ sentiment: 'positive' })).toEqual([]);
  });

  it('returns the newest calls first, at most `limit` lines', async () => {
    // Newest call first; a call's lines in audio order.
    const all = await search({ q: 'не' });
    expect(all.body.hits.map((h) => h.callId)).toEqual([calls.uk, calls.ru, calls.ru, calls.ru]);
    expect(all.body.hits.slice(1).map((h) => h.atMs)).toEqual([6_000, 10_000, 14_000]);
    // The limit keeps the newest lines.
    const { body } = await search({ q: 'не', limit: 2 });
    expect(body.hits).toEqual([all.body.hits[0], all.body.hits[3]]);
  });

  /** Each hit as `callId kind atMs` (the shape of a result at a glance). */
  const moments = async (params: Record<string, string | number>) => {
    const { status, body } = await search(params);
    expect(status).toBe(200);
    return body.hits.map((h) => `${h.callId} ${h.kind} ${h.atMs}`);
  };

  it('finds calls by a silence longer than N seconds, each silence a hit at its moment', async () => {
    expect(await moments({ minSilenceS: 20 })).toEqual([`${calls.ru} dead_air 20000`]);
    // Newest call first: the Belarusian silence is 11 s (no screenshots: plain silence), the Ukrainian one
    // 12 s with the screen changing (working), the Russian 25 s with a still screen (dead air).
    expect(await moments({ minSilenceS: 10 })).toEqual([
      `${calls.be} silence 8000`,
      `${calls.uk} silence 10000`,
      `${calls.ru} dead_air 20000`,
    ]);
    expect(await moments({ minSilenceS: 3 })).toContain(`${calls.ru} silence 2000`);
    expect(await moments({ minSilenceS: 60 })).toEqual([]);

    const { body } = await search({ minSilenceS: 20 });
    expect(body.terms).toEqual([]);
    expect(body.hits[0]).toMatchObject({
      callId: calls.ru,
      endMs: 45_000,
      snippet: null,
      speaker: null,
      at: base + AUDIO_STARTED_DELAY_MS + 20_000,
      agentName: 'Агент agent-ru',
      line: '0890',
      topic: 'roaming',
      offeredAt: base,
    });
    expect(callMomentPath(calls.ru, body.hits[0]?.atMs ?? -1)).toBe(`/calls/${calls.ru}?t=20000`);
  });

  it('finds overtalk and dead air with a still screen', async () => {
    expect(await moments({ overtalk: 1 })).toEqual([`${calls.be} overtalk 3000`, `${calls.ru} overtalk 50000`]);
    expect(await moments({ deadAirStill: 'true' })).toEqual([`${calls.ru} dead_air 20000`]);
    // Several behaviours: calls with all of them, and their moments of each.
    expect(await moments({ overtalk: 1, minSilenceS: 10 })).toEqual([
      `${calls.be} overtalk 3000`,
      `${calls.be} silence 8000`,
      `${calls.ru} dead_air 20000`,
      `${calls.ru} overtalk 50000`,
    ]);
    expect(await moments({ overtalk: 1, deadAirStill: 1 })).toEqual([
      `${calls.ru} dead_air 20000`,
      `${calls.ru} overtalk 50000`,
    ]);
    // false is the same as leaving the filter out.
    expect((await search({ overtalk: 0 })).status).toBe(400);
    expect((await search({ overtalk: 'yes' })).status).toBe(400);
  });

  it('combines behaviour with words, filters and sentiment', async () => {
    // The lines found, in calls with the behaviour, and those calls' moments.
    expect(await moments({ q: 'роуминг', minSilenceS: 10 })).toEqual([
      `${calls.ru} transcript 6000`,
      `${calls.ru} dead_air 20000`,
    ]);
    expect(await moments({ q: 'питання', overtalk: 1 })).toEqual([]);
    expect(await moments({ q: 'питання', minSilenceS: 10 })).toEqual([
      `${calls.uk} transcript 2000`,
      `${calls.uk} silence 10000`,
    ]);
    expect(await moments({ minSilenceS: 10, agentId: 'agent-uk' })).toEqual([`${calls.uk} silence 10000`]);
    expect(await moments({ minSilenceS: 10, line: '0890' })).toEqual([
      `${calls.be} silence 8000`,
      `${calls.ru} dead_air 20000`,
    ]);
    expect(await moments({ minSilenceS: 10, topic: 'billing' })).toEqual([`${calls.uk} silence 10000`]);
    expect(await moments({ minSilenceS: 10, from: base + 30 * 60_000, to: base + 90 * 60_000 })).toEqual([
      `${calls.uk} silence 10000`,
    ]);
    await expect
      .poll(() => moments({ minSilenceS: 10, sentiment: 'negative' }))
      .toEqual([`${calls.ru} dead_air 20000`]);
  });

  it('reads search-engine syntax as words, never as commands', async () => {
    expect(await snippets('NEAR(роуминг польше)')).toEqual([]);
    expect(await snippets('роуминг OR алена')).toEqual([]);
    expect((await snippets('(роуминг) AND')).length).toBe(0);
    expect(await snippets('"польше')).toEqual(['Я НЕ МОГУ ПОДКЛЮЧИТЬ роуминг в «Польше»']);
    expect(await snippets('text:польше')).toEqual([]);
    expect(await snippets('польше*)')).toEqual(['Я НЕ МОГУ ПОДКЛЮЧИТЬ роуминг в «Польше»']);
    expect((await snippets('SELECT * FROM calls; --')).length).toBe(1);
    expect(await snippets("'; DROP TABLE transcript_segments; --")).toEqual([]);
    // Still there.
    expect((await snippets('роуминг')).length).toBe(1);
  });

  it('answers a query without words, or without any condition, with a clear 400', async () => {
    for (const q of ['***', '" "', '()', '-', '\u200b']) {
      const { status, body } = await search({ q });
      expect(status).toBe(400);
      expect(body).toMatchObject({ ok: false, error: expect.stringMatching(/nothing to search for/) });
    }
    expect((await search({})).status).toBe(400);
    expect((await search({ q: 'x'.repeat(201) })).status).toBe(400);
    expect((await search({ q: 'a', from: 10, to: 5 })).status).toBe(400);
    expect((await search({ q: 'a', sentiment: 'angry' })).status).toBe(400);
    expect((await search({ q: 'a', unknown: 1 })).status).toBe(400);
    const nul = await getJson(`${server.url}/api/search?q=%00`, controller);
    expect(nul.status).toBe(400);
  });

  it('needs calls:view', async () => {
    expect((await search({ q: 'роуминг' }, trainer)).status).toBe(403);
    expect((await getJson(`${server.url}/api/search?q=x`)).status).toBe(401);
  });

  it('survives hostile query strings: results or a clear 400, never a 500', async () => {
    const fragments = [
      '"',
      '*',
      '(',
      ')',
      'NEAR',
      'AND',
      'OR',
      'NOT',
      '^',
      ':',
      '-',
      '+',
      "'",
      ';',
      '--',
      '/*',
      '\\',
      '%',
      '_',
      'роуминг',
      'ї',
      'SELECT',
      'DROP TABLE calls',
      'body:',
      '{',
      '\u0007',
      '\u202e',
      '😀',
      'ﷺ',
      '\ud800',
      '<->',
      ':*',
      '!',
      '&',
      '|',
    ];
    const fromFragments = fc.array(fc.constantFrom(...fragments), { maxLength: 12 }).map((parts) => parts.join(' '));
    const glued = fc.array(fc.constantFrom(...fragments), { maxLength: 12 }).map((parts) => parts.join(''));
    const arbitrary = fc.string({ unit: 'binary', maxLength: 200 });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fromFragments, glued, arbitrary), async (q) => {
        const { status, body } = await search({ q: q.slice(0, 200) });
        expect([200, 400]).toContain(status);
        if (status === 200) expect(Array.isArray((body as SearchResult).hits)).toBe(true);
        else expect(body).toMatchObject({ ok: false, error: expect.any(String) });
      }),
      { numRuns: 150 },
    );
    // The parser alone kept the engine's syntax out: no query reached it that it could not read.
    expect(logger.lines.filter((line) => /search: the engine refused/.test(line))).toEqual([]);
    // The server is still fine.
    expect((await snippets('роуминг')).length).toBe(1);
  });
});
