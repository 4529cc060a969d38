import {
  applyCallEvent,
  type Call,
  type IngestBatchItem,
  type IngestEvent,
  IngestEventSchema,
  parseWith,
} from '@earshot/shared';
import {
  type AgentSighting,
  type CallChange,
  type CallRepository,
  DuplicateEventError,
  recordFromEvent,
} from '../calls/callRepository.js';
import type { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** Re-exported for modules that took Clock from here before it moved to clock.ts. */
export type { Clock } from '../clock.js';

/** A full batch is worked off in chunks of this many events, with timers and socket reads in between. */
const INGEST_YIELD_EVERY_EVENTS = 100;

/** The outcome of one event: accepted (perhaps as a repeat), or refused with a sentence saying why. */
export type IngestOutcome =
  | { ok: true; eventId: string; duplicate: boolean }
  | { ok: false; eventId: string; error: string };

export interface IngestServiceDeps {
  registry: LiveCallRegistry;
  repository: CallRepository;
  clock: Clock;
  logger: Logger;
}

/**
 * Applies ingest events: de-duplicate, run the state machine against the current state, store the event and
 * the call in one transaction, and only then change memory (which tells the wallboard and the call's room).
 * A refused event or a failed write leaves everything as it was.
 */
export class IngestService {
  private accepting = true;

  constructor(private readonly deps: IngestServiceDeps) {}

  /** Applies one parsed event, after any earlier event for the same call. */
  ingest(event: IngestEvent): Promise<IngestOutcome> {
    if (!this.accepting) return Promise.resolve(shuttingDown(event.eventId));
    return this.deps.registry.runExclusive(event.callId, async () => {
      await yieldToEventLoop();
      return this.apply(event);
    });
  }

  /**
   * Applies a batch in order. Each item is checked on its own: a bad one is refused with its index and the
   * others still apply. The accepted events are stored in one transaction (all or none), then applied to
   * memory in order. The batch holds every call it names until it is done, so events for one call keep
   * their order across batches and single events; batches on other calls run concurrently.
   */
  async ingestBatch(items: readonly unknown[]): Promise<IngestBatchItem[]> {
    if (!this.accepting) {
      return this.parseBatch(items, async (events) => events.map((event) => shuttingDown(event.eventId)));
    }
    // The calls are taken from the raw items, before parsing, so the batch joins their queues in the order
    // it arrived; the parsing (the costly part of a full batch) then runs in its own turn of the event loop.
    const callIds = items.flatMap((item) => {
      const callId = typeof item === 'object' && item !== null ? (item as { callId?: unknown }).callId : undefined;
      return typeof callId === 'string' ? [callId] : [];
    });
    return this.deps.registry.runExclusiveForAll(callIds, async () => {
      await yieldToEventLoop();
      return this.parseBatch(items, (events) => this.applyBatch(events));
    });
  }

  /** Parses each item; `apply` answers the valid ones in order, and the rest answer their parse error. */
  private async parseBatch(
    items: readonly unknown[],
    apply: (events: IngestEvent[]) => Promise<IngestOutcome[]>,
  ): Promise<IngestBatchItem[]> {
    const results: (IngestBatchItem | undefined)[] = new Array(items.length);
    const valid: { index: number; event: IngestEvent }[] = [];
    items.forEach((item, index) => {
      const parsed = parseWith(IngestEventSchema, item, `event at index ${index}`);
      if (parsed.ok) {
        valid.push({ index, event: parsed.data });
      } else {
        const eventId = eventIdOf(item);
        results[index] = { ok: false, index, ...(eventId ? { eventId } : {}), error: parsed.error };
      }
    });
    const outcomes = await apply(valid.map(({ event }) => event));
    valid.forEach(({ index }, i) => {
      const outcome = outcomes[i];
      if (!outcome) return;
      results[index] = outcome.ok
        ? { ok: true, eventId: outcome.eventId, duplicate: outcome.duplicate }
        : { ok: false, index, eventId: outcome.eventId, error: outcome.error };
    });
    return results.map(
      (result, index) => result ?? { ok: false, index, error: `event at index ${index} was not applied` },
    );
  }

  /** Refuses new events and waits for those already queued to finish. */
  async stop(): Promise<void> {
    this.accepting = false;
    await this.deps.registry.idle();
  }

  /**
   * Checks the events one after another against memory (and the store, for calls that are not live), then
   * writes every accepted one in a single transaction and only then changes memory. Why one transaction:
   * each commit rewrites the touched index pages and syncs the WAL, so a commit per event made ingest
   * commit-bound (~63 KiB written per event). A failed write changes nothing and every accepted event
   * answers the error. An event id already stored for another call (found only by the write) falls back to
   * one transaction per event, which sorts the repeat out exactly as a single event would.
   * Call only while holding every call of the batch (runExclusiveForAll).
   */
  private async applyBatch(events: readonly IngestEvent[]): Promise<IngestOutcome[]> {
    if (events.length === 0) return [];
    const { registry, repository, clock, logger } = this.deps;
    const outcomes: IngestOutcome[] = [];
    /** Each call's state as the batch left it so far; an entry is present once the batch touched the call. */
    const working = new Map<string, { call: Call | undefined; eventCount: number; storeChecked: boolean }>();
    const acceptedIds = new Set<string>();
    const writes: { change: CallChange; agent?: AgentSighting }[] = [];
    /** Position in `outcomes` of each write, to answer it when the write fails. */
    const writeOutcomeIndex: number[] = [];

    for (const [position, event] of events.entries()) {
      if (position > 0 && position % INGEST_YIELD_EVERY_EVENTS === 0) await yieldToEventLoop();
      const duplicate = { ok: true as const, eventId: event.eventId, duplicate: true };
      if (registry.hasEventId(event.eventId) || acceptedIds.has(event.eventId)) {
        outcomes.push(duplicate);
        continue;
      }
      let state = working.get(event.callId);
      if (!state) {
        const live = registry.get(event.callId);
        state = { call: live, eventCount: registry.eventCount(event.callId) ?? 0, storeChecked: false };
      }
      if (!state.call || state.call.state === 'ended') {
        // Not live: the call is new, ended, or unknown. Only the store can tell, and whether the id is a repeat.
        try {
          if (await repository.eventExists(event.eventId)) {
            outcomes.push(duplicate);
            continue;
          }
          if (!state.storeChecked && !state.call) {
            const stored = await repository.findCall(event.callId);
            state = { call: stored?.call, eventCount: stored?.eventCount ?? 0, storeChecked: true };
            working.set(event.callId, state);
          }
        } catch (error) {
          logger.error('ingest: reading the store failed', { eventId: event.eventId, error });
          outcomes.push({ ok: false, eventId: event.eventId, error: `could not read the store: ${messageOf(error)}` });
          continue;
        }
      }
      const transition = applyCallEvent(state.call, event);
      if (!transition.ok) {
        outcomes.push({ ok: false, eventId: event.eventId, error: transition.error });
        continue;
      }
      const seq = state.eventCount + 1;
      const agent = agentOf(event);
      writes.push({
        change: {
          call: transition.call,
          isNew: state.call === undefined,
          seq,
          record: recordFromEvent(event, clock.now()),
        },
        ...(agent ? { agent } : {}),
      });
      writeOutcomeIndex.push(outcomes.length);
      outcomes.push({ ok: true, eventId: event.eventId, duplicate: false });
      working.set(event.callId, { call: transition.call, eventCount: seq, storeChecked: true });
      acceptedIds.add(event.eventId);
    }

    if (writes.length === 0) return outcomes;
    try {
      await repository.saveChanges(writes, { yieldEvery: INGEST_YIELD_EVERY_EVENTS, yieldToEventLoop });
    } catch (error) {
      if (error instanceof DuplicateEventError) {
        // Rare (a repeat of an id stored for another call, or a race with another node): nothing was written.
        const one: IngestOutcome[] = [];
        for (const event of events) one.push(await this.apply(event));
        return one;
      }
      logger.error('ingest: storing a batch failed; nothing was changed', { events: writes.length, error });
      for (const position of writeOutcomeIndex) {
        const eventId = outcomes[position]?.eventId ?? '';
        outcomes[position] = {
          ok: false,
          eventId,
          error: `could not store event ${eventId} (the batch is stored all or nothing): ${messageOf(error)}; nothing was changed, send it again`,
        };
      }
      return outcomes;
    }
    for (const { change } of writes) registry.commit(change.call, change.record, change.seq);
    return outcomes;
  }

  private async apply(event: IngestEvent): Promise<IngestOutcome> {
    const { registry, repository, clock, logger } = this.deps;
    const duplicate = { ok: true as const, eventId: event.eventId, duplicate: true };
    if (registry.hasEventId(event.eventId)) return duplicate;

    let current: Call | undefined = registry.get(event.callId);
    let eventCount = registry.eventCount(event.callId) ?? 0;
    if (!current) {
      // Not live: the call is new, ended, or unknown. Only the store can tell, and whether the id is a repeat.
      try {
        if (await repository.eventExists(event.eventId)) return duplicate;
        const stored = await repository.findCall(event.callId);
        current = stored?.call;
        eventCount = stored?.eventCount ?? 0;
      } catch (error) {
        logger.error('ingest: reading the store failed', { eventId: event.eventId, error });
        return { ok: false, eventId: event.eventId, error: `could not read the store: ${messageOf(error)}` };
      }
    }

    const transition = applyCallEvent(current, event);
    if (!transition.ok) return { ok: false, eventId: event.eventId, error: transition.error };

    const record = recordFromEvent(event, clock.now());
    const seq = eventCount + 1;
    const agent = agentOf(event);
    try {
      await repository.saveChange({ call: transition.call, isNew: current === undefined, seq, record }, agent);
    } catch (error) {
      // The id was stored for another call (ids are unique across calls): a repeat, nothing changes.
      if (error instanceof DuplicateEventError) return duplicate;
      logger.error('ingest: storing an event failed; nothing was changed', { eventId: event.eventId, error });
      return {
        ok: false,
        eventId: event.eventId,
        error: `could not store event ${event.eventId}: ${messageOf(error)}; nothing was changed, send it again`,
      };
    }
    registry.commit(transition.call, record, seq);
    return { ok: true, eventId: event.eventId, duplicate: false };
  }
}

/** The agent an event names, if any: who answered, or who a transfer went to. */
function agentOf(event: IngestEvent): AgentSighting | undefined {
  if (event.type === 'call.answered') return { id: event.agentId, name: event.agentName };
  if (event.type === 'call.transferred') return { id: event.toAgentId, name: event.toAgentName };
  return undefined;
}

function shuttingDown(eventId: string): IngestOutcome {
  return { ok: false, eventId, error: 'the server is shutting down; send it again later' };
}

/**
 * Lets timers (the wallboard flush) and socket reads run. better-sqlite3 is synchronous behind Kysely's
 * promises, so without this a backlog of ingest work runs as one unbroken chain of microtasks and blocks
 * the event loop for seconds during a burst.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function eventIdOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || !('eventId' in item)) return undefined;
  const id = (item as { eventId: unknown }).eventId;
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
