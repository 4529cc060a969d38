import { readFile } from 'node:fs/promises';
import path from 'node:path';
import express, { type Express, type Request } from 'express';
import { cspNonceOf } from './security.js';

/** Paths the dashboard never owns: the API, the socket endpoint and the health check. */
function isServerPath(req: Request): boolean {
  return (
    req.path.startsWith('/api/') || req.path === '/api' || req.path.startsWith('/socket.io/') || req.path === '/healthz'
  );
}

/**
 * index.html with the response's CSP nonce in `<meta property="csp-nonce" nonce="…">` first in its head
 * (client/src/lib/cspNonce.ts reads it; Vite's own `html.cspNonce` uses the same tag). The nonce is base64,
 * nothing in it needs escaping in an attribute.
 */
export function withCspNonce(html: string, nonce: string | undefined): string {
  if (nonce === undefined) return html;
  const meta = `<meta property="csp-nonce" nonce="${nonce}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) return `${meta}${html}`;
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}${meta}${html.slice(at)}`;
}

/**
 * Serves the built dashboard (client/dist from `vite build`) with a fallback to index.html for client-side
 * routes. When the build is missing the response says so, rather than a bare 404.
 */
export function mountBuiltDashboard(app: Express, distDir: string): void {
  const indexHtml = path.join(distDir, 'index.html');
  // Hashed file names under assets/ never change content, so browsers may keep them.
  app.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: true }),
  );
  const staticFiles = express.static(distDir, { index: false });
  // index.html only through the handler below, which puts the response's nonce in it.
  app.use((req, res, next) => (req.path === '/index.html' ? next() : staticFiles(req, res, next)));
  app.get(/.*/, async (req, res, next) => {
    if (isServerPath(req)) return next();
    let html: string;
    try {
      // Read per request (a few hundred bytes): a rebuild shows without a restart.
      html = await readFile(indexHtml, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return next(error);
      res
        .status(503)
        .type('text/plain')
        .send(
          `The Earshot dashboard is not built: ${indexHtml} is missing.\n` +
            'Run `npm run build` (vite build) and restart, or use `npm run dev` for development.\n' +
            'The API (/api/...) and /healthz work without it.\n',
        );
      return;
    }
    // Each copy carries its own response's nonce: a cached one would not match the next policy.
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(withCspNonce(html, cspNonceOf(res)));
  });
}
