import {
  type Ack,
  CreateIngestKeySchema,
  CreateUserSchema,
  type IngestEvent,
  SignInSchema,
  UpdateSettingsSchema,
  UpdateUserSchema,
} from '@earshot/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  apiRequest,
  connectDashboard,
  connectIngest,
  type DashboardClient,
  type IngestClient,
  pause,
  postEvents,
  signIn,
  sortById,
  type TestSession,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

/*
 * Hostile input, generated: random and malformed payloads at every way in (HTTP ingest, the ingest socket,
 * every API route's query, ids and bodies, the dashboard socket). The server must answer 4xx (never 5xx),
 * stay up, and change nothing: the calls it stores and shows are the same before and after.
 * Runs are bounded by count (RUNS per property), which keeps the file to a few seconds per store.
 */
const RUNS = 60;
const FLUSH_INTERVAL_MS = 50;

/** A socket as an untyped client sees it: any event name, any arguments (what a hostile client sends). */
interface LooseSocket {
  emit(event: string, ...args: unknown[]): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<Ack<unknown>> };
}

/** Path segments that try to climb out, encoded in the ways a proxy or a decoder might undo. */
const TRAVERSALS = [
  '..',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '%252e%252e%252f',
  '..\\..\\windows',
  '%00',
  'a%00.wav',
  '%zz',
  '%',
  '%c0%ae%c0%ae/',
  '/etc/passwd',
  'C:%5cWindows',
  `${'a'.repeat(5_000)}`,
];

/** JSON values, plus the strings and numbers that tend to find edges. */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(...TRAVERSALS),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, '', ' ', '\u0000', '__proto__', 'constructor'),
  fc.dictionary(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'callId', 'eventId'),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);

/** Bodies a schema refuses: the point is hostile input, and a random value may by chance be valid. */
const refusedBy = (schema: z.ZodType) => hostileJson.filter((value) => !schema.safeParse(value).success);

/** Query strings: well-formed pairs of random text, and raw text with broken percent-encodings left in. */
const queryString: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })), { maxLength: 5 })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc
    .string({ maxLength: 60, unit: 'binary-ascii' })
    .map((raw) => raw.replace(/[^A-Za-z0-9%&=[\]._~+-]/g, (c) => encodeURIComponent(c))),
  fc.constantFrom(
    'limit=-1',
    'limit=1e9',
    'from=9&to=1',
    'cursor=%',
    'a[b][c]=1',
    'limit=1&limit=2',
    '__proto__[x]=1',
    'agentId=%00',
    'username=a%00b',
    'callId=x%00',
  ),
);

/**
 * An id in a path: random text (encoded) or one of the traversal attempts (raw). Random ids made only of
 * dots are left out: URL parsing turns `.`/`..` (and `%2e`) into dot segments, so `/api/calls/.` is really
 * `/api/calls/`, the list, which rightly answers 200; the traversal attempts cover dot segments on purpose.
 */
const pathId: fc.Arbitrary<string> = fc.oneof(
  fc
    .string({ minLength: 1, maxLength: 60 })
    .map(encodeURIComponent)
    .filter((id) => !/^(\.|%2e)+$/i.test(id)),
  fc.constantFrom(...TRAVERSALS),
);

describe.each(TEST_STORE_KINDS)('hostile input (%s store)', (kind) => {
  let server: TestServer;
  let admin: TestSession;
  let controller: TestSession;
  let ingest: IngestClient;
  let dashboard: DashboardClient;
  const f = new EventFactory(`fz-${kind}`);
  /** Events for an ended call: any variation is refused (invalid, unknown call, or the call has ended). */
  const endedCallEvents: IngestEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' }, flushIntervalMs: FLUSH_INTERVAL_MS });
    [admin, controller] = [await signIn(server.url, 'admin'), await signIn(server.url, 'controller')];
    const t = Date.now() - 60_000;
    const seed = [
      f.offered('fz-live', t),
      f.answered('fz-live', t + 1_000),
      f.offered('fz-ended', t),
      f.answered('fz-ended', t + 1_000),
      f.ended('fz-ended', t + 2_000, 'agent_hangup'),
    ];
    expect((await postEvents(server.url, server.ingestKey, seed)).status).toBe(200);
    endedCallEvents.push(
      f.held('fz-ended', t + 3_000),
      f.resumed('fz-ended', t + 3_000),
      f.transferred('fz-ended', t + 3_000),
      f.ended('fz-ended', t + 3_000, 'caller_hangup'),
      f.answered('fz-ended', t + 3_000),
    );
    ingest = await connectIngest(server.url, server.ingestKey);
    dashboard = await connectDashboard(server.url, controller);
    // Let the seed's delta go out, so the wallboard's seq counts only what the barrage might cause.
    await pause(FLUSH_INTERVAL_MS * 4);
  });
  afterAll(async () => {
    ingest?.disconnect();
    dashboard?.disconnect();
    await server?.close();
  });

  /** What no hostile input may change: stored calls and histories, the live wallboard, settings, users, keys. */
  async function observableState() {
    const viewer = await connectDashboard(server.url, controller);
    const snapshot = await viewer.timeout(5_000).emitWithAck('wallboard:join');
    viewer.disconnect();
    if (!snapshot.ok) throw new Error(snapshot.error);
    const get = async (path: string) => (await apiRequest(`${server.url}${path}`, { session: admin })).body;
    return {
      wallboard: { seq: snapshot.data.seq, calls: sortById(snapshot.data.calls), stats: snapshot.data.stats },
      calls: await get('/api/calls?limit=500'),
      live: await get('/api/calls/fz-live'),
      ended: await get('/api/calls/fz-ended'),
      settings: await get('/api/settings'),
      users: await get('/api/users'),
      ingestKeys: await get('/api/ingest-keys'),
    };
  }

  it('answers 4xx to everything hostile, never 5xx, and changes nothing', { timeout: 60_000 }, async () => {
    const before = await observableState();
    const started = Date.now();
    const fiveHundreds: string[] = [];
    const expect4xxOr = (what: string, status: number, allowed: number[] = []) => {
      if (status >= 500 || (status < 400 && !allowed.includes(status))) fiveHundreds.push(`${what} → ${status}`);
    };

    // HTTP ingest: random bodies, raw text, near-valid events, wrong keys.
    const mutatedEvent = fc
      .tuple(
        fc.constantFrom(...endedCallEvents),
        fc.constantFrom('eventId', 'callId', 'at', 'type', 'reason', 'agentId', 'toAgentName'),
        hostileJson,
      )
      .map(([event, field, value]) => ({
        ...event,
        eventId: `${event.eventId}-${String(Math.random()).slice(2)}`,
        [field]: value,
      }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileJson, fc.array(fc.oneof(hostileJson, mutatedEvent), { maxLength: 5 }), mutatedEvent),
        async (body) => {
          const response = await postEvents(server.url, server.ingestKey, body);
          expect4xxOr(`ingest ${JSON.stringify(body).slice(0, 80)}`, response.status, [200]);
          // A 200 answers a batch: then every item must have been refused.
          if (response.status === 200) {
            expect((response.body as { ok: boolean }[]).every((item) => !item.ok)).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200, unit: 'binary' }),
        fc.string({ maxLength: 40 }),
        async (raw, key) => {
          const badJson = await postEvents(server.url, server.ingestKey, null, { rawBody: `{${raw}` });
          expect4xxOr('ingest raw', badJson.status);
          const badKey = await postEvents(server.url, `${key}x`, endedCallEvents[0]);
          expect(badKey.status).toBe(401);
        },
      ),
      { numRuns: RUNS },
    );

    // Ingest socket: anything as an event or a batch; every answer is a refusal.
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileJson, mutatedEvent), async (payload) => {
        const one = await ingest.timeout(5_000).emitWithAck('ingest:event', payload as IngestEvent);
        expect(one.ok).toBe(false);
        const batch = (await ingest
          .timeout(5_000)
          .emitWithAck('ingest:batch', (Array.isArray(payload) ? payload : [payload]) as IngestEvent[])) as Ack<
          { ok: boolean }[]
        >;
        if (batch.ok) expect(batch.data.every((item) => !item.ok)).toBe(true);
      }),
      { numRuns: RUNS },
    );

    // Every GET route with random query strings, as the admin (past the permission checks to the parsers).
    const getRoutes = [
      '/api/calls',
      '/api/audit',
      '/api/audit/export',
      '/api/settings',
      '/api/users',
      '/api/ingest-keys',
      '/api/auth/me',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...getRoutes), queryString, async (route, query) => {
        const response = await apiRequest(`${server.url}${route}?${query}`, { session: admin });
        expect4xxOr(`GET ${route}?${query}`, response.status, [200]);
      }),
      { numRuns: RUNS },
    );

    // Ids in paths: random and traversal attempts; nothing is found, nothing is touched.
    await fc.assert(
      fc.asyncProperty(pathId, refusedBy(UpdateUserSchema), async (id, body) => {
        const call = await apiRequest(`${server.url}/api/calls/${id}`, { session: admin });
        expect4xxOr(`GET /api/calls/${id}`, call.status);
        const patch = await apiRequest(`${server.url}/api/users/${id}`, { method: 'PATCH', session: admin, body });
        expect4xxOr(`PATCH /api/users/${id}`, patch.status);
        const revoke = await apiRequest(`${server.url}/api/ingest-keys/${id}`, { method: 'DELETE', session: admin });
        expect4xxOr(`DELETE /api/ingest-keys/${id}`, revoke.status);
        const media = await apiRequest(`${server.url}/api/media/${id}`, { session: admin });
        expect4xxOr(`GET /api/media/${id}`, media.status);
      }),
      { numRuns: RUNS },
    );

    // Bodies of every write route, as the admin with a valid CSRF token, plus malformed JSON.
    const writes: [string, string, fc.Arbitrary<unknown>][] = [
      ['PUT', '/api/settings', refusedBy(UpdateSettingsSchema)],
      ['POST', '/api/users', refusedBy(CreateUserSchema)],
      ['POST', '/api/ingest-keys', refusedBy(CreateIngestKeySchema)],
      ['POST', '/api/auth/sign-in', refusedBy(SignInSchema)],
    ];
    for (const [method, path, body] of writes) {
      await fc.assert(
        fc.asyncProperty(body, fc.string({ maxLength: 80 }), async (value, raw) => {
          const response = await apiRequest(`${server.url}${path}`, { method, session: admin, body: value });
          expect4xxOr(`${method} ${path} ${JSON.stringify(value).slice(0, 80)}`, response.status);
          const malformed = await apiRequest(`${server.url}${path}`, { method, session: admin, rawBody: `[${raw}` });
          expect4xxOr(`${method} ${path} raw`, malformed.status);
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    }
    // Well-formed sign-ins with random credentials: refused, never 5xx.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ minLength: 1, maxLength: 64, unit: 'binary' }), fc.constant('demo.admin\u0000')),
        fc.string({ minLength: 1, maxLength: 100, unit: 'binary' }),
        async (username, password) => {
          const response = await apiRequest(`${server.url}/api/auth/sign-in`, {
            method: 'POST',
            body: { username, password },
          });
          expect4xxOr('sign-in', response.status);
        },
      ),
      { numRuns: 15 },
    );

    // The dashboard socket: random payloads for every command, and events that do not exist.
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileJson, fc.record({ callId: fc.oneof(pathId, hostileJson) })), async (payload) => {
        const loose = dashboard as unknown as LooseSocket;
        const watched = await loose.timeout(5_000).emitWithAck('call:watch', payload);
        expect(watched.ok).toBe(false);
        const joined = await loose.timeout(5_000).emitWithAck('wallboard:join', payload);
        expect(joined.ok).toBe(true);
        loose.emit('call:unwatch', payload);
        loose.emit('wallboard:leave', payload, payload);
        loose.emit(`no:such-${typeof payload}`, payload);
      }),
      { numRuns: RUNS },
    );

    // Oversized: 413 at the ingest limit (1 MB) and at everyone else's (64 kB).
    expect(
      (await postEvents(server.url, server.ingestKey, null, { rawBody: `["${'x'.repeat(1_100_000)}"]` })).status,
    ).toBe(413);
    const bigSettings = await apiRequest(`${server.url}/api/settings`, {
      method: 'PUT',
      session: admin,
      rawBody: `{"pad":"${'x'.repeat(70_000)}"}`,
    });
    expect(bigSettings.status).toBe(413);

    expect(fiveHundreds).toEqual([]);
    expect(dashboard.connected).toBe(true);
    expect(ingest.connected).toBe(true);
    expect((await apiRequest(`${server.url}/healthz`)).status).toBe(200);
    await pause(FLUSH_INTERVAL_MS * 4);
    expect(await observableState()).toEqual(before);
    // Bounded: the whole barrage takes seconds, not minutes.
    expect(Date.now() - started).toBeLessThan(45_000);
  });
});
