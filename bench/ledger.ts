import type { Call, IngestEvent } from '@earshot/shared';
import { callIndexOf } from './workload.js';

/** Which part of the run an event was sent in; headline figures use `steady` only. */
export const PHASES = ['ramp', 'steady', 'drain'] as const;
export type Phase = (typeof PHASES)[number];

interface SentEvent {
  at: number;
  /** performance.now() when the ingest client emitted it (sub-millisecond, for the latency). */
  sentPerf: number;
  /** Date.now() when emitted, comparable with the server's `serverTime` (same machine clock). */
  sentWall: number;
  phase: Phase;
}

/** A growable array of doubles with percentiles; millions of samples without boxing. */
export class Samples {
  private data = new Float64Array(4096);
  private size = 0;
  private sorted: Float64Array | null = null;

  get count(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
    this.sorted = null;
  }

  /** Nearest-rank percentile; NaN when empty. */
  percentile(p: number): number {
    if (this.size === 0) return Number.NaN;
    if (!this.sorted) this.sorted = this.data.slice(0, this.size).sort();
    const rank = Math.min(this.size - 1, Math.max(0, Math.ceil((p / 100) * this.size) - 1));
    return this.sorted[rank] ?? Number.NaN;
  }

  mean(): number {
    let sum = 0;
    for (let i = 0; i < this.size; i++) sum += this.data[i] ?? 0;
    return this.size === 0 ? Number.NaN : sum / this.size;
  }
}

/** Every event the bench sent, per call, in order; shared by the real server's and the floor's dashboards. */
export class EventLedger {
  private readonly byCall: SentEvent[][] = [];
  readonly sentPerPhase: Record<Phase, number> = { ramp: 0, steady: 0, drain: 0 };

  record(event: IngestEvent, sentPerf: number, sentWall: number, phase: Phase): void {
    const index = callIndexOf(event.callId);
    let list = this.byCall[index];
    if (!list) {
      list = [];
      this.byCall[index] = list;
    }
    list.push({ at: event.at, sentPerf, sentWall, phase });
    this.sentPerPhase[phase]++;
  }

  eventsOf(callIndex: number): readonly SentEvent[] | undefined {
    return this.byCall[callIndex];
  }

  get callCount(): number {
    return this.byCall.length;
  }
}

/** Latency figures of one system under test (the real server, or the floor), over all its dashboards. */
export class SystemStats {
  /** Event sent → dashboard holds the call's new state. */
  readonly latency: Record<Phase, Samples> = { ramp: new Samples(), steady: new Samples(), drain: new Samples() };
  /** Event sent → first flush tick at or after it: the wait that the batching alone imposes. */
  readonly batchingWait = new Samples();
  /** Delivery time minus the first flush tick after sending: what the server adds beyond the batching wait. */
  readonly beyondBatching = new Samples();
  /**
   * Delta's serverTime → dashboard received it (serialize, fan out, transmit, parse), per delta per dashboard,
   * for deltas received while `measuringDeliveries` is set (the steady phase).
   */
  readonly flushToDelivery = new Samples();
  measuringDeliveries = false;
  /** Per steady-phase delta: when it was flushed and when its first and last dashboard had it (Date.now()). */
  readonly deltaArrivals = new Map<number, { serverTime: number; first: number; last: number }>();
  /** Steady-phase events that were not in the first flush after they were sent. */
  missedFlush = 0;
  seqGaps = 0;
  deltas = 0;
  /** Flush ticks seen (serverTime by seq), to find the first tick after an event was sent. */
  private readonly tickSeq: number[] = [];
  private readonly tickTime: number[] = [];

  /** Flush → first dashboard has the delta, and flush → last dashboard has it, one sample per delta. */
  fanOut(): { first: Samples; last: Samples } {
    const first = new Samples();
    const last = new Samples();
    for (const arrival of this.deltaArrivals.values()) {
      first.push(arrival.first - arrival.serverTime);
      last.push(arrival.last - arrival.serverTime);
    }
    return { first, last };
  }

  noteTick(seq: number, serverTime: number): void {
    const lastSeq = this.tickSeq[this.tickSeq.length - 1];
    if (lastSeq !== undefined && seq <= lastSeq) return;
    this.tickSeq.push(seq);
    this.tickTime.push(serverTime);
  }

  /** Index of the first tick with serverTime >= wall, or -1. */
  firstTickAtOrAfter(wall: number): number {
    let low = 0;
    let high = this.tickTime.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.tickTime[mid] ?? 0) < wall) low = mid + 1;
      else high = mid;
    }
    return low < this.tickTime.length ? low : -1;
  }

  tick(index: number): { seq: number; time: number } {
    return { seq: this.tickSeq[index] ?? 0, time: this.tickTime[index] ?? 0 };
  }
}

/**
 * One dashboard's view: which state of each call it has seen, by the call's `lastEventAt`. A delta carrying a
 * call whose lastEventAt is L delivers every event of that call sent with `at` in (seen, L]; a removal
 * delivers all of them. Events coalesced into one flush are all delivered by it, which is what a viewer sees.
 */
export class DashboardTracker {
  private seen = new Float64Array(1024).fill(-1);
  lastSeq: number | null = null;
  bytesJson = 0;

  constructor(
    private readonly ledger: EventLedger,
    private readonly stats: SystemStats,
  ) {}

  applySnapshot(seq: number, calls: readonly Call[]): void {
    this.lastSeq = seq;
    for (const call of calls) this.setSeen(callIndexOf(call.id), call.lastEventAt);
  }

  applyDelta(
    delta: { seq: number; serverTime: number; upserts: readonly Call[]; removed: readonly string[] },
    receivedPerf: number,
    receivedWall: number,
  ): void {
    if (this.lastSeq !== null && delta.seq <= this.lastSeq) return;
    if (this.lastSeq !== null && delta.seq !== this.lastSeq + 1) this.stats.seqGaps++;
    this.lastSeq = delta.seq;
    this.stats.deltas++;
    this.stats.noteTick(delta.seq, delta.serverTime);
    if (this.stats.measuringDeliveries) {
      this.stats.flushToDelivery.push(receivedWall - delta.serverTime);
      const arrival = this.stats.deltaArrivals.get(delta.seq);
      if (arrival) arrival.last = Math.max(arrival.last, receivedWall);
      else
        this.stats.deltaArrivals.set(delta.seq, {
          serverTime: delta.serverTime,
          first: receivedWall,
          last: receivedWall,
        });
    }
    for (const call of delta.upserts) {
      this.deliver(
        callIndexOf(call.id),
        call.state === 'ended' ? Infinity : call.lastEventAt,
        delta,
        receivedPerf,
        receivedWall,
      );
    }
    for (const id of delta.removed) this.deliver(callIndexOf(id), Infinity, delta, receivedPerf, receivedWall);
  }

  /** Events sent in `phase` that this dashboard never saw. */
  undelivered(phase: Phase): number {
    let missing = 0;
    for (let index = 0; index < this.ledger.callCount; index++) {
      const seen = this.seen[index] ?? -1;
      for (const event of this.ledger.eventsOf(index) ?? []) if (event.phase === phase && event.at > seen) missing++;
    }
    return missing;
  }

  private deliver(
    index: number,
    upTo: number,
    delta: { seq: number; serverTime: number },
    receivedPerf: number,
    receivedWall: number,
  ): void {
    if (!Number.isInteger(index) || index < 0) return;
    const seen = this.seen[index] ?? -1;
    if (upTo <= seen) return;
    for (const event of this.ledger.eventsOf(index) ?? []) {
      if (event.at <= seen || event.at > upTo) continue;
      this.stats.latency[event.phase].push(receivedPerf - event.sentPerf);
      if (event.phase !== 'steady') continue;
      const tickIndex = this.stats.firstTickAtOrAfter(event.sentWall);
      if (tickIndex < 0) continue;
      const ideal = this.stats.tick(tickIndex);
      this.stats.batchingWait.push(ideal.time - event.sentWall);
      this.stats.beyondBatching.push(receivedWall - ideal.time);
      if (delta.seq > ideal.seq) this.stats.missedFlush++;
    }
    this.setSeen(index, upTo);
  }

  private setSeen(index: number, at: number): void {
    if (index >= this.seen.length) {
      const bigger = new Float64Array(Math.max(index + 1, this.seen.length * 2)).fill(-1);
      bigger.set(this.seen);
      this.seen = bigger;
    }
    this.seen[index] = at;
  }
}
