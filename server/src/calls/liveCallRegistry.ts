import type { Call, CallEventRecord } from '@earshot/shared';

/** A change the registry committed: the call before (undefined when new) and after, and its history entry. */
export interface LiveCallChange {
  previous: Call | undefined;
  call: Call;
  /** The history entry that records the change; absent for a live-only change (`updateLive`). */
  record?: CallEventRecord;
  /** Length of the call's stored history after this change (the record's position). */
  eventCount: number;
}

export type LiveCallListener = (change: LiveCallChange) => void;

interface LiveEntry {
  call: Call;
  /** Length of the call's stored history. */
  eventCount: number;
  /** Ids of the events applied to this call, for de-duplication while it is live. */
  eventIds: string[];
}

/**
 * The live calls, in memory: one owner per call. Work on one call runs strictly one task after another
 * (a promise chain per call id); different calls run concurrently. Memory changes only through `commit`,
 * which the ingest service calls after the store accepted the write.
 */
export class LiveCallRegistry {
  private readonly entries = new Map<string, LiveEntry>();
  /** Event id → call id, for every event of every live call: a repeated id is caught without the store. */
  private readonly liveEventIds = new Map<string, string>();
  /** Tail of each call's task chain; removed when the chain runs dry. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly listeners = new Set<LiveCallListener>();

  get size(): number {
    return this.entries.size;
  }

  get(callId: string): Call | undefined {
    return this.entries.get(callId)?.call;
  }

  eventCount(callId: string): number | undefined {
    return this.entries.get(callId)?.eventCount;
  }

  /** True when a live call already applied an event with this id. */
  hasEventId(eventId: string): boolean {
    return this.liveEventIds.has(eventId);
  }

  calls(): IterableIterator<Call> {
    const entries = this.entries.values();
    return (function* () {
      for (const entry of entries) yield entry.call;
    })();
  }

  /**
   * Runs `task` after every task queued before it for the same call has settled. A failing task does
   * not stop the chain; its error goes to its own caller.
   */
  runExclusive<T>(callId: string, task: () => Promise<T>): Promise<T> {
    return this.runExclusiveForAll([callId], task);
  }

  /**
   * Runs `task` once every task queued before it on any of `callIds` has settled, and holds all those calls
   * until it settles (an ingest batch that writes several calls in one transaction). It joins every call's
   * queue at the moment it is called, so queues are always joined in one global order and two such tasks
   * cannot wait on each other.
   */
  runExclusiveForAll<T>(callIds: Iterable<string>, task: () => Promise<T>): Promise<T> {
    const ids = [...new Set(callIds)];
    const previous = Promise.all(ids.map((id) => this.tails.get(id) ?? Promise.resolve()));
    const result = previous.then(task);
    const tail = result.then(
      () => {},
      () => {},
    );
    for (const id of ids) this.tails.set(id, tail);
    void tail.then(() => {
      for (const id of ids) if (this.tails.get(id) === tail) this.tails.delete(id);
    });
    return result;
  }

  /** Resolves when every task queued so far, on every call, has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  /**
   * Records a change that is already stored: updates the call (dropping it when it ended) and tells the
   * listeners. Call only from inside `runExclusive` for that call.
   */
  commit(call: Call, record: CallEventRecord, eventCount: number): LiveCallChange {
    const entry = this.entries.get(call.id);
    const previous = entry?.call;
    if (call.state === 'ended') {
      if (entry) {
        this.entries.delete(call.id);
        for (const id of entry.eventIds) this.liveEventIds.delete(id);
      }
    } else if (entry) {
      entry.call = call;
      entry.eventCount = eventCount;
      entry.eventIds.push(record.eventId);
      this.liveEventIds.set(record.eventId, call.id);
    } else {
      this.entries.set(call.id, { call, eventCount, eventIds: [record.eventId] });
      this.liveEventIds.set(record.eventId, call.id);
    }
    const change = { previous, call, record, eventCount };
    for (const listener of this.listeners) listener(change);
    return change;
  }

  /**
   * Changes what a live call carries that is never stored and has no history entry (the silence in
   * progress, the sentiment so far) and tells the listeners. Ignored for a call that is not live. Call from
   * inside `runExclusive` for that call, like `commit`, so it cannot overtake a stored change.
   */
  updateLive(callId: string, change: (call: Call) => Call): LiveCallChange | undefined {
    const entry = this.entries.get(callId);
    if (!entry) return undefined;
    const previous = entry.call;
    const call = change(previous);
    if (call === previous) return undefined;
    if (call.state !== previous.state || call.id !== previous.id) {
      throw new Error("updateLive may not change a call's state; state changes are stored through commit");
    }
    entry.call = call;
    const result: LiveCallChange = { previous, call, eventCount: entry.eventCount };
    for (const listener of this.listeners) listener(result);
    return result;
  }

  /** Subscribes to committed changes; returns the unsubscribe function. */
  onChange(listener: LiveCallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
