import { describe, expect, it } from 'vitest';
import { screenshotMetaFixture } from '../lib/screenshotMeta.fixture.js';
import { stripItems } from './Filmstrip.js';
import { laneTicksPath } from './ScreenLane.js';

const START = 1_700_000_000_000;
const meta = (id: string, offsetMs: number) => screenshotMetaFixture(id, START + offsetMs);

describe('stripItems', () => {
  it('puts each gap before the first screenshot after it, and trailing gaps last', () => {
    const screens = [meta('s1', 20_000), meta('s2', 22_000), meta('s3', 60_000)];
    const gaps = [
      { startMs: 0, endMs: 20_000 },
      { startMs: 22_000, endMs: 60_000 },
      { startMs: 60_000, endMs: 90_000 },
    ];
    const items = stripItems(screens, gaps, START, 90_000);
    expect(items.map((item) => (item.kind === 'shot' ? item.meta.id : `gap@${item.gap.startMs}`))).toEqual([
      'gap@0',
      's1',
      's2',
      'gap@22000',
      's3',
      'gap@60000',
    ]);
    expect(items.filter((item) => item.kind === 'shot').map((item) => [item.screenIndex, item.atMs])).toEqual([
      [0, 20_000],
      [1, 22_000],
      [2, 60_000],
    ]);
  });
});

describe('laneTicksPath', () => {
  it('draws one tick per screenshot at its offset, clamped to the recording', () => {
    expect(laneTicksPath([meta('a', -500), meta('b', 2_000), meta('c', 99_000)], START, 60_000)).toBe(
      'M0 0V1M2000 0V1M60000 0V1',
    );
    expect(laneTicksPath([], START, 60_000)).toBe('');
  });
});
