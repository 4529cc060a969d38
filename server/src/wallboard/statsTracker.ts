import {
  addServiceLevel,
  type Call,
  EMPTY_SERVICE_LEVEL,
  type ServiceLevelCounts,
  serviceLevelContribution,
  startOfDay,
  type WallboardStats,
} from '@earshot/shared';

type ServiceLevelFields = Pick<Call, 'offeredAt' | 'answeredAt' | 'endReason' | 'state'>;

interface DayCounts {
  offered: number;
  /** Contributions that no longer change with time: every call of the day except those still queued. */
  settled: ServiceLevelCounts;
}

/**
 * Keeps the wallboard's numbers up to date as calls change, so a tick costs O(calls waiting), not O(all
 * calls). Only a queued call's contribution to the service level depends on the clock (it counts as missed
 * once it has waited past the threshold), so queued calls are kept apart and re-evaluated on each read;
 * everything else is folded into per-day running counts as it happens. Days are keyed by their local
 * midnight (the call's offer time decides its day), and past days are dropped, which resets at midnight.
 */
export class WallboardStatsTracker {
  private readonly waiting = new Map<string, Call>();
  private inProgress = 0;
  private readonly days = new Map<number, DayCounts>();

  constructor(private readonly serviceLevelThresholdMs: number) {}

  /** Folds in calls that ended before this process started (read from the store once, at start-up). */
  loadEnded(calls: Iterable<ServiceLevelFields>): void {
    for (const call of calls) {
      const day = this.day(call.offeredAt);
      day.offered += 1;
      day.settled = addServiceLevel(day.settled, this.settledContribution(call));
    }
  }

  /** Accounts for one committed change of a live call. `previous` is undefined when the call is new. */
  apply(previous: Call | undefined, call: Call): void {
    const day = this.day(call.offeredAt);
    if (previous === undefined) day.offered += 1;
    else {
      day.settled = subtract(day.settled, this.settledContribution(previous));
      if (previous.state === 'queued') this.waiting.delete(previous.id);
      else if (previous.state !== 'ended') this.inProgress -= 1;
    }
    day.settled = addServiceLevel(day.settled, this.settledContribution(call));
    if (call.state === 'queued') this.waiting.set(call.id, call);
    else if (call.state !== 'ended') this.inProgress += 1;
  }

  stats(now: number): WallboardStats {
    const today = startOfDay(now);
    for (const key of this.days.keys()) if (key < today) this.days.delete(key);
    const counts = this.days.get(today);
    let serviceLevel = counts?.settled ?? EMPTY_SERVICE_LEVEL;
    let oldestWaitingSince: number | null = null;
    for (const call of this.waiting.values()) {
      if (oldestWaitingSince === null || call.offeredAt < oldestWaitingSince) oldestWaitingSince = call.offeredAt;
      if (call.offeredAt >= today) {
        serviceLevel = addServiceLevel(serviceLevel, serviceLevelContribution(call, now, this.serviceLevelThresholdMs));
      }
    }
    return {
      inProgress: this.inProgress,
      waiting: this.waiting.size,
      oldestWaitingSince,
      serviceLevel,
      abandonedToday: serviceLevel.abandoned,
      offeredToday: counts?.offered ?? 0,
    };
  }

  /** The time-independent part of a call's contribution: nothing while it is queued. */
  private settledContribution(call: ServiceLevelFields): ServiceLevelCounts {
    if (call.state === 'queued') return EMPTY_SERVICE_LEVEL;
    // `now` does not matter for a call that is not queued.
    return serviceLevelContribution(call, call.offeredAt, this.serviceLevelThresholdMs);
  }

  private day(offeredAt: number): DayCounts {
    const key = startOfDay(offeredAt);
    let counts = this.days.get(key);
    if (!counts) {
      counts = { offered: 0, settled: EMPTY_SERVICE_LEVEL };
      this.days.set(key, counts);
    }
    return counts;
  }
}

function subtract(a: ServiceLevelCounts, b: ServiceLevelCounts): ServiceLevelCounts {
  return {
    offered: a.offered - b.offered,
    answeredWithinThreshold: a.answeredWithinThreshold - b.answeredWithinThreshold,
    answered: a.answered - b.answered,
    abandoned: a.abandoned - b.abandoned,
  };
}

export function statsEqual(a: WallboardStats, b: WallboardStats): boolean {
  return (
    a.inProgress === b.inProgress &&
    a.waiting === b.waiting &&
    a.oldestWaitingSince === b.oldestWaitingSince &&
    a.abandonedToday === b.abandonedToday &&
    a.offeredToday === b.offeredToday &&
    a.serviceLevel.offered === b.serviceLevel.offered &&
    a.serviceLevel.answered === b.serviceLevel.answered &&
    a.serviceLevel.answeredWithinThreshold === b.serviceLevel.answeredWithinThreshold &&
    a.serviceLevel.abandoned === b.serviceLevel.abandoned
  );
}
