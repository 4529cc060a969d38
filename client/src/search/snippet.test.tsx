import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Snippet } from './Snippet.js';
import { snippetPlainText, splitSnippet } from './snippet.js';

describe('search snippets', () => {
  it('marks the words between « and »', () => {
    expect(splitSnippet('Я не могу «найти» ваш «тариф»')).toEqual([
      { text: 'Я не могу ', hit: false },
      { text: 'найти', hit: true },
      { text: ' ваш ', hit: false },
      { text: 'тариф', hit: true },
    ]);
    expect(splitSnippet('«Роуминг» включён')).toEqual([
      { text: 'Роуминг', hit: true },
      { text: ' включён', hit: false },
    ]);
  });

  it('keeps stray and empty markers as text, never swallowing words', () => {
    expect(splitSnippet('цитата « без конца')).toEqual([{ text: 'цитата « без конца', hit: false }]);
    expect(splitSnippet('» «ok» «')).toEqual([
      { text: '» ', hit: false },
      { text: 'ok', hit: true },
      { text: ' «', hit: false },
    ]);
    expect(splitSnippet('a «» b')).toEqual([{ text: 'a  b', hit: false }]);
    expect(splitSnippet('')).toEqual([]);
    expect(snippetPlainText('x «y» z')).toBe('x y z');
  });

  it('renders markup in a transcript as text, highlighting only with <mark>', () => {
    const html = renderToStaticMarkup(
      <Snippet text={'<img src=x onerror="alert(1)"> «<script>alert(2)</script>» & <b>bold</b>'} />,
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('<mark class="snippet-hit">&lt;script&gt;alert(2)&lt;/script&gt;</mark>');
    expect(html).toContain('&amp; &lt;b&gt;bold&lt;/b&gt;');
  });
});
