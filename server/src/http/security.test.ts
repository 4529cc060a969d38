import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { cspNonceOf, isSameOriginRequest, securityHeaders } from './security.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('isSameOriginRequest', () => {
  it('lets clients without an Origin (adapters, the simulator) through', () => {
    expect(isSameOriginRequest(request({ host: 'earshot:8080' }), false)).toBe(true);
  });

  it('accepts a page of this server and refuses pages of other origins, same site included', () => {
    expect(isSameOriginRequest(request({ host: 'localhost:8080', origin: 'http://localhost:8080' }), false)).toBe(true);
    expect(isSameOriginRequest(request({ host: 'LOCALHOST:8080', origin: 'http://localhost:8080' }), false)).toBe(true);
    expect(isSameOriginRequest(request({ host: 'localhost:8080', origin: 'http://localhost:3000' }), false)).toBe(
      false,
    );
    expect(isSameOriginRequest(request({ host: 'localhost:8080', origin: 'https://evil.example' }), false)).toBe(false);
    expect(isSameOriginRequest(request({ host: 'localhost:8080', origin: 'null' }), false)).toBe(false);
  });

  it('believes X-Forwarded-Host only behind a trusted proxy', () => {
    const proxied = request({
      host: '127.0.0.1:8080',
      origin: 'https://earshot.example',
      'x-forwarded-host': 'earshot.example',
    });
    expect(isSameOriginRequest(proxied, false)).toBe(false);
    expect(isSameOriginRequest(proxied, 1)).toBe(true);
  });
});

describe('securityHeaders', () => {
  /** The Content-Security-Policy of two responses of an app with `mode`'s headers, and one page's body. */
  async function twoPolicies(mode: 'production' | 'development') {
    const app = express();
    app.use(securityHeaders(mode));
    app.get('/', (_req, res) => {
      res.send(cspNonceOf(res) ?? 'none');
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const first = await fetch(`http://127.0.0.1:${port}/`);
      const second = await fetch(`http://127.0.0.1:${port}/`);
      return {
        policies: [first, second].map((response) => response.headers.get('content-security-policy') ?? ''),
        nonce: await first.text(),
      };
    } finally {
      server.close();
    }
  }

  const styleSrc = (policy: string) =>
    policy
      .split(';')
      .find((d) => d.trim().startsWith('style-src'))
      ?.trim();

  it('admits inline styles in production by a fresh nonce per response, never by unsafe-inline', async () => {
    const { policies, nonce } = await twoPolicies('production');
    const [first, second] = policies as [string, string];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(styleSrc(first)).toBe(`style-src 'self' 'nonce-${nonce}'`);
    expect(styleSrc(second)).toMatch(/^style-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='$/);
    expect(styleSrc(second)).not.toBe(styleSrc(first));
    expect(first).toContain("script-src 'self';");
    expect(first).not.toContain('unsafe');
  });

  it("keeps development's unsafe-inline working: no nonce beside it", async () => {
    const { policies, nonce } = await twoPolicies('development');
    expect(nonce).toBe('none');
    expect(styleSrc(policies[0] ?? '')).toBe("style-src 'self' 'unsafe-inline'");
  });
});
