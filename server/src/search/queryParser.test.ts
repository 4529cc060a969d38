import { parseSearchQuery, SEARCH_MAX_TERMS } from '@earshot/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFts5Match, toTsQuery } from './queryParser.js';

describe('search query parser', () => {
  it('reads words, "exact phrases" and prefix*', () => {
    const parsed = parseSearchQuery('Тариф "не могу подключить" роум*');
    expect(parsed.terms).toEqual([
      { tokens: ['тариф'], prefix: false },
      { tokens: ['не', 'могу', 'подключить'], prefix: false },
      { tokens: ['роум'], prefix: true },
    ]);
    expect(parsed.display).toEqual(['тариф', '"не могу подключить"', 'роум*']);
  });

  it('reads a hyphenated word as a phrase and a star at its end as a prefix of the last word', () => {
    expect(parseSearchQuery('какой-то*').terms).toEqual([{ tokens: ['какой', 'то'], prefix: true }]);
    expect(parseSearchQuery('"у меня не раб*"').terms).toEqual([{ tokens: ['у', 'меня', 'не', 'раб'], prefix: true }]);
  });

  it('reads search-engine syntax as plain words', () => {
    expect(parseSearchQuery('тариф NEAR(роуминг, 3) OR NOT "x').display).toEqual([
      'тариф',
      'near',
      'роуминг',
      '3',
      'or',
      'not',
      'x',
    ]);
    expect(parseSearchQuery("text:тариф'; DROP TABLE calls; --").display).toEqual([
      'text',
      'тариф',
      'drop',
      'table',
      'calls',
    ]);
    expect(parseSearchQuery('* ** ( ) "" " " ^ - + :').terms).toEqual([]);
    expect(parseSearchQuery('а* я*').terms).toEqual([
      { tokens: ['а'], prefix: false },
      { tokens: ['я'], prefix: false },
    ]);
    expect(parseSearchQuery('ta*ble').terms).toEqual([{ tokens: ['ta', 'ble'], prefix: false }]);
  });

  it('drops control characters, repeats, and terms past the limit', () => {
    expect(parseSearchQuery('та\u0000риф\u200b\u0007 тариф ТАРИФ').display).toEqual(['та', 'риф', 'тариф']);
    const many = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    expect(parseSearchQuery(many).terms).toHaveLength(SEARCH_MAX_TERMS);
  });

  it('builds engine queries of quoted tokens only', () => {
    const { terms } = parseSearchQuery('тариф "не могу" роум*');
    expect(toFts5Match(terms)).toBe('"тариф" AND "не могу" AND "роум" *');
    expect(toTsQuery(terms)).toBe("('тариф') & ('не' <-> 'могу') & ('роум':*)");
  });

  it('never hands the engines anything but quoted letters and digits, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (input) => {
        const { terms } = parseSearchQuery(input);
        for (const term of terms) {
          expect(term.tokens.length).toBeGreaterThan(0);
          for (const token of term.tokens) expect(token).toMatch(/^[\p{L}\p{N}]+$/u);
        }
        const fts = toFts5Match(terms);
        // Outside the quoted strings only AND and stars.
        expect(fts.replace(/"[^"]*"/g, '')).toMatch(/^( \*)?( AND ( \*)?)*( \*)?$|^$/);
      }),
      { numRuns: 500 },
    );
  });
});
