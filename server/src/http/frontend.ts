import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type Request } from 'express';

/** Paths the dashboard never owns: the API, the socket endpoint and the health check. */
function isServerPath(req: Request): boolean {
  return (
    req.path.startsWith('/api/') || req.path === '/api' || req.path.startsWith('/socket.io/') || req.path === '/healthz'
  );
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
  app.use(express.static(distDir, { index: false }));
  app.get(/.*/, (req, res, next) => {
    if (isServerPath(req)) return next();
    if (!existsSync(indexHtml)) {
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
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  });
}
