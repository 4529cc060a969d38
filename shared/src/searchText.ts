/**
 * How text becomes search tokens, one definition for the index, the query and the snippet: words are runs
 * of letters and digits (an apostrophe inside a word, as in Ukrainian «пам'ять» or Belarusian «сям'я», joins
 * it), folded the same way everywhere so that SQLite FTS5 and PostgreSQL full text see identical tokens
 * whatever their own tokenizer or the database's locale would do:
 * - Unicode NFC, then lower case (Cyrillic, Latin and the rest; `toLowerCase` is locale-independent);
 * - «ё» is searched as «е» (Russian and Belarusian texts write either);
 * - diacritics on Latin letters are dropped (café → cafe); Cyrillic letters are never decomposed, so
 *   й, ї, ў, ґ, є stay themselves (й ≠ и, ї ≠ і);
 * - combining marks left over (stress accents) and apostrophes are dropped; a token longer than
 *   SEARCH_TOKEN_MAX_CHARS is cut there (PostgreSQL refuses lexemes past 2 kB; nobody searches such words).
 */

export const SEARCH_TOKEN_MAX_CHARS = 64;

/** A word in the original text: where it is and the token it is searched as. */
export interface WordSpan {
  start: number;
  end: number;
  token: string;
}

/** A word starts with a letter or digit; marks and apostrophes followed by a letter or digit continue it. */
const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}]|['’ʼ`ʹ](?=[\p{L}\p{N}]))*/gu;
const MARKS = /\p{M}/gu;
const APOSTROPHES = /['’ʼ`ʹ]/g;

/** The token a word is searched as (empty when nothing searchable is left). */
export function foldToken(word: string): string {
  const folded = word
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    // Decomposing is safe only for Latin letters: NFD of «й» would turn it into «и» + breve.
    .replace(/\p{Script=Latin}/gu, (letter) => (letter.charCodeAt(0) < 0x80 ? letter : letter.normalize('NFD')))
    .replace(MARKS, '')
    .replace(APOSTROPHES, '');
  return [...folded].slice(0, SEARCH_TOKEN_MAX_CHARS).join('');
}

/** Every word of `text` with its position and token, in order. */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(WORD)) {
    const token = foldToken(match[0]);
    if (token.length === 0) continue;
    spans.push({ start: match.index, end: match.index + match[0].length, token });
  }
  return spans;
}

export function searchTokens(text: string): string[] {
  return wordSpans(text).map((span) => span.token);
}

/**
 * The text the engines index: the tokens, space-separated. Both FTS5's unicode61 tokenizer and
 * PostgreSQL's parser split it back into exactly these tokens, so positions (phrases) agree with the query.
 */
export function indexText(text: string): string {
  return searchTokens(text).join(' ');
}
