import type { Call, WallboardDelta, WallboardSettings, WallboardSnapshot, WallboardStats } from '@earshot/shared';
import type { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import type { Clock } from '../clock.js';
import { statsEqual, type WallboardStatsTracker } from './statsTracker.js';

export interface WallboardBroadcasterDeps {
  registry: LiveCallRegistry;
  stats: WallboardStatsTracker;
  clock: Clock;
  /** The settings now (an admin may change them while the server runs). */
  settings: () => WallboardSettings;
  /**
   * Sends a delta to the wallboard's audiences. Called once per flush with the one delta; the app derives
   * the masked variant from it there, once, not per socket.
   */
  emit: (delta: WallboardDelta) => void;
  intervalMs: number;
}

/**
 * Batches live call changes into ordered deltas. Changes mark calls dirty; every `intervalMs` one delta
 * goes out with the next sequence number, carrying the dirty calls (whole) that are still live, the ids of
 * those that ended, and the stats. Nothing goes out when nothing changed, except that the stats are
 * recomputed each tick, because a waiting call crossing the service-level threshold changes them with time.
 */
export class WallboardBroadcaster {
  private seq = 0;
  /** The latest state of each call changed since the last delta. */
  private readonly dirty = new Map<string, Call>();
  private lastStats: WallboardStats | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: WallboardBroadcasterDeps) {
    this.unsubscribe = deps.registry.onChange(({ previous, call }) => {
      deps.stats.apply(previous, call);
      this.dirty.set(call.id, call);
    });
  }

  /** Every live call and the sequence number the next delta will follow. */
  snapshot(): WallboardSnapshot {
    const now = this.deps.clock.now();
    return {
      seq: this.seq,
      serverTime: now,
      calls: [...this.deps.registry.calls()],
      stats: this.deps.stats.stats(now),
      settings: this.deps.settings(),
    };
  }

  /** Emits one delta if anything changed since the last; returns it (or null) for callers that care. */
  flush(): WallboardDelta | null {
    const now = this.deps.clock.now();
    const stats = this.deps.stats.stats(now);
    const statsChanged = this.lastStats === null || !statsEqual(stats, this.lastStats);
    if (this.dirty.size === 0 && !statsChanged) return null;
    const upserts: Call[] = [];
    const removed: string[] = [];
    for (const call of this.dirty.values()) {
      if (call.state === 'ended') removed.push(call.id);
      else upserts.push(call);
    }
    this.dirty.clear();
    this.seq += 1;
    this.lastStats = stats;
    const delta: WallboardDelta = { seq: this.seq, serverTime: now, upserts, removed, stats };
    this.deps.emit(delta);
    return delta;
  }

  start(): void {
    if (this.timer) return;
    // The first tick would otherwise send stats nobody asked about; joiners get them in the snapshot.
    this.lastStats = this.deps.stats.stats(this.deps.clock.now());
    this.timer = setInterval(() => this.flush(), this.deps.intervalMs);
  }

  /** Stops the timer after sending what is still pending. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
    this.unsubscribe();
  }
}
