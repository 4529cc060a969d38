import { describe, expect, it } from 'vitest';
import { CaptureScheduler, CHANGE_THRESHOLD } from './captureScheduler.js';

const INTERVAL_MS = 2_000;

describe('CaptureScheduler', () => {
  it('takes nothing while the agent is idle, however much the screen changes', () => {
    const scheduler = new CaptureScheduler();
    for (let now = 0; now < 10_000; now += 500) {
      expect(scheduler.check({ callId: null, now, intervalMs: INTERVAL_MS, changeScore: 200 })).toBeNull();
    }
  });

  it('takes a frame at once when a call starts, then every interval', () => {
    const scheduler = new CaptureScheduler();
    const taken: [number, string][] = [];
    for (let now = 0; now <= 6_000; now += 500) {
      const reason = scheduler.check({ callId: 'c1', now, intervalMs: INTERVAL_MS, changeScore: 0 });
      if (reason) taken.push([now, reason]);
    }
    expect(taken).toEqual([
      [0, 'call_started'],
      [2_000, 'interval'],
      [4_000, 'interval'],
      [6_000, 'interval'],
    ]);
  });

  it('takes a frame at once when the screen changed noticeably, and the interval restarts from it', () => {
    const scheduler = new CaptureScheduler();
    scheduler.check({ callId: 'c1', now: 0, intervalMs: INTERVAL_MS, changeScore: null });
    expect(
      scheduler.check({ callId: 'c1', now: 500, intervalMs: INTERVAL_MS, changeScore: CHANGE_THRESHOLD - 1 }),
    ).toBeNull();
    expect(scheduler.check({ callId: 'c1', now: 1_000, intervalMs: INTERVAL_MS, changeScore: CHANGE_THRESHOLD })).toBe(
      'changed',
    );
    expect(scheduler.check({ callId: 'c1', now: 2_000, intervalMs: INTERVAL_MS, changeScore: 0 })).toBeNull();
    expect(scheduler.check({ callId: 'c1', now: 3_000, intervalMs: INTERVAL_MS, changeScore: 0 })).toBe('interval');
  });

  it('stops when the call ends and starts afresh on the next call', () => {
    const scheduler = new CaptureScheduler();
    expect(scheduler.check({ callId: 'c1', now: 0, intervalMs: INTERVAL_MS, changeScore: 0 })).toBe('call_started');
    expect(scheduler.check({ callId: null, now: 2_500, intervalMs: INTERVAL_MS, changeScore: 0 })).toBeNull();
    expect(scheduler.check({ callId: 'c2', now: 2_600, intervalMs: INTERVAL_MS, changeScore: 0 })).toBe('call_started');
  });

  it('starts afresh when the agent moves straight to another call', () => {
    const scheduler = new CaptureScheduler();
    scheduler.check({ callId: 'c1', now: 0, intervalMs: INTERVAL_MS, changeScore: 0 });
    expect(scheduler.check({ callId: 'c2', now: 500, intervalMs: INTERVAL_MS, changeScore: 0 })).toBe('call_started');
  });

  it('follows an interval the server changed', () => {
    const scheduler = new CaptureScheduler();
    scheduler.check({ callId: 'c1', now: 0, intervalMs: 5_000, changeScore: 0 });
    expect(scheduler.check({ callId: 'c1', now: 2_000, intervalMs: 5_000, changeScore: 0 })).toBeNull();
    expect(scheduler.check({ callId: 'c1', now: 5_000, intervalMs: 5_000, changeScore: 0 })).toBe('interval');
  });
});
