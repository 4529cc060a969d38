import { parseSearchQuery } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { buildSnippet, SNIPPET_MAX_CHARS } from './snippet.js';

const snippet = (text: string, q: string) => buildSnippet(text, parseSearchQuery(q).terms);

describe('snippets', () => {
  it('marks words whatever their case, phrases as one, prefixes whole', () => {
    expect(snippet('Тариф не подходит, ТАРИФ дорогой', 'тариф')).toBe('«Тариф» не подходит, «ТАРИФ» дорогой');
    expect(snippet('Я не могу подключить роуминг', '"не могу" роум*')).toBe('Я «не могу» подключить «роуминг»');
    expect(snippet('Ёлка и елка', 'елка')).toBe('«Ёлка» и «елка»');
    expect(snippet("Ваша пам'ять", 'память')).toBe("Ваша «пам'ять»");
  });

  it("turns the line's own guillemets into quotes so « » only mark matches", () => {
    expect(snippet('Тариф «Безлимит» подключен', 'подключен')).toBe('Тариф “Безлимит” «подключен»');
  });

  it('cuts a long line around the first match', () => {
    const text = `${'слово '.repeat(60)}нужное ${'хвост '.repeat(60)}`.trim();
    const out = snippet(text, 'нужное');
    expect(out).toContain('«нужное»');
    expect(out.startsWith('…')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
    expect(out.length).toBeLessThan(SNIPPET_MAX_CHARS + 40);
  });
});
