import type { Call, CallDetail, CallEventRecord, CallsPage, CallsQuery, IngestEvent } from '@earshot/shared';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { CallEventsTable, CallsTable, Database } from '../store/database.js';
import { type CallsCursor, encodeCursor } from './cursor.js';

/** The event id was stored before (possibly for another call): nothing was written. */
export class DuplicateEventError extends Error {
  override name = 'DuplicateEventError';
  constructor(readonly eventId: string) {
    super(`event ${eventId} was already stored`);
  }
}

/** A call as stored, with the length of its history (which the Call itself does not carry). */
export interface StoredCall {
  call: Call;
  eventCount: number;
}

/** One applied change: the call after the event, and the history entry that records it. */
export interface CallChange {
  call: Call;
  /** True when the call row does not exist yet (the event offered it). */
  isNew: boolean;
  /** The history entry's position in the call's history, from 1. */
  seq: number;
  record: CallEventRecord;
}

/** Why the server closed a call itself; written into the history so the call page can say so. */
export const CLOSED_BY_SERVER_EVENT_TYPE = 'call.closed_by_server';
const RESTART_EXPLANATION =
  'The call was still live when the server stopped, so its real end is unknown. It was closed when the ' +
  'server started again, at the time of its last known event.';

/** Server-made event ids contain '/', which source ids may not, so they never collide with ingest ids. */
function closedByServerEventId(callId: string): string {
  return `server/closed/${callId}`;
}

export function callFromRow(row: Selectable<CallsTable>): Call {
  return {
    id: row.id,
    line: row.line,
    callerNumber: row.caller_number,
    topic: row.topic,
    state: row.state,
    offeredAt: row.offered_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    agentId: row.agent_id,
    agentName: row.agent_name,
    holdSince: row.hold_since,
    holdMs: row.hold_ms,
    holdCount: row.hold_count,
    transferCount: row.transfer_count,
    lastEventAt: row.last_event_at,
    // Live-only state: whoever was on the audio is in the history, not in the row.
    monitors: [],
    silence: null,
    sentiment: null,
  };
}

function rowFromCall(call: Call, eventCount: number): CallsTable {
  return {
    id: call.id,
    line: call.line,
    caller_number: call.callerNumber,
    topic: call.topic,
    state: call.state,
    offered_at: call.offeredAt,
    answered_at: call.answeredAt,
    ended_at: call.endedAt,
    end_reason: call.endReason,
    agent_id: call.agentId,
    agent_name: call.agentName,
    hold_since: call.holdSince,
    hold_ms: call.holdMs,
    hold_count: call.holdCount,
    transfer_count: call.transferCount,
    last_event_at: call.lastEventAt,
    event_count: eventCount,
  };
}

function recordFromRow(row: Selectable<CallEventsTable>): CallEventRecord {
  return {
    eventId: row.event_id,
    callId: row.call_id,
    type: row.type,
    at: row.at,
    receivedAt: row.received_at,
    detail: JSON.parse(row.detail) as CallEventRecord['detail'],
  };
}

/** The history entry for an ingest event: its own fields beyond id, call, type and time go into `detail`. */
export function recordFromEvent(event: IngestEvent, receivedAt: number): CallEventRecord {
  const { eventId, callId, type, at, ...detail } = event;
  return { eventId, callId, type, at, receivedAt, detail };
}

/** Reads and writes calls, their histories and agents. Every write of a change is one transaction. */
export class CallRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findCall(id: string): Promise<StoredCall | undefined> {
    const row = await this.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { call: callFromRow(row), eventCount: row.event_count } : undefined;
  }

  async eventExists(eventId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('call_events')
      .select('event_id')
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Writes the call row and its new history entry in one transaction (plus the agent, when the event names
   * one). Throws DuplicateEventError, writing nothing, when the event id is already stored.
   */
  async saveChange(change: CallChange, agent?: AgentSighting): Promise<void> {
    await this.saveChanges([{ change, ...(agent ? { agent } : {}) }]);
  }

  /**
   * Writes several changes, in order, in ONE transaction: all of them or none. One commit for a whole ingest
   * batch instead of one per event is most of what ingest costs on SQLite (each commit rewrites the touched
   * index pages and syncs the WAL). `pacing` lets other work run every so many changes (the transaction
   * stays open meanwhile; on SQLite other queries wait for it). Throws DuplicateEventError, writing nothing, when any event id is
   * already stored.
   */
  async saveChanges(
    changes: readonly { change: CallChange; agent?: AgentSighting }[],
    pacing?: { yieldEvery: number; yieldToEventLoop: () => Promise<void> },
  ): Promise<void> {
    if (changes.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const [position, { change }] of changes.entries()) {
        // better-sqlite3 is synchronous: without a pause a long batch holds the event loop for its whole run.
        if (pacing && position > 0 && position % pacing.yieldEvery === 0) await pacing.yieldToEventLoop();
        await writeChange(trx, change);
      }
      // One upsert per agent, in id order: fewer statements, and concurrent PostgreSQL transactions lock
      // the agents' rows in the same order, so they cannot deadlock on them.
      for (const agent of latestSightings(changes)) await upsertAgent(trx, agent);
    });
  }

  async listEvents(callId: string): Promise<CallEventRecord[]> {
    const rows = await this.db
      .selectFrom('call_events')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('seq', 'asc')
      .execute();
    return rows.map(recordFromRow);
  }

  async getCallDetail(id: string): Promise<CallDetail | undefined> {
    const stored = await this.findCall(id);
    if (!stored) return undefined;
    return { call: stored.call, events: await this.listEvents(id) };
  }

  /** A page of calls, newest offered first, after `cursor` when given. */
  async listCalls(query: Omit<CallsQuery, 'cursor'>, cursor: CallsCursor | null): Promise<CallsPage> {
    let select = this.db.selectFrom('calls').selectAll();
    if (query.from !== undefined) select = select.where('offered_at', '>=', query.from);
    if (query.to !== undefined) select = select.where('offered_at', '<=', query.to);
    if (query.agentId !== undefined) select = select.where('agent_id', '=', query.agentId);
    if (query.line !== undefined) select = select.where('line', '=', query.line);
    if (query.topic !== undefined) select = select.where('topic', '=', query.topic);
    if (query.outcome === 'live') select = select.where('state', '<>', 'ended');
    else if (query.outcome !== undefined) select = select.where('end_reason', '=', query.outcome);
    if (cursor) {
      select = select.where((eb) =>
        eb.or([
          eb('offered_at', '<', cursor.offeredAt),
          eb.and([eb('offered_at', '=', cursor.offeredAt), eb('id', '<', cursor.id)]),
        ]),
      );
    }
    // One row more than asked tells whether another page exists without a count query.
    const rows = await select
      .orderBy('offered_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const items = rows.slice(0, query.limit).map(callFromRow);
    const last = items.at(-1);
    const nextCursor =
      rows.length > query.limit && last ? encodeCursor({ offeredAt: last.offeredAt, id: last.id }) : null;
    return { items, nextCursor };
  }

  /** Calls offered since `since` that have ended: today's service-level history, read once at start-up. */
  async listEndedOfferedSince(
    since: number,
  ): Promise<Pick<Call, 'offeredAt' | 'answeredAt' | 'endReason' | 'state'>[]> {
    const rows = await this.db
      .selectFrom('calls')
      .select(['offered_at', 'answered_at', 'end_reason', 'state'])
      .where('offered_at', '>=', since)
      .where('state', '=', 'ended')
      .execute();
    return rows.map((r) => ({
      offeredAt: r.offered_at,
      answeredAt: r.answered_at,
      endReason: r.end_reason,
      state: r.state,
    }));
  }

  /**
   * Deletes ended calls offered before `cutoff`, with their histories, `batchSize` calls per transaction so
   * a large backlog never holds one long lock. Live calls are never touched. Returns how many were deleted.
   */
  async deleteEndedCallsOfferedBefore(cutoff: number, batchSize = 500): Promise<{ calls: number; callEvents: number }> {
    let calls = 0;
    let callEvents = 0;
    for (;;) {
      const deleted = await this.db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('calls')
          .select('id')
          .where('state', '=', 'ended')
          .where('offered_at', '<', cutoff)
          .orderBy('offered_at')
          .limit(batchSize)
          .execute();
        const ids = rows.map((row) => row.id);
        if (ids.length === 0) return { calls: 0, callEvents: 0 };
        const events = await trx.deleteFrom('call_events').where('call_id', 'in', ids).executeTakeFirst();
        const removed = await trx.deleteFrom('calls').where('id', 'in', ids).executeTakeFirst();
        return { calls: Number(removed.numDeletedRows), callEvents: Number(events.numDeletedRows) };
      });
      calls += deleted.calls;
      callEvents += deleted.callEvents;
      if (deleted.calls < batchSize) return { calls, callEvents };
    }
  }

  /**
   * Closes the calls a previous run left live. Their real end is unknown, so each is closed at the time of
   * its last event with reason `server_restart`, and a history entry says why. One transaction for all.
   */
  async closeDanglingCalls(receivedAt: number, close: (call: Call) => Call): Promise<Call[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('calls').selectAll().where('state', '<>', 'ended').execute();
      const closed: Call[] = [];
      for (const row of rows) {
        const before = callFromRow(row);
        const after = close(before);
        const seq = row.event_count + 1;
        const { id, ...fields } = rowFromCall(after, seq);
        await trx.updateTable('calls').set(fields).where('id', '=', id).execute();
        await trx
          .insertInto('call_events')
          .values({
            event_id: closedByServerEventId(id),
            call_id: id,
            seq,
            type: CLOSED_BY_SERVER_EVENT_TYPE,
            at: after.endedAt ?? after.lastEventAt,
            received_at: receivedAt,
            detail: JSON.stringify({
              reason: 'server_restart',
              stateBefore: before.state,
              explanation: RESTART_EXPLANATION,
            }),
          })
          .execute();
        closed.push(after);
      }
      return closed;
    });
  }
}

/** An agent named by an event, seen at the event's time. */
export interface AgentSighting {
  id: string;
  name: string;
}

interface AgentSpan {
  id: string;
  name: string;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** Per agent: the earliest and latest sighting in `changes`, and the name from the latest (the later on ties). */
function latestSightings(changes: readonly { change: CallChange; agent?: AgentSighting }[]): AgentSpan[] {
  const spans = new Map<string, AgentSpan>();
  for (const { change, agent } of changes) {
    if (!agent) continue;
    const at = change.record.at;
    const span = spans.get(agent.id);
    if (!span) {
      spans.set(agent.id, { id: agent.id, name: agent.name, firstSeenAt: at, lastSeenAt: at });
      continue;
    }
    if (at >= span.lastSeenAt) {
      span.lastSeenAt = at;
      span.name = agent.name;
    }
    if (at < span.firstSeenAt) span.firstSeenAt = at;
  }
  return [...spans.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function writeChange(trx: Transaction<Database>, change: CallChange): Promise<void> {
  const row = rowFromCall(change.call, change.seq);
  if (change.isNew) {
    await trx.insertInto('calls').values(row).execute();
  } else {
    const { id, ...fields } = row;
    await trx.updateTable('calls').set(fields).where('id', '=', id).execute();
  }
  const inserted = await trx
    .insertInto('call_events')
    .values({
      event_id: change.record.eventId,
      call_id: change.record.callId,
      seq: change.seq,
      type: change.record.type,
      at: change.record.at,
      received_at: change.record.receivedAt,
      detail: JSON.stringify(change.record.detail),
    })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .executeTakeFirst();
  if (inserted.numInsertedOrUpdatedRows === 0n) throw new DuplicateEventError(change.record.eventId);
}

async function upsertAgent(trx: Transaction<Database>, agent: AgentSpan): Promise<void> {
  await trx
    .insertInto('agents')
    .values({ id: agent.id, name: agent.name, first_seen_at: agent.firstSeenAt, last_seen_at: agent.lastSeenAt })
    // Events of different calls may be stored in any order: keep the earliest and latest sighting, and
    // the name from the latest. CASE rather than min/greatest, which the two dialects spell differently.
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => {
        const newer = eb('excluded.last_seen_at', '>=', eb.ref('agents.last_seen_at'));
        return {
          name: eb.case().when(newer).then(eb.ref('excluded.name')).else(eb.ref('agents.name')).end(),
          last_seen_at: eb
            .case()
            .when(newer)
            .then(eb.ref('excluded.last_seen_at'))
            .else(eb.ref('agents.last_seen_at'))
            .end(),
          first_seen_at: eb
            .case()
            .when(eb('excluded.first_seen_at', '<', eb.ref('agents.first_seen_at')))
            .then(eb.ref('excluded.first_seen_at'))
            .else(eb.ref('agents.first_seen_at'))
            .end(),
        };
      }),
    )
    .execute();
}
