import { matchRanges, type SearchTerm } from '@earshot/shared';

/** A snippet is at most about this long: the line around its first match. */
export const SNIPPET_MAX_CHARS = 240;
/** Context kept before the first match when the line is cut. */
const SNIPPET_LEAD_CHARS = 60;

export const MATCH_OPEN = '«';
export const MATCH_CLOSE = '»';

/**
 * The line with every match of the terms between « and » (a phrase as one mark), cut to about
 * SNIPPET_MAX_CHARS around the first match. Computed for the returned rows only, with the same tokens as
 * the index, so it marks what the engine matched on either store.
 */
export function buildSnippet(text: string, terms: readonly SearchTerm[]): string {
  const marks = matchRanges(text, terms);

  let from = 0;
  let to = text.length;
  if (text.length > SNIPPET_MAX_CHARS) {
    const firstMark = marks[0]?.start ?? 0;
    from = Math.max(0, Math.min(firstMark - SNIPPET_LEAD_CHARS, text.length - SNIPPET_MAX_CHARS));
    // Cut at word boundaries where there is one near.
    const space = text.lastIndexOf(' ', from);
    if (from > 0 && space > 0 && from - space < 20) from = space + 1;
    to = Math.min(text.length, from + SNIPPET_MAX_CHARS);
    const end = text.indexOf(' ', to);
    if (to < text.length && end > 0 && end - to < 20) to = end;
  }

  // In a snippet « and » only ever mark matches: the line's own guillemets become “ ”.
  const piece = (start: number, end: number) => text.slice(start, end).replaceAll('«', '“').replaceAll('»', '”');
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const mark of marks) {
    if (mark.end <= from || mark.start >= to) continue;
    const start = Math.max(mark.start, from);
    const end = Math.min(mark.end, to);
    out += piece(at, start) + MATCH_OPEN + piece(start, end) + MATCH_CLOSE;
    at = end;
  }
  out += piece(at, to);
  if (to < text.length) out += '…';
  return out;
}
