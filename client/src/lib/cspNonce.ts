/**
 * The Content-Security-Policy nonce the server gave this page load (server/src/http/frontend.ts puts it in
 * `<meta property="csp-nonce" nonce="…">`), for the inline <style> elements a library inserts itself:
 * wavesurfer.js styles its shadow DOM with one. Browsers hide a nonce attribute's value from the DOM once
 * the element is in the document; the `nonce` property keeps it. Undefined when the page has none (`npm run
 * dev`, whose policy allows inline styles).
 */
export function cspNonce(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  return meta?.nonce ? meta.nonce : undefined;
}
