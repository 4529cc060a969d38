import { splitSnippet } from './snippet.js';

/**
 * A hit's snippet with the matched words highlighted. Every part is a text node (React escapes it): a
 * transcript saying `<b>` shows `<b>`, it is never markup.
 */
export function Snippet({ text }: { text: string }) {
  return (
    <span className="snippet" data-testid="search-snippet">
      {splitSnippet(text).map((part, index) =>
        part.hit ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never reorder.
          <mark key={index} className="snippet-hit">
            {part.text}
          </mark>
        ) : (
          part.text
        ),
      )}
    </span>
  );
}
