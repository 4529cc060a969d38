import { describe, expect, it } from 'vitest';
import { keywordHits, nextHit } from './keywordHits.js';

const lines = [
  { startMs: 0, text: 'Здравствуйте, служба поддержки.' },
  { startMs: 3_000, text: 'У меня не работает роуминг в Польше.' },
  { startMs: 8_000, text: 'Сейчас подключу РОУМИНГ заново.' },
  { startMs: 12_000, text: 'Ещё вопрос про тариф «Безлимит».' },
];

describe('keyword hits in a transcript', () => {
  it('finds words by the search rules: case, ё, prefixes and phrases', () => {
    const prefix = keywordHits(lines, 'роум*');
    expect(prefix.terms).toEqual(['роум*']);
    expect(prefix.lines).toEqual([1, 2]);
    const [range] = prefix.ranges.get(2) ?? [];
    expect(lines[2]?.text.slice(range?.start, range?.end)).toBe('РОУМИНГ');

    expect(keywordHits(lines, 'еще').lines).toEqual([3]);
    expect(keywordHits(lines, '"не работает"').lines).toEqual([1]);
    expect(keywordHits(lines, '"работает не"').lines).toEqual([]);
    // Any term marks its line; search syntax that is not words finds nothing and breaks nothing.
    expect(keywordHits(lines, 'тариф поддержки').lines).toEqual([0, 3]);
    expect(keywordHits(lines, 'NEAR( ) * "').lines).toEqual([]);
    expect(keywordHits(lines, '   ').terms).toEqual([]);
  });

  it('steps to the next and previous hit from the playhead, wrapping round', () => {
    const hits = [1, 2, 3];
    expect(nextHit(lines, hits, 0, 1)).toBe(1);
    expect(nextHit(lines, hits, 3_000, 1)).toBe(2);
    expect(nextHit(lines, hits, 12_000, 1)).toBe(1);
    expect(nextHit(lines, hits, 8_000, -1)).toBe(1);
    expect(nextHit(lines, hits, 1_000, -1)).toBe(3);
    expect(nextHit(lines, [], 1_000, 1)).toBeNull();
  });
});
