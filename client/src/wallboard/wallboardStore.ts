import type { Ack, Call, WallboardDelta, WallboardSettings, WallboardSnapshot, WallboardStats } from '@earshot/shared';

/** The live wallboard as the browser holds it: every live call by id, and the last sequence number applied. */
export interface WallboardData {
  seq: number;
  serverTime: number;
  calls: ReadonlyMap<string, Call>;
  stats: WallboardStats;
  settings: WallboardSettings;
}

export function fromSnapshot(snapshot: WallboardSnapshot): WallboardData {
  return {
    seq: snapshot.seq,
    serverTime: snapshot.serverTime,
    calls: new Map(snapshot.calls.map((call) => [call.id, call])),
    stats: snapshot.stats,
    settings: snapshot.settings,
  };
}

/** `stale`: already covered (seq not after the last applied); `gap`: one or more deltas were missed. */
export type DeltaOutcome = { kind: 'applied'; data: WallboardData } | { kind: 'stale' } | { kind: 'gap' };

/** Applies a delta only if it is the very next one; the caller resyncs on a gap. */
export function applyDelta(data: WallboardData, delta: WallboardDelta): DeltaOutcome {
  if (delta.seq <= data.seq) return { kind: 'stale' };
  if (delta.seq !== data.seq + 1) return { kind: 'gap' };
  const calls = new Map(data.calls);
  for (const call of delta.upserts) {
    // An ended call has left the wallboard even if a server sends it as an upsert.
    if (call.state === 'ended') calls.delete(call.id);
    else calls.set(call.id, call);
  }
  for (const id of delta.removed) calls.delete(id);
  return {
    kind: 'applied',
    data: { ...data, seq: delta.seq, serverTime: delta.serverTime, calls, stats: delta.stats },
  };
}

/**
 * `connecting`: waiting for the first snapshot; `live`: snapshot plus ordered deltas;
 * `resyncing`: a gap or a reconnect, a fresh snapshot is on its way (the old data stays on screen meanwhile);
 * `failed`: the last join was refused or not answered; it is retried.
 */
export type SyncPhase = 'connecting' | 'live' | 'resyncing' | 'failed';

export interface WallboardSyncState {
  phase: SyncPhase;
  data: WallboardData | null;
  error: string | null;
  /** How many fresh snapshots were needed after the first (gaps and reconnects); shown for diagnosis. */
  resyncs: number;
}

export interface WallboardSyncOptions {
  /** Asks the server for a snapshot (`wallboard:join`). */
  join: () => Promise<Ack<WallboardSnapshot>>;
  /** Told the server time of each snapshot and delta, with the browser time it arrived, for clock skew. */
  onServerTime?: (serverTime: number, receivedAt: number) => void;
  /** Waits before retrying a failed join; injected so tests need not wait. */
  scheduleRetry?: (retry: () => void) => () => void;
  now?: () => number;
}

/** Delay before asking again after a join failed, so a refusing server is not hammered. */
export const JOIN_RETRY_DELAY_MS = 2_000;

/**
 * Keeps the wallboard in step with the server: snapshot on connect, then deltas applied strictly in order.
 * A gap asks for a fresh snapshot; deltas that arrive while a snapshot is on its way are held and applied
 * after it when they follow it, so a delta racing the snapshot is not lost.
 */
export class WallboardSync {
  private state: WallboardSyncState = { phase: 'connecting', data: null, error: null, resyncs: 0 };
  private readonly listeners = new Set<() => void>();
  private joining = false;
  /** A resync was asked for while a join was in flight; join again when it lands. */
  private joinAgain = false;
  private heldDeltas: WallboardDelta[] = [];
  private cancelRetry: (() => void) | null = null;
  /** Between `handleConnected` and `stop`; a stopped sync ignores deltas and late answers. */
  private active = false;
  private snapshotsApplied = 0;
  private readonly now: () => number;
  private readonly scheduleRetry: (retry: () => void) => () => void;

  constructor(private readonly options: WallboardSyncOptions) {
    this.now = options.now ?? Date.now;
    this.scheduleRetry =
      options.scheduleRetry ??
      ((retry) => {
        const timer = setTimeout(retry, JOIN_RETRY_DELAY_MS);
        return () => clearTimeout(timer);
      });
  }

  getState = (): WallboardSyncState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The socket (re)connected: the room membership is new, so start from a snapshot. */
  handleConnected(): void {
    this.active = true;
    this.requestSnapshot();
  }

  handleDelta(delta: WallboardDelta): void {
    if (!this.active) return;
    const receivedAt = this.now();
    const data = this.state.data;
    if (this.joining || data === null) {
      this.heldDeltas.push(delta);
      return;
    }
    this.options.onServerTime?.(delta.serverTime, receivedAt);
    const outcome = applyDelta(data, delta);
    if (outcome.kind === 'applied') this.setState({ ...this.state, phase: 'live', data: outcome.data, error: null });
    else if (outcome.kind === 'gap') this.requestSnapshot();
  }

  /**
   * An admin changed the thresholds (`settings:updated`): tiles recolour at once, no resync needed. Only the
   * wallboard's own fields are kept, whatever else the message carries.
   */
  handleSettings(settings: WallboardSettings): void {
    const data = this.state.data;
    if (!this.active || data === null) return;
    const { longCallAmberMs, longCallRedMs, serviceLevelThresholdMs, serviceLevelTargetPct, deadAirThresholdMs } =
      settings;
    this.setState({
      ...this.state,
      data: {
        ...data,
        settings: {
          longCallAmberMs,
          longCallRedMs,
          serviceLevelThresholdMs,
          serviceLevelTargetPct,
          deadAirThresholdMs,
        },
      },
    });
  }

  /** Asks for a fresh snapshot unless one is already on its way. */
  requestSnapshot(): void {
    if (!this.active) return;
    this.cancelRetry?.();
    this.cancelRetry = null;
    if (this.joining) {
      this.joinAgain = true;
      return;
    }
    this.joining = true;
    this.joinAgain = false;
    this.heldDeltas = [];
    if (this.state.data !== null) this.setState({ ...this.state, phase: 'resyncing' });
    void this.options.join().then((result) => this.handleJoinResult(result));
  }

  /** The page left the wallboard: stop asking, drop what is held. The data stays for a quick return. */
  stop(): void {
    this.active = false;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.joinAgain = false;
    this.heldDeltas = [];
  }

  private handleJoinResult(result: Ack<WallboardSnapshot>): void {
    this.joining = false;
    if (!this.active) return;
    if (this.joinAgain) {
      this.requestSnapshot();
      return;
    }
    if (!result.ok) {
      this.setState({ ...this.state, phase: 'failed', error: result.error });
      this.cancelRetry = this.scheduleRetry(() => this.requestSnapshot());
      return;
    }
    this.options.onServerTime?.(result.data.serverTime, this.now());
    let data = fromSnapshot(result.data);
    const held = this.heldDeltas.sort((a, b) => a.seq - b.seq);
    this.heldDeltas = [];
    for (const delta of held) {
      const outcome = applyDelta(data, delta);
      if (outcome.kind === 'applied') data = outcome.data;
      else if (outcome.kind === 'gap') {
        this.commitSnapshot(data);
        this.requestSnapshot();
        return;
      }
    }
    this.commitSnapshot(data);
  }

  private commitSnapshot(data: WallboardData): void {
    this.snapshotsApplied += 1;
    this.setState({ phase: 'live', data, error: null, resyncs: this.snapshotsApplied - 1 });
  }

  private setState(next: WallboardSyncState): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
