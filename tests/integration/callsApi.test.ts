import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Call, CallDetail, CallEventRecord, CallsPage, HealthStatus, IngestEvent } from '@earshot/shared';
import { DEFAULT_RETENTION_DAYS, DEFAULT_WALLBOARD_SETTINGS } from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectDashboard,
  connectIngest,
  getJson,
  type IngestClient,
  pause,
  postEvents,
  signIn,
  type TestSession,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import {
  createTestStoreLocation,
  startTestServer,
  TEST_STORE_KINDS,
  type TestServer,
  type TestStoreLocation,
} from '../helpers/testServer.js';

const DAY = Date.UTC(2025, 2, 1, 10, 0, 0);
const MIN = 60_000;

/**
 * Twelve calls on a past day, one minute apart (two share a minute, to exercise the id tie-break), with
 * varied lines, topics, agents and outcomes.
 */
function seedEvents(f: EventFactory): IngestEvent[] {
  const events: IngestEvent[] = [];
  const plan: { id: string; at: number; line: Call['line']; topic: Call['topic']; fate: string; agent?: string }[] = [
    { id: 'h-01', at: DAY + 1 * MIN, line: '0890', topic: 'billing', fate: 'hangup', agent: 'agent-a' },
    { id: 'h-02', at: DAY + 2 * MIN, line: '*7777', topic: 'roaming', fate: 'abandoned' },
    { id: 'h-03', at: DAY + 3 * MIN, line: '0890', topic: 'technical', fate: 'hangup', agent: 'agent-b' },
    {
      id: 'h-04',
      at: DAY + 4 * MIN,
      line: '8 017 237-98-98',
      topic: 'billing',
      fate: 'live-talking',
      agent: 'agent-a',
    },
    { id: 'h-05', at: DAY + 5 * MIN, line: '0890', topic: 'tariffs', fate: 'abandoned' },
    { id: 'h-06a', at: DAY + 6 * MIN, line: '+375 29 7770890', topic: 'roaming', fate: 'hangup', agent: 'agent-c' },
    { id: 'h-06b', at: DAY + 6 * MIN, line: '+375 29 7770890', topic: 'roaming', fate: 'hangup', agent: 'agent-a' },
    { id: 'h-07', at: DAY + 7 * MIN, line: '0890', topic: 'billing', fate: 'live-queued' },
    { id: 'h-08', at: DAY + 8 * MIN, line: '*7777', topic: 'mobile_internet', fate: 'hangup', agent: 'agent-b' },
    { id: 'h-09', at: DAY + 9 * MIN, line: '0890', topic: 'other', fate: 'abandoned' },
    { id: 'h-10', at: DAY + 10 * MIN, line: '0890', topic: 'billing', fate: 'hangup', agent: 'agent-a' },
    { id: 'h-11', at: DAY + 11 * MIN, line: '*7777', topic: 'billing', fate: 'live-talking', agent: 'agent-c' },
  ];
  for (const p of plan) {
    events.push(f.offered(p.id, p.at, { line: p.line, topic: p.topic }));
    if (p.agent) events.push(f.answered(p.id, p.at + 20_000, p.agent, `Agent ${p.agent}`));
    if (p.fate === 'hangup') events.push(f.ended(p.id, p.at + 40_000, 'caller_hangup'));
    if (p.fate === 'abandoned') events.push(f.ended(p.id, p.at + 40_000, 'abandoned'));
  }
  return events;
}

describe.each(TEST_STORE_KINDS)('calls API (%s store)', (kind) => {
  let location: TestStoreLocation;
  let server: TestServer;
  let distDir: string;
  let controller: TestSession;
  const f = new EventFactory('api');

  beforeAll(async () => {
    distDir = mkdtempSync(path.join(tmpdir(), 'earshot-dist-'));
    location = await createTestStoreLocation(kind);
    server = await startTestServer({ store: location, frontend: { kind: 'static', distDir } });
    controller = await signIn(server.url, 'controller');
    const seeded = await postEvents(server.url, server.ingestKey, seedEvents(f));
    expect((seeded.body as { ok: boolean }[]).every((item) => item.ok)).toBe(true);
  });
  afterAll(async () => {
    await server?.close();
    await location?.dispose();
    rmSync(distDir, { recursive: true, force: true });
  });

  const list = (query: string) => getJson<CallsPage>(`${server.url}/api/calls${query}`, controller);
  const ids = (page: CallsPage) => page.items.map((c) => c.id);

  /** Follows nextCursor to the end; returns the ids page by page. */
  async function allPages(query: string): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const sep = query ? '&' : '?';
      const { status, body } = await list(`${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(status).toBe(200);
      pages.push(ids(body));
      cursor = body.nextCursor;
    } while (cursor && pages.length < 20);
    return pages;
  }

  const newestFirst = [
    'h-11',
    'h-10',
    'h-09',
    'h-08',
    'h-07',
    'h-06b',
    'h-06a',
    'h-05',
    'h-04',
    'h-03',
    'h-02',
    'h-01',
  ];

  it('lists calls newest first and pages through them with an opaque cursor', async () => {
    const { status, body } = await list('');
    expect(status).toBe(200);
    expect(ids(body)).toEqual(newestFirst);
    expect(body.nextCursor).toBeNull();
    expect(body.items.find((c) => c.id === 'h-03')).toMatchObject({
      state: 'ended',
      endReason: 'caller_hangup',
      agentId: 'agent-b',
      answeredAt: DAY + 3 * MIN + 20_000,
      endedAt: DAY + 3 * MIN + 40_000,
    });

    const pages = await allPages('?limit=5');
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(newestFirst);
    // The tie at 06 splits across a page boundary with limit 6 and must neither repeat nor vanish.
    expect((await allPages('?limit=6')).flat()).toEqual(newestFirst);
    expect((await allPages('?limit=1')).flat()).toEqual(newestFirst);
  });

  it('filters by time, agent, line, topic and outcome, alone and combined with paging', async () => {
    const q = async (query: string) => (await allPages(query)).flat();
    expect(await q(`?from=${DAY + 3 * MIN}&to=${DAY + 6 * MIN}`)).toEqual(['h-06b', 'h-06a', 'h-05', 'h-04', 'h-03']);
    expect(await q(`?from=${DAY + 10 * MIN}`)).toEqual(['h-11', 'h-10']);
    expect(await q(`?to=${DAY + 1 * MIN}`)).toEqual(['h-01']);
    expect(await q('?agentId=agent-a')).toEqual(['h-10', 'h-06b', 'h-04', 'h-01']);
    expect(await q('?line=*7777')).toEqual(['h-11', 'h-08', 'h-02']);
    expect(await q(`?line=${encodeURIComponent('+375 29 7770890')}`)).toEqual(['h-06b', 'h-06a']);
    expect(await q('?topic=billing')).toEqual(['h-11', 'h-10', 'h-07', 'h-04', 'h-01']);
    expect(await q('?outcome=live')).toEqual(['h-11', 'h-07', 'h-04']);
    expect(await q('?outcome=abandoned')).toEqual(['h-09', 'h-05', 'h-02']);
    expect(await q('?outcome=caller_hangup&limit=2')).toEqual(['h-10', 'h-08', 'h-06b', 'h-06a', 'h-03', 'h-01']);
    expect(await q('?outcome=server_restart')).toEqual([]);
    expect(await q('?topic=billing&outcome=live&agentId=agent-a')).toEqual(['h-04']);
    expect(await q(`?line=0890&limit=2&from=${DAY + 2 * MIN}`)).toEqual(['h-10', 'h-09', 'h-07', 'h-05', 'h-03']);
  });

  it('answers bad queries with 400 naming the parameter', async () => {
    const bad = async (query: string) => {
      const { status, body } = await getJson<{ ok: boolean; error: string }>(
        `${server.url}/api/calls${query}`,
        controller,
      );
      expect(status).toBe(400);
      expect(body.ok).toBe(false);
      return body.error;
    };
    expect(await bad('?cursor=not-a-cursor')).toMatch(/^invalid cursor/);
    expect(await bad(`?cursor=${Buffer.from('[1]').toString('base64url')}`)).toMatch(/^invalid cursor/);
    expect(await bad('?limit=0')).toMatch(/limit/);
    expect(await bad('?limit=abc')).toMatch(/limit/);
    expect(await bad('?line=112')).toMatch(/line/);
    expect(await bad('?outcome=lost')).toMatch(/outcome/);
    expect(await bad('?from=20&to=10')).toMatch(/from must not be later than to/);
    expect(await bad('?from=yesterday')).toMatch(/from/);
    expect(await bad('?agentid=agent-a')).toMatch(/Unrecognized key/);
    expect(await bad('?line=0890&line=*7777')).toMatch(/line/);
  });

  it('answers one call with its history in order, 404 for an unknown id, 400 for a malformed one', async () => {
    const { status, body } = await getJson<CallDetail>(`${server.url}/api/calls/h-01`, controller);
    expect(status).toBe(200);
    expect(body.call).toMatchObject({ id: 'h-01', state: 'ended', agentName: 'Agent agent-a' });
    expect(body.events.map((e: CallEventRecord) => e.type)).toEqual(['call.offered', 'call.answered', 'call.ended']);
    expect(body.events[0]).toMatchObject({
      callId: 'h-01',
      at: DAY + MIN,
      receivedAt: expect.any(Number),
      detail: { line: '0890', topic: 'billing', callerNumber: '+375 29 123-45-67' },
    });
    expect(body.events[2]?.detail).toEqual({ reason: 'caller_hangup' });

    expect(await getJson(`${server.url}/api/calls/h-99`, controller)).toEqual({
      status: 404,
      body: { ok: false, error: 'no call with id h-99' },
    });
    const malformed = await getJson<{ error: string }>(
      `${server.url}/api/calls/${encodeURIComponent('a b')}`,
      controller,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/^invalid call id/);
  });

  it('records each agent seen on an answer or transfer, with first and last sighting', async () => {
    const agents = await server.store.db.selectFrom('agents').selectAll().orderBy('id').execute();
    expect(agents).toEqual([
      {
        id: 'agent-a',
        name: 'Agent agent-a',
        first_seen_at: DAY + MIN + 20_000,
        last_seen_at: DAY + 10 * MIN + 20_000,
      },
      {
        id: 'agent-b',
        name: 'Agent agent-b',
        first_seen_at: DAY + 3 * MIN + 20_000,
        last_seen_at: DAY + 8 * MIN + 20_000,
      },
      {
        id: 'agent-c',
        name: 'Agent agent-c',
        first_seen_at: DAY + 6 * MIN + 20_000,
        last_seen_at: DAY + 11 * MIN + 20_000,
      },
    ]);
  });

  it('serves settings, health, JSON 404s for unknown API routes, and the dashboard with SPA fallback', async () => {
    expect(await getJson(`${server.url}/api/settings`, controller)).toEqual({
      status: 200,
      body: { ...DEFAULT_WALLBOARD_SETTINGS, retentionDays: DEFAULT_RETENTION_DAYS },
    });
    const health = await getJson<HealthStatus>(`${server.url}/healthz`);
    expect(health).toEqual({
      status: 200,
      body: { status: 'ok', store: kind, liveCalls: 3, uptimeS: expect.any(Number) },
    });
    expect(await getJson(`${server.url}/api/nope`)).toEqual({
      status: 404,
      body: { ok: false, error: 'no such API route: GET /api/nope' },
    });
    const postCalls = await fetch(`${server.url}/api/calls`, { method: 'POST' });
    expect(postCalls.status).toBe(404);
    const postPage = await fetch(`${server.url}/wallboard`, { method: 'POST' });
    expect(postPage.status).toBe(404);
    expect(await postPage.json()).toEqual({ ok: false, error: 'not found: POST /wallboard' });

    // No build yet: the page says what is missing.
    const missing = await fetch(`${server.url}/wallboard`);
    expect(missing.status).toBe(503);
    expect(await missing.text()).toMatch(/dashboard is not built.*index\.html is missing/);

    writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>Earshot</title>');
    writeFileSync(path.join(distDir, 'favicon.svg'), '<svg/>');
    const deepLink = await fetch(`${server.url}/calls/h-01`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain('<title>Earshot</title>');
    expect((await fetch(`${server.url}/favicon.svg`)).headers.get('content-type')).toMatch(/svg/);
    expect((await getJson(`${server.url}/api/still-not-a-route`)).status).toBe(404);
  });

  it('lets a dashboard watch one call: history on watch, then each change, until it unwatches', async () => {
    const dashboard = await connectDashboard(server.url, controller);
    const ingest: IngestClient = await connectIngest(server.url, server.ingestKey);
    const updates: Call[] = [];
    const events: CallEventRecord[] = [];
    dashboard.on('call:updated', (call) => updates.push(call));
    dashboard.on('call:event', (event) => events.push(event));

    const watched = await dashboard.timeout(2_000).emitWithAck('call:watch', { callId: 'h-04' });
    expect(watched).toMatchObject({ ok: true, data: { call: { id: 'h-04', state: 'talking' } } });
    if (!watched.ok) return;
    expect(watched.data.events.map((e: CallEventRecord) => e.type)).toEqual(['call.offered', 'call.answered']);
    const ended = await dashboard.timeout(2_000).emitWithAck('call:watch', { callId: 'h-01' });
    expect(ended).toMatchObject({ ok: true, data: { call: { state: 'ended' } } });

    const hold = f.held('h-04', DAY + 4 * MIN + 30_000);
    expect(await ingest.timeout(2_000).emitWithAck('ingest:event', hold)).toMatchObject({ ok: true });
    // An event for another call reaches only that call's watchers.
    expect(await ingest.timeout(2_000).emitWithAck('ingest:event', f.held('h-11', DAY + 12 * MIN))).toMatchObject({
      ok: true,
    });
    await pause(100);
    expect(updates).toEqual([
      expect.objectContaining({ id: 'h-04', state: 'hold', holdSince: DAY + 4 * MIN + 30_000 }),
    ]);
    expect(events).toEqual([expect.objectContaining({ eventId: hold.eventId, callId: 'h-04', type: 'call.held' })]);

    dashboard.emit('call:unwatch', { callId: 'h-04' });
    await pause(50);
    expect(await ingest.timeout(2_000).emitWithAck('ingest:event', f.resumed('h-04', DAY + 5 * MIN))).toMatchObject({
      ok: true,
    });
    await pause(100);
    expect(updates).toHaveLength(1);
    dashboard.disconnect();
    ingest.disconnect();
  });
});
