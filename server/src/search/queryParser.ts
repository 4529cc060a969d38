import type { SearchTerm } from '@earshot/shared';

/**
 * SQLite FTS5 MATCH text: every term a double-quoted string (a phrase when it holds several tokens, a
 * prefix with `*` after it), joined by AND. Tokens are letters and digits only; quotes are doubled anyway.
 */
export function toFts5Match(terms: readonly SearchTerm[]): string {
  return terms
    .map((term) => `"${term.tokens.join(' ').replaceAll('"', '""')}"${term.prefix ? ' *' : ''}`)
    .join(' AND ');
}

/**
 * PostgreSQL tsquery text for `to_tsquery('simple', …)`: quoted lexemes, `<->` between the words of a
 * phrase, `:*` on a prefix, `&` between terms.
 */
export function toTsQuery(terms: readonly SearchTerm[]): string {
  return terms
    .map((term) => {
      const lexemes = term.tokens.map((token, index) => {
        const quoted = `'${token.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
        return term.prefix && index === term.tokens.length - 1 ? `${quoted}:*` : quoted;
      });
      return `(${lexemes.join(' <-> ')})`;
    })
    .join(' & ');
}
