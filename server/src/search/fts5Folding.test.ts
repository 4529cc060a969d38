import { indexText, searchTokens } from '@earshot/shared';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

/**
 * The engine's own folding, checked apart from ours: FTS5's unicode61 tokenizer (as the migration configures
 * it) folds the case of Cyrillic letters itself, Ukrainian and Belarusian ones included, so even text that
 * missed our folding would be found. And the text we index reads back as exactly our tokens.
 */
describe('SQLite FTS5 unicode61', () => {
  const db = new Database(':memory:');
  db.exec(`create virtual table t using fts5(body, tokenize = 'unicode61 remove_diacritics 0')`);
  const found = (body: string, query: string) => {
    db.exec('delete from t');
    db.prepare('insert into t (body) values (?)').run(body);
    return db.prepare('select count(*) as n from t where t match ?').get(query) as { n: number };
  };

  it('folds Russian, Ukrainian and Belarusian capitals to lower case itself', () => {
    for (const [upper, lower] of [
      ['ПРИВЕТ', 'привет'],
      ['ЁЖИК', 'ёжик'],
      ['ІНШИЙ', 'інший'],
      ['ЇЖАК', 'їжак'],
      ['ЄВРО', 'євро'],
      ['ҐАНОК', 'ґанок'],
      ['ЎСЁ', 'ўсё'],
      ['CAFÉ', 'café'],
    ] as const) {
      expect(found(upper, `"${lower}"`), upper).toEqual({ n: 1 });
      expect(found(lower, `"${upper}"`), lower).toEqual({ n: 1 });
    }
  });

  it('keeps й, ї, ў apart from и, і, у (no diacritics removed from Cyrillic)', () => {
    expect(found('йод', '"иод"')).toEqual({ n: 0 });
    expect(found('їжак', '"іжак"')).toEqual({ n: 0 });
    expect(found('ўсё', '"усё"')).toEqual({ n: 0 });
  });

  it('splits our index text back into exactly our tokens', () => {
    db.exec(`create virtual table v using fts5vocab(t, 'instance')`);
    const text = "Пам'ять, ЁЛКА-палка: Wi-Fi 100МБ café ÏŽ ½ ²";
    db.exec('delete from t');
    db.prepare('insert into t (body) values (?)').run(indexText(text));
    const terms = (db.prepare('select term from v order by offset').all() as { term: string }[]).map((r) => r.term);
    expect(terms).toEqual(searchTokens(text));
  });
});
