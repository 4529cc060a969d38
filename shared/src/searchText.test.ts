import { describe, expect, it } from 'vitest';
import { foldToken, indexText, SEARCH_TOKEN_MAX_CHARS, searchTokens, wordSpans } from './searchText.js';

describe('search tokens', () => {
  it('folds Cyrillic case in Russian, Ukrainian and Belarusian, keeping their own letters apart', () => {
    expect(searchTokens('ПРИВЕТ Привет привет')).toEqual(['привет', 'привет', 'привет']);
    expect(searchTokens('ЇЖАК Ґанок ЄВРО ІНШИЙ')).toEqual(['їжак', 'ганок'.replace('г', 'ґ'), 'євро', 'інший']);
    expect(searchTokens('ЎСЁ Ўсё')).toEqual(['ўсе', 'ўсе']);
    // Letters with a breve or diaeresis are letters of their own in Cyrillic, not decorated ones.
    expect(foldToken('й')).toBe('й');
    expect(foldToken('ї')).toBe('ї');
    expect(foldToken('ў')).toBe('ў');
    expect(foldToken('Й')).toBe('й');
  });

  it('searches ё as е, and folds decomposed input to the same token', () => {
    expect(foldToken('Ёлка')).toBe('елка');
    expect(foldToken('еще')).toBe(foldToken('ещё'));
    expect(foldToken('и\u0306од')).toBe('йод');
  });

  it('drops Latin diacritics and stress marks, and folds Latin case', () => {
    expect(searchTokens('Café RÉSUMÉ Straße')).toEqual(['cafe', 'resume', 'straße']);
    expect(foldToken('зво\u0301нит')).toBe('звонит');
  });

  it('keeps a word with an apostrophe whole', () => {
    expect(searchTokens("пам'ять пам’ять памʼять сям'я")).toEqual(['память', 'память', 'память', 'сямя']);
    expect(searchTokens("'цитата' l'amour")).toEqual(['цитата', 'lamour']);
  });

  it('splits on punctuation, hyphens and spaces; digits are words', () => {
    expect(searchTokens('какой-то тариф, 100 МБ! *7777 0890')).toEqual([
      'какой',
      'то',
      'тариф',
      '100',
      'мб',
      '7777',
      '0890',
    ]);
    expect(indexText('  Добрый день!  ')).toBe('добрый день');
  });

  it('gives each word its place in the original text', () => {
    const text = 'Да, ТАРИФ «Безлимит».';
    expect(wordSpans(text).map((s) => text.slice(s.start, s.end))).toEqual(['Да', 'ТАРИФ', 'Безлимит']);
  });

  it('cuts very long words', () => {
    expect([...foldToken('я'.repeat(500))]).toHaveLength(SEARCH_TOKEN_MAX_CHARS);
  });
});
