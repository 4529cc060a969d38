/** A piece of a search hit's snippet: plain text, or words the query matched. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/** The server puts each match between « and » (and never nests them). */
const MATCH = /«([^«»]*)»/g;

/**
 * Splits a snippet into plain and matched parts. Only a balanced «…» pair marks a match; a stray « or »
 * (a transcript may contain the guillemets itself) stays as text. The result is for rendering as text
 * nodes: nothing in a snippet is ever read as markup.
 */
export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const pushText = (text: string) => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last && !last.hit) last.text += text;
    else parts.push({ text, hit: false });
  };
  let at = 0;
  for (const match of snippet.matchAll(MATCH)) {
    pushText(snippet.slice(at, match.index));
    const words = match[1] ?? '';
    // An empty «» marks nothing and shows nothing.
    if (words !== '') parts.push({ text: words, hit: true });
    at = match.index + match[0].length;
  }
  pushText(snippet.slice(at));
  return parts;
}

/** The snippet without its markers, for a tooltip or an accessible name. */
export function snippetPlainText(snippet: string): string {
  return splitSnippet(snippet)
    .map((part) => part.text)
    .join('');
}
