import type { Call } from './calls.js';
import { DEAD_AIR_THRESHOLD_MS } from './speech.js';

/** The regulator's rule (product brief): 90% of callers answered within three minutes. */
export const SERVICE_LEVEL_THRESHOLD_MS = 180_000;
export const SERVICE_LEVEL_TARGET_PCT = 90;

/** Talk time past which a tile turns amber, then red (defaults; the server's settings may override). */
export const LONG_CALL_AMBER_MS = 8 * 60_000;
export const LONG_CALL_RED_MS = 15 * 60_000;

export interface WallboardSettings {
  longCallAmberMs: number;
  longCallRedMs: number;
  serviceLevelThresholdMs: number;
  serviceLevelTargetPct: number;
  /** A silence this long raises the dead-air alert on the tile (speech analytics; an admin setting). */
  deadAirThresholdMs: number;
}

export const DEFAULT_WALLBOARD_SETTINGS: WallboardSettings = {
  longCallAmberMs: LONG_CALL_AMBER_MS,
  longCallRedMs: LONG_CALL_RED_MS,
  serviceLevelThresholdMs: SERVICE_LEVEL_THRESHOLD_MS,
  serviceLevelTargetPct: SERVICE_LEVEL_TARGET_PCT,
  deadAirThresholdMs: DEAD_AIR_THRESHOLD_MS,
};

export type Severity = 'normal' | 'amber' | 'red';

/** Classifies a duration against two thresholds: below amber is normal, from amber amber, from red red. */
export function classifyDuration(ms: number, amberMs: number, redMs: number): Severity {
  if (ms >= redMs) return 'red';
  if (ms >= amberMs) return 'amber';
  return 'normal';
}

/**
 * Service-level counts. The share is `answeredWithinThreshold / offered` where `offered` counts the calls
 * whose fate is known for the rule: answered (in time or late), abandoned in the queue, or still waiting
 * past the threshold (already missed). A call still waiting inside the threshold is not yet counted either way.
 */
export interface ServiceLevelCounts {
  offered: number;
  answeredWithinThreshold: number;
  answered: number;
  abandoned: number;
}

export const EMPTY_SERVICE_LEVEL: ServiceLevelCounts = {
  offered: 0,
  answeredWithinThreshold: 0,
  answered: 0,
  abandoned: 0,
};

/** How one call counts toward the service level at `now`; exactly one of the outcomes, or none yet. */
export function serviceLevelContribution(
  call: Pick<Call, 'offeredAt' | 'answeredAt' | 'endReason' | 'state'>,
  now: number,
  thresholdMs: number,
): ServiceLevelCounts {
  if (call.answeredAt !== null) {
    const inTime = call.answeredAt - call.offeredAt <= thresholdMs;
    return { offered: 1, answered: 1, answeredWithinThreshold: inTime ? 1 : 0, abandoned: 0 };
  }
  if (call.endReason === 'abandoned') return { offered: 1, answered: 0, answeredWithinThreshold: 0, abandoned: 1 };
  if (call.state === 'queued' && now - call.offeredAt > thresholdMs) {
    return { offered: 1, answered: 0, answeredWithinThreshold: 0, abandoned: 0 };
  }
  // Waiting inside the threshold, or closed by a restart before any answer: not counted.
  return EMPTY_SERVICE_LEVEL;
}

export function addServiceLevel(a: ServiceLevelCounts, b: ServiceLevelCounts): ServiceLevelCounts {
  return {
    offered: a.offered + b.offered,
    answeredWithinThreshold: a.answeredWithinThreshold + b.answeredWithinThreshold,
    answered: a.answered + b.answered,
    abandoned: a.abandoned + b.abandoned,
  };
}

/** Service level in percent, or null when no call counts yet (an empty morning is not 0%). */
export function serviceLevelPct(counts: ServiceLevelCounts): number | null {
  if (counts.offered === 0) return null;
  return (100 * counts.answeredWithinThreshold) / counts.offered;
}

/** Local midnight of the day containing `now`, in the server's time zone: "today" for the wallboard. */
export function startOfDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
