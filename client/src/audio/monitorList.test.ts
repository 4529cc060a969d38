import type { Monitor } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { peakToDb, peakToMeterPercent } from './levels.js';
import { firstName, sortMonitors, tileMonitorChips } from './monitorList.js';

const monitor = (userId: string, mode: Monitor['mode'], since: number): Monitor => ({
  userId,
  displayName: `${userId} Surname`,
  mode,
  since,
});

describe('monitor chips', () => {
  it('puts barge first, then whisper, then listen, earliest first', () => {
    const sorted = sortMonitors([
      monitor('a', 'listen', 1),
      monitor('b', 'barge', 5),
      monitor('c', 'whisper', 3),
      monitor('d', 'listen', 0),
    ]);
    expect(sorted.map((m) => m.userId)).toEqual(['b', 'c', 'd', 'a']);
  });

  it('shows at most two chips, the second giving way to "+N"', () => {
    expect(tileMonitorChips([monitor('a', 'listen', 1), monitor('b', 'listen', 2)], 2)).toMatchObject({ more: 0 });
    const many = tileMonitorChips([monitor('a', 'listen', 1), monitor('b', 'listen', 2), monitor('c', 'barge', 3)], 2);
    expect(many.shown.map((m) => m.userId)).toEqual(['c']);
    expect(many.more).toBe(2);
  });

  it('uses the first name', () => {
    expect(firstName('  Olga Petrova ')).toBe('Olga');
    expect(firstName('Cher')).toBe('Cher');
  });
});

describe('level meter scale', () => {
  it('maps peaks to −60..0 dBFS and 0..100 %', () => {
    expect(peakToDb(1)).toBe(0);
    expect(peakToDb(0)).toBe(-60);
    expect(peakToDb(0.1)).toBeCloseTo(-20, 5);
    expect(peakToMeterPercent(0.1)).toBe(67);
    expect(peakToMeterPercent(0)).toBe(0);
    expect(peakToMeterPercent(2)).toBe(100);
  });
});
