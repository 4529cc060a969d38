import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountBuiltDashboard, withCspNonce } from './frontend.js';
import { securityHeaders } from './security.js';

describe('withCspNonce', () => {
  it('puts the nonce first in the head', () => {
    expect(withCspNonce('<!doctype html><html><head><title>E</title></head></html>', 'abc+/=')).toBe(
      '<!doctype html><html><head><meta property="csp-nonce" nonce="abc+/="><title>E</title></head></html>',
    );
    expect(withCspNonce('<HEAD lang="en"><title>E</title>', 'n')).toBe(
      '<HEAD lang="en"><meta property="csp-nonce" nonce="n"><title>E</title>',
    );
    expect(withCspNonce('<header>no head</header>', 'n')).toBe(
      '<meta property="csp-nonce" nonce="n"><header>no head</header>',
    );
    expect(withCspNonce('<head></head>', undefined)).toBe('<head></head>');
  });
});

describe('mountBuiltDashboard', () => {
  const distDir = mkdtempSync(path.join(tmpdir(), 'earshot-dist-'));
  let base = '';
  let close = () => {};

  beforeAll(async () => {
    writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><html><head><title>Earshot</title></head></html>');
    const app = express();
    app.use(securityHeaders('production'));
    mountBuiltDashboard(app, distDir);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });

  afterAll(() => {
    close();
    rmSync(distDir, { recursive: true, force: true });
  });

  it("serves every copy of index.html with its own response's nonce, never cached", async () => {
    for (const route of ['/calls/c-1/review', '/', '/index.html']) {
      const response = await fetch(`${base}${route}`);
      const html = await response.text();
      const nonce = /<meta property="csp-nonce" nonce="([^"]+)">/.exec(html)?.[1];
      expect(nonce, route).toBeDefined();
      expect(response.headers.get('content-security-policy')).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });
});
