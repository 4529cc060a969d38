import { matchRanges, parseSearchQuery, type TranscriptLine } from '@earshot/shared';

export interface KeywordHits {
  /** The terms as read (`word`, `prefix*`, `"a phrase"`), the way the search page shows them. */
  terms: string[];
  /** Indexes of the transcript lines with at least one match, in order. */
  lines: number[];
  /** Character ranges of the matches, by line index. */
  ranges: ReadonlyMap<number, readonly { start: number; end: number }[]>;
}

export const NO_KEYWORD_HITS: KeywordHits = { terms: [], lines: [], ranges: new Map() };

/**
 * The lines of a call's transcript where the words of `query` occur, read by the same rules as the
 * search box (words, "phrases", prefix*; case and ё folded) so a hit that opened the page is found again.
 * Unlike the search, a line needs only one of the terms: this marks where each word was said.
 */
export function keywordHits(lines: readonly Pick<TranscriptLine, 'text'>[], query: string): KeywordHits {
  const parsed = parseSearchQuery(query);
  if (parsed.terms.length === 0) return NO_KEYWORD_HITS;
  const hitLines: number[] = [];
  const ranges = new Map<number, { start: number; end: number }[]>();
  lines.forEach((line, index) => {
    const found = matchRanges(line.text, parsed.terms);
    if (found.length === 0) return;
    hitLines.push(index);
    ranges.set(index, found);
  });
  return { terms: parsed.display, lines: hitLines, ranges };
}

/** The hit to go to from `positionMs`: the first line starting after it (wrapping), or before it. */
export function nextHit(
  lines: readonly Pick<TranscriptLine, 'startMs'>[],
  hits: readonly number[],
  positionMs: number,
  direction: 1 | -1,
): number | null {
  if (hits.length === 0) return null;
  const starts = hits.map((index) => ({ index, startMs: lines[index]?.startMs ?? 0 }));
  // Half a second of slack, so "next" from a hit just jumped to goes on to the one after.
  if (direction === 1) {
    return (starts.find((hit) => hit.startMs > positionMs + 500) ?? starts[0])?.index ?? null;
  }
  return ([...starts].reverse().find((hit) => hit.startMs < positionMs - 500) ?? starts.at(-1))?.index ?? null;
}
