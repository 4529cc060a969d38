import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isSameOriginRequest } from './security.js';

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
