import type { Call, SearchHit, SearchQuery, SearchResult, SentimentLabel, Speaker } from '@earshot/shared';
import { parseSearchQuery, type SearchTerm } from '@earshot/shared';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Logger } from '../logger.js';
import type { Database } from '../store/database.js';
import type { StoreKind } from '../store/openStore.js';
import { rowIdRange } from '../transcripts/segmentRowIds.js';
import { toFts5Match, toTsQuery } from './queryParser.js';
import { buildSnippet } from './snippet.js';

export type SearchOutcome = { ok: true; result: SearchResult } | { ok: false; error: string };

export interface SearchServiceDeps {
  db: Kysely<Database>;
  kind: StoreKind;
  /** The live calls (their sentiment so far answers the sentiment filter before they end). */
  liveCalls: () => Iterable<Call>;
  logger: Logger;
}

/** What a search row carries about its call (every hit repeats it so the page can list hits alone). */
interface CallColumns {
  call_id: string;
  offered_at: number;
  line: string;
  topic: string;
  agent_name: string | null;
}

interface TranscriptRow extends CallColumns {
  speaker: Speaker;
  start_ms: number;
  end_ms: number;
  text: string;
  recording_started_at: number | null;
}

interface MomentRow extends CallColumns {
  kind: 'silence' | 'overtalk';
  start_ms: number;
  end_ms: number;
  duration_ms: number;
  /** Wall clock of start_ms. */
  at: number;
  screen_changed: number | null;
  dead_air_threshold_ms: number;
}

/**
 * The engines' query-syntax errors: never expected (the parser quotes every token), but if one slipped
 * through it would be the query's fault, a 400, not the server's.
 */
const QUERY_SYNTAX_ERROR = /fts5: syntax error|syntax error in tsquery/i;

const NOTHING_TO_SEARCH =
  'nothing to search for: give q (words, "exact phrases", prefix*) or a behaviour filter (minSilenceS, overtalk, deadAirStill)';

/**
 * `GET /api/search`, over transcripts and behaviour, within the calls the filters allow (time range on the
 * offer, agent, line, topic, sentiment):
 * - `q`: transcript lines holding every term (words, "phrases", prefix*);
 * - `minSilenceS`, `overtalk`, `deadAirStill`: calls with a silence that long, with overtalk, with dead air
 *   (a silence past the call's dead-air threshold) while the screen stood still; each such moment is a hit.
 *   Behaviour is stored when a call ends (server/src/speech), so these find ended calls.
 * Together, the lines are those of calls with the behaviour, and the calls' behaviour moments come with them.
 * Calls come newest first (transcript row ids follow the offer time, segmentRowIds.ts, so either engine
 * stops at `limit` rows instead of ranking every match); within a call, hits are in audio order. Snippets
 * are built for the returned rows only.
 */
export class SearchService {
  constructor(private readonly deps: SearchServiceDeps) {}

  async search(query: SearchQuery): Promise<SearchOutcome> {
    const started = performance.now();
    const parsed = parseSearchQuery(query.q ?? '');
    const behaviour = hasBehaviour(query);
    if (parsed.terms.length === 0 && !behaviour) {
      const noWords = query.q !== undefined && query.q.length > 0;
      return {
        ok: false,
        error: noWords ? 'nothing to search for: the query holds no words (letters or digits)' : NOTHING_TO_SEARCH,
      };
    }

    let hits: SearchHit[];
    if (parsed.terms.length > 0) {
      let lines: TranscriptRow[];
      try {
        lines = await this.transcriptRows(parsed.terms, query);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!QUERY_SYNTAX_ERROR.test(message)) throw error;
        this.deps.logger.warn('search: the engine refused a query built by the parser', { q: query.q, error });
        return { ok: false, error: 'the query could not be searched; use words, "exact phrases" and prefix*' };
      }
      hits = lines.map((row) => transcriptHit(row, parsed.terms));
      if (behaviour && lines.length > 0) {
        const calls = [...new Set(lines.map((row) => row.call_id))];
        hits.push(...(await this.momentRows(query, calls)).map(momentHit));
      }
    } else {
      hits = (await this.momentRows(query)).map(momentHit);
    }
    return {
      ok: true,
      result: {
        hits: inCallOrder(hits).slice(0, query.limit),
        terms: parsed.display,
        tookMs: round(performance.now() - started),
      },
    };
  }

  private async transcriptRows(terms: readonly SearchTerm[], query: SearchQuery): Promise<TranscriptRow[]> {
    const { db, kind } = this.deps;
    const match =
      kind === 'sqlite'
        ? sql`transcript_fts match ${toFts5Match(terms)}`
        : sql`f.body @@ to_tsquery('simple', ${toTsQuery(terms)})`;
    const joinIndex = kind === 'sqlite' ? sql`s.id = f.rowid` : sql`s.id = f.id`;
    const indexId = kind === 'sqlite' ? sql`f.rowid` : sql`f.id`;
    // The offer-time range as a range of row ids (segmentRowIds.ts): the index seeks there instead of
    // walking every newer match. The exact times are checked on the call.
    const ids = rowIdRange(query.from, query.to);
    const conditions = [
      ...(ids.min === null ? [] : [sql`${indexId} >= ${ids.min}`]),
      ...(ids.max === null ? [] : [sql`${indexId} <= ${ids.max}`]),
      ...this.callConditions(query),
    ];
    const behaviour = behaviourConditions(query);
    if (behaviour.length > 0) {
      conditions.push(
        sql`exists (select 1 from call_speech_metrics m where m.call_id = c.id and ${sql.join(behaviour, sql` and `)})`,
      );
    }
    const result = await sql<TranscriptRow>`
      select s.call_id, s.speaker, s.start_ms, s.end_ms, s.text,
             c.offered_at, c.line, c.topic, c.agent_name, r.started_at as recording_started_at
      from transcript_fts f
      join transcript_segments s on ${joinIndex}
      join calls c on c.id = s.call_id
      left join recordings r on r.call_id = s.call_id
      where ${match} ${andAll(conditions)}
      order by ${indexId} desc
      limit ${query.limit}`.execute(db);
    return result.rows;
  }

  /**
   * The behaviour moments the query asks for (silences of at least minSilenceS, overtalk, dead air with a
   * still screen), in calls that have every behaviour asked for; only in `onlyCalls` when given.
   */
  private async momentRows(query: SearchQuery, onlyCalls?: readonly string[]): Promise<MomentRow[]> {
    const wanted: RawBuilder<unknown>[] = [];
    if (query.minSilenceS !== undefined) {
      wanted.push(sql`(ss.kind = 'silence' and ss.duration_ms >= ${query.minSilenceS * 1_000})`);
    }
    if (query.overtalk) wanted.push(sql`ss.kind = 'overtalk'`);
    if (query.deadAirStill) wanted.push(sql`(${STILL_DEAD_AIR})`);
    const conditions = [
      sql`(${sql.join(wanted, sql` or `)})`,
      ...behaviourConditions(query),
      ...this.callConditions(query),
    ];
    if (onlyCalls) conditions.push(sql`m.call_id in (${sql.join(onlyCalls)})`);
    // The metrics carry the offer time too: the time range narrows them before any join.
    if (query.from !== undefined) conditions.push(sql`m.offered_at >= ${query.from}`);
    if (query.to !== undefined) conditions.push(sql`m.offered_at <= ${query.to}`);
    const result = await sql<MomentRow>`
      select ss.call_id, ss.kind, ss.start_ms, ss.end_ms, ss.duration_ms, ss.at, ss.screen_changed,
             m.dead_air_threshold_ms, c.offered_at, c.line, c.topic, c.agent_name
      from call_speech_metrics m
      join calls c on c.id = m.call_id
      join speech_segments ss on ss.call_id = m.call_id
      where ${sql.join(conditions, sql` and `)}
      order by m.offered_at desc, m.call_id, ss.start_ms
      limit ${query.limit}`.execute(this.deps.db);
    return result.rows;
  }

  /** Conditions on the call `c` from the query's filters. */
  private callConditions(query: SearchQuery): RawBuilder<unknown>[] {
    const conditions: RawBuilder<unknown>[] = [];
    if (query.from !== undefined) conditions.push(sql`c.offered_at >= ${query.from}`);
    if (query.to !== undefined) conditions.push(sql`c.offered_at <= ${query.to}`);
    if (query.agentId !== undefined) conditions.push(sql`c.agent_id = ${query.agentId}`);
    if (query.line !== undefined) conditions.push(sql`c.line = ${query.line}`);
    if (query.topic !== undefined) conditions.push(sql`c.topic = ${query.topic}`);
    if (query.sentiment !== undefined) conditions.push(this.sentimentCondition(query.sentiment));
    return conditions;
  }

  /** Ended calls by their stored final sentiment; live ones by their sentiment so far. */
  private sentimentCondition(label: SentimentLabel): RawBuilder<unknown> {
    const stored = sql`exists (select 1 from call_sentiments cs where cs.call_id = c.id and cs.label = ${label})`;
    const live = [...this.deps.liveCalls()].filter((call) => call.sentiment?.label === label).map((call) => call.id);
    return live.length === 0 ? stored : sql`(${stored} or c.id in (${sql.join(live)}))`;
  }
}

/** A silence past its call's dead-air threshold while screenshots came and none was new (speech/tables.ts). */
const STILL_DEAD_AIR = sql`ss.kind = 'silence' and ss.screen_changed = 0 and ss.duration_ms >= m.dead_air_threshold_ms`;

const hasBehaviour = (query: SearchQuery) =>
  query.minSilenceS !== undefined || query.overtalk === true || query.deadAirStill === true;

/** Call-level conditions on the speech metrics `m`: the call has every behaviour asked for. */
function behaviourConditions(query: SearchQuery): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [];
  if (query.minSilenceS !== undefined) conditions.push(sql`m.longest_silence_ms >= ${query.minSilenceS * 1_000}`);
  if (query.overtalk) conditions.push(sql`m.overtalk_count > 0`);
  if (query.deadAirStill) conditions.push(sql`m.dead_air_still_count > 0`);
  return conditions;
}

const andAll = (conditions: readonly RawBuilder<unknown>[]) =>
  conditions.length === 0 ? sql`` : sql`and ${sql.join(conditions, sql` and `)}`;

/** Keeps the calls in the order they first appear (newest first) and puts each call's hits in audio order. */
function inCallOrder(hits: readonly SearchHit[]): SearchHit[] {
  const byCall = new Map<string, SearchHit[]>();
  for (const hit of hits) {
    const list = byCall.get(hit.callId);
    if (list) list.push(hit);
    else byCall.set(hit.callId, [hit]);
  }
  return [...byCall.values()].flatMap((list) =>
    list.sort((a, b) => a.atMs - b.atMs || Number(a.kind !== 'transcript') - Number(b.kind !== 'transcript')),
  );
}

function transcriptHit(row: TranscriptRow, terms: readonly SearchTerm[]): SearchHit {
  const atMs = Number(row.start_ms);
  return {
    callId: row.call_id,
    kind: 'transcript',
    atMs,
    endMs: Number(row.end_ms),
    snippet: buildSnippet(row.text, terms),
    speaker: row.speaker,
    at: row.recording_started_at === null ? null : Number(row.recording_started_at) + atMs,
    ...callFields(row),
  };
}

function momentHit(row: MomentRow): SearchHit {
  const stillDeadAir =
    row.kind === 'silence' &&
    row.screen_changed !== null &&
    Number(row.screen_changed) === 0 &&
    Number(row.duration_ms) >= Number(row.dead_air_threshold_ms);
  return {
    callId: row.call_id,
    // A silence that is also dead air on a still screen says so, whichever filter found it.
    kind: row.kind === 'overtalk' ? 'overtalk' : stillDeadAir ? 'dead_air' : 'silence',
    atMs: Number(row.start_ms),
    endMs: Number(row.end_ms),
    snippet: null,
    speaker: null,
    at: Number(row.at),
    ...callFields(row),
  };
}

function callFields(row: CallColumns) {
  return { agentName: row.agent_name, line: row.line, topic: row.topic, offeredAt: Number(row.offered_at) };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
