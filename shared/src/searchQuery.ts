import { type WordSpan, wordSpans } from './searchText.js';

/**
 * The search box's language, and nothing more: words, "exact phrases" and prefix* (a star right after a
 * word), all of which must occur in one transcript line. Everything else is text: NEAR, AND, OR, NOT are
 * searched as the words they are; parentheses, column filters (`text:`), SQL, a quote left open, a lone
 * star, control characters are read as the words in them or dropped. The engines only ever receive a
 * query built here from folded tokens (letters and digits), each one quoted.
 */

/** A word (one token), or a phrase (tokens in a row); `prefix`: the last token matches any word it begins. */
export interface SearchTerm {
  tokens: string[];
  prefix: boolean;
}

export interface ParsedSearch {
  terms: SearchTerm[];
  /** The terms as the page shows them: `word`, `prefix*`, `"a phrase"`. */
  display: string[];
}

/** More terms than this are dropped (a line that matches 12 conditions at once is already found). */
export const SEARCH_MAX_TERMS = 12;
export const SEARCH_PHRASE_MAX_TOKENS = 16;
/** A prefix shorter than this is searched as a whole word: «п*» would visit every word the index holds. */
export const SEARCH_PREFIX_MIN_CHARS = 2;

/** Control and format characters (zero-width spaces, direction marks, soft hyphens): read as spaces. */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
/**
 * Unquoted text falls into chunks at spaces and at any character that does not join words (brackets,
 * commas, colons, operators): «какой-то», «Wi-Fi», «1.5» stay one chunk, read as a phrase; «NEAR(тариф»
 * is two words.
 */
const CHUNK_SEPARATOR = /[^\p{L}\p{N}\p{M}'’ʼ`ʹ\-‐‑.*]+/u;
/** A chunk ends in a star right after a letter, digit or mark: a prefix. */
const PREFIX_END = /[\p{L}\p{N}\p{M}]\*+$/u;

export function parseSearchQuery(input: string): ParsedSearch {
  const text = input.replace(CONTROL, ' ');
  const terms: SearchTerm[] = [];
  const seen = new Set<string>();
  const add = (chunk: string) => {
    const tokens = wordSpans(chunk)
      .map((span) => span.token)
      .slice(0, SEARCH_PHRASE_MAX_TOKENS);
    const last = tokens.at(-1);
    if (last === undefined || terms.length >= SEARCH_MAX_TERMS) return;
    const prefix = PREFIX_END.test(chunk.trimEnd()) && [...last].length >= SEARCH_PREFIX_MIN_CHARS;
    const key = `${prefix ? '*' : ''}${tokens.join(' ')}`;
    if (seen.has(key)) return;
    seen.add(key);
    terms.push({ tokens, prefix });
  };

  let rest = text;
  while (rest.length > 0) {
    const open = rest.indexOf('"');
    const close = open < 0 ? -1 : rest.indexOf('"', open + 1);
    // Without a closing quote the rest is plain words: the lone quote is dropped.
    const plain = close < 0 ? rest.replaceAll('"', ' ') : rest.slice(0, open);
    for (const chunk of plain.split(CHUNK_SEPARATOR)) add(chunk);
    if (close < 0) break;
    add(rest.slice(open + 1, close));
    rest = rest.slice(close + 1);
  }
  return { terms, display: terms.map(displayTerm) };
}

function displayTerm(term: SearchTerm): string {
  const words = term.tokens.join(' ');
  const star = term.prefix ? '*' : '';
  return term.tokens.length > 1 ? `"${words}${star}"` : `${words}${star}`;
}

/** How many words from `index` on the term matches (0: no match). */
export function termMatchLength(spans: readonly WordSpan[], index: number, term: SearchTerm): number {
  const { tokens, prefix } = term;
  if (index + tokens.length > spans.length) return 0;
  for (let k = 0; k < tokens.length; k++) {
    const token = spans[index + k]?.token ?? '';
    const wanted = tokens[k] ?? '';
    const isLast = k === tokens.length - 1;
    if (isLast && prefix ? !token.startsWith(wanted) : token !== wanted) return 0;
  }
  return tokens.length;
}

/**
 * Where the terms occur in `text`, as character ranges (a phrase is one range), by the same tokens as the
 * index: what the server's snippets mark and what the review page highlights in a call's transcript.
 */
export function matchRanges(text: string, terms: readonly SearchTerm[]): { start: number; end: number }[] {
  const spans = wordSpans(text);
  const marks: { start: number; end: number }[] = [];
  if (terms.length === 0) return marks;
  for (let i = 0; i < spans.length; i++) {
    let longest = 0;
    for (const term of terms) longest = Math.max(longest, termMatchLength(spans, i, term));
    if (longest === 0) continue;
    const first = spans[i] as WordSpan;
    const last = spans[i + longest - 1] as WordSpan;
    marks.push({ start: first.start, end: last.end });
    i += longest - 1;
  }
  return marks;
}
