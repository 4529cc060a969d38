import {
  type Call,
  classifyDuration,
  queueWaitMs,
  type Severity,
  talkTimeMs,
  type WallboardSettings,
} from '@earshot/shared';

/**
 * A queued caller turns amber at two thirds of the service-level threshold (2 of 3 minutes: still time to
 * answer within the rule) and red once the threshold has passed (the call already misses the 90% rule).
 */
export const QUEUE_WAIT_AMBER_SHARE = 2 / 3;

/**
 * How urgent a tile looks. Answered calls: talk time against the long-call thresholds from the settings.
 * Queued calls: queue wait against the service-level threshold.
 */
export function tileSeverity(call: Call, now: number, settings: WallboardSettings): Severity {
  if (call.state === 'queued') {
    const thresholdMs = settings.serviceLevelThresholdMs;
    return classifyDuration(queueWaitMs(call, now), thresholdMs * QUEUE_WAIT_AMBER_SHARE, thresholdMs);
  }
  return classifyDuration(talkTimeMs(call, now), settings.longCallAmberMs, settings.longCallRedMs);
}
