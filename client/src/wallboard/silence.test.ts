import { DEAD_AIR_THRESHOLD_MS, SILENCE_BADGE_MIN_MS } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import {
  classifyDeadAir,
  deadAirAlertText,
  describeSilence,
  formatSilence,
  formatSilenceLength,
  liveSilenceView,
  silenceBadgeText,
} from './silence.js';
import { makeCall, T0 } from './testCalls.js';

const silentSince = T0 + 60_000;
const silentCall = (screenChanges = 0, screenSeen = false) =>
  makeCall({ id: 'c1', silence: { silentSince, screenChanges, screenSeen } });

describe('live silence', () => {
  it('shows nothing without a silence, and nothing for a breath under the badge minimum', () => {
    expect(liveSilenceView(makeCall({ id: 'c1' }), silentSince + 30_000, DEAD_AIR_THRESHOLD_MS)).toBeNull();
    expect(liveSilenceView(silentCall(), silentSince + SILENCE_BADGE_MIN_MS - 1, DEAD_AIR_THRESHOLD_MS)).toBeNull();
    expect(liveSilenceView(silentCall(), silentSince + SILENCE_BADGE_MIN_MS, DEAD_AIR_THRESHOLD_MS)).toEqual({
      silentMs: SILENCE_BADGE_MIN_MS,
      deadAir: null,
    });
  });

  it('raises dead air exactly at the threshold in force', () => {
    const call = silentCall(0, true);
    expect(liveSilenceView(call, silentSince + 9_999, 10_000)?.deadAir).toBeNull();
    expect(liveSilenceView(call, silentSince + 10_000, 10_000)?.deadAir).toBe('stuck');
    // An admin raised the threshold: the same silence is a plain silence again.
    expect(liveSilenceView(call, silentSince + 10_000, 20_000)?.deadAir).toBeNull();
  });

  it('never shows a silence on hold, in the queue or after the end, whatever the call carries', () => {
    for (const state of ['hold', 'queued', 'ended'] as const) {
      const call = { ...silentCall(0, true), state };
      expect(liveSilenceView(call, silentSince + 60_000, DEAD_AIR_THRESHOLD_MS)).toBeNull();
    }
  });

  it('counts from the silence start even when the clock is behind it', () => {
    expect(liveSilenceView(silentCall(), silentSince - 5_000, DEAD_AIR_THRESHOLD_MS)).toBeNull();
  });
});

describe('dead-air classification', () => {
  it('tells working from stuck from no screenshots', () => {
    expect(classifyDeadAir({ screenChanges: 2, screenSeen: true })).toBe('working');
    expect(classifyDeadAir({ screenChanges: 0, screenSeen: true })).toBe('stuck');
    expect(classifyDeadAir({ screenChanges: 0, screenSeen: false })).toBe('unknown');
    // A change implies a screenshot was seen, whatever the flag says.
    expect(classifyDeadAir({ screenChanges: 1, screenSeen: false })).toBe('working');
  });
});

describe('badge and alert text', () => {
  it('formats the length in seconds, then minutes', () => {
    expect(formatSilence(0)).toBe('0 s');
    expect(formatSilence(7_900)).toBe('7 s');
    expect(formatSilence(59_999)).toBe('59 s');
    expect(formatSilence(60_000)).toBe('1:00');
    expect(formatSilence(65_000)).toBe('1:05');
    expect(formatSilence(3_725_000)).toBe('62:05');
    expect(formatSilence(-1)).toBe('0 s');
    expect(formatSilenceLength(1_940)).toBe('1.9 s');
    expect(formatSilenceLength(9_960)).toBe('10.0 s');
    expect(formatSilenceLength(12_500)).toBe('12 s');
    expect(formatSilenceLength(75_000)).toBe('1:15');
  });

  it('says silent below the threshold and dead air from it, in words', () => {
    expect(silenceBadgeText({ silentMs: 7_000, deadAir: null })).toBe('silent 7 s');
    expect(silenceBadgeText({ silentMs: 14_000, deadAir: 'stuck' })).toBe('14 s');
    expect(deadAirAlertText('stuck')).toBe('Dead air · stuck');
    expect(deadAirAlertText('working')).toBe('Dead air · working');
    expect(deadAirAlertText('unknown')).toBe('Dead air');
  });

  it('describes the silence for screen readers', () => {
    expect(describeSilence({ silentMs: 3_000, deadAir: null })).toBe('silent for 3 s');
    expect(describeSilence({ silentMs: 12_000, deadAir: 'stuck' })).toBe(
      "dead air for 12 s, stuck: the agent's screen stood still during the silence",
    );
    expect(describeSilence({ silentMs: 12_000, deadAir: 'unknown' })).toBe(
      'dead air for 12 s: no screenshots came during the silence',
    );
  });
});
