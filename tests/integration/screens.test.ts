import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  type Ack,
  type AuditPage,
  CAPTURE_INTERVAL_MS,
  type CaptureState,
  SCREENSHOT_MAX_BYTES,
  SCREENSHOT_THUMB_WIDTH_PX,
  type ScreenshotAnnouncement,
  type ScreenshotMeta,
  type ScreenshotUploadResult,
} from '@earshot/shared';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiRequest,
  connectDashboard,
  type DashboardClient,
  postEvents,
  signIn,
  type TestSession,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

/** The demo agent account's telephony id (bootstrap's default demo agent). */
const DEMO_AGENT_ID = 'agent-001';

const solid = (color: string, width = 640, height = 360) =>
  sharp({ create: { width, height, channels: 3, background: color } });
const png = (color = '#336699', width = 640, height = 360) => solid(color, width, height).png().toBuffer();
const webp = (color = '#336699', width = 640, height = 360) => solid(color, width, height).webp().toBuffer();

/** Every file under a directory, relative to it. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

function waitForEvent<T>(client: DashboardClient, event: 'screen:captured' | 'capture:state', timeoutMs = 3_000) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    client.once(event, (payload: unknown) => {
      clearTimeout(timer);
      resolve(payload as T);
    });
  });
}

describe.each(TEST_STORE_KINDS)('agent screens (%s store)', (kind) => {
  let server: TestServer;
  let agent: TestSession;
  let controller: TestSession;
  let supervisor: TestSession;
  let trainer: TestSession;
  const f = new EventFactory(`screens-${kind}`);
  let n = 0;
  const newCallId = () => `scr-${kind}-${++n}`;

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' } });
    agent = await signIn(server.url, 'agent');
    controller = await signIn(server.url, 'controller');
    supervisor = await signIn(server.url, 'supervisor');
    trainer = await signIn(server.url, 'trainer');
  });
  afterAll(async () => {
    await server?.close();
  });

  async function liveCall(agentId = DEMO_AGENT_ID): Promise<string> {
    const callId = newCallId();
    const t = Date.now();
    const result = await postEvents(server.url, server.ingestKey, [
      f.offered(callId, t),
      f.answered(callId, t, agentId),
    ]);
    expect(result.status).toBe(200);
    return callId;
  }

  async function upload(
    query: Record<string, string | number>,
    body: Uint8Array | string,
    auth: { session?: TestSession; ingestKey?: string; contentType?: string } = {},
  ) {
    const headers: Record<string, string> = { 'content-type': auth.contentType ?? 'image/png' };
    if (auth.session) {
      headers.cookie = auth.session.cookie;
      headers['x-csrf-token'] = auth.session.csrfToken;
    }
    if (auth.ingestKey) headers['x-earshot-ingest-key'] = auth.ingestKey;
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const response = await fetch(`${server.url}/api/screens?${qs}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as ScreenshotUploadResult & { ok?: boolean; error?: string },
    };
  }

  const rowCount = async () =>
    Number(
      (
        await server.store.db
          .selectFrom('screenshots')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses every kind of bad upload with its 4xx and leaves nothing on disk and no row', async () => {
    const callId = await liveCall();
    const otherAgentsCall = await liveCall('agent-somebody-else');
    const endedCall = await liveCall();
    await postEvents(server.url, server.ingestKey, f.ended(endedCall, Date.now()));
    const good = await png();
    const now = Date.now();
    const filesBefore = listFiles(server.app.dataDir);
    const rowsBefore = await rowCount();
    const big = await sharp({ create: { width: 10_000, height: 2_000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const detailed = await sharp({
      create: {
        width: 1800,
        height: 1800,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(detailed.length).toBeGreaterThan(SCREENSHOT_MAX_BYTES);
    const corrupt = Buffer.from(good);
    corrupt.fill(0x41, 60, corrupt.length - 20);
    const cases: [string, Promise<{ status: number; body: { ok?: boolean; error?: string } }>, number][] = [
      [
        'text labelled image/webp',
        upload({ callId, capturedAt: now }, 'just some text', { session: agent, contentType: 'image/webp' }),
        415,
      ],
      [
        'not an image content type',
        upload({ callId, capturedAt: now }, good, { session: agent, contentType: 'application/octet-stream' }),
        415,
      ],
      ['oversized', upload({ callId, capturedAt: now }, detailed, { session: agent }), 413],
      ['too many pixels', upload({ callId, capturedAt: now }, big, { session: agent }), 422],
      ['truncated', upload({ callId, capturedAt: now }, good.subarray(0, good.length / 2), { session: agent }), 422],
      ['corrupt', upload({ callId, capturedAt: now }, corrupt, { session: agent }), 422],
      ['unknown call', upload({ callId: 'no-such-call', capturedAt: now }, good, { session: agent }), 404],
      ["another agent's call", upload({ callId: otherAgentsCall, capturedAt: now }, good, { session: agent }), 403],
      ['ended call', upload({ callId: endedCall, capturedAt: now }, good, { session: agent }), 409],
      ['no credentials', upload({ callId, capturedAt: now }, good), 401],
      ['bad ingest key', upload({ callId, capturedAt: now, agentId: DEMO_AGENT_ID }, good, { ingestKey: 'nope' }), 401],
      ['ingest key without agentId', upload({ callId, capturedAt: now }, good, { ingestKey: server.ingestKey }), 400],
      [
        'ingest key, wrong agent',
        upload({ callId, capturedAt: now, agentId: 'agent-x' }, good, { ingestKey: server.ingestKey }),
        409,
      ],
      ['bad query', upload({ callId, capturedAt: 'yesterday' }, good, { session: agent }), 400],
      ['unknown query field', upload({ callId, capturedAt: now, extra: 1 }, good, { session: agent }), 400],
      [
        'agent naming another agent',
        upload({ callId, capturedAt: now, agentId: 'agent-x' }, good, { session: agent }),
        403,
      ],
      ['a role without screens:upload', upload({ callId, capturedAt: now }, good, { session: controller }), 403],
    ];
    const outcomes = [];
    for (const [what, pending, status] of cases) {
      const { status: got, body } = await pending;
      outcomes.push({ what, status: got });
      expect(body, what).toEqual(expect.objectContaining({ ok: false, error: expect.any(String) }));
      expect({ what, status }).toEqual({ what, status: got });
    }
    // Without CSRF token the cookie upload is refused too.
    const noCsrf = await fetch(`${server.url}/api/screens?callId=${callId}&capturedAt=${now}`, {
      method: 'POST',
      headers: { cookie: agent.cookie, 'content-type': 'image/png' },
      body: new Uint8Array(good),
    });
    expect(noCsrf.status).toBe(403);
    expect(listFiles(server.app.dataDir)).toEqual(filesBefore);
    expect(await rowCount()).toBe(rowsBefore);
  });

  it('stores an agent upload as received, with a real WebP thumbnail; a PNG labelled WebP is stored as PNG', async () => {
    const callId = await liveCall();
    const image = await png('#aa3322', 1280, 720);
    const result = await upload({ callId, capturedAt: Date.now() }, image, {
      session: agent,
      contentType: 'image/webp',
    });
    expect(result.status).toBe(201);
    const meta = result.body.screenshot;
    expect(meta).toMatchObject({
      callId,
      agentId: DEMO_AGENT_ID,
      mime: 'image/png',
      width: 1280,
      height: 720,
      bytes: image.length,
    });
    expect(result.body.duplicate).toBe(false);
    const files = listFiles(server.app.dataDir).filter((file) => file.includes(meta.id));
    const day = new Date(meta.capturedAt).toISOString().slice(0, 10);
    expect(files.sort()).toEqual([`screens/${day}/${meta.id}.png`, `screens/${day}/${meta.id}.thumb.webp`]);

    const full = await fetch(`${server.url}/api/screens/${meta.id}`, { headers: { cookie: supervisor.cookie } });
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(full.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(full.headers.get('etag')).toBe(`"${meta.contentHash}"`);
    expect(Buffer.from(await full.arrayBuffer()).equals(image)).toBe(true);

    const thumb = await fetch(`${server.url}/api/screens/${meta.id}/thumb`, { headers: { cookie: controller.cookie } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const decoded = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([decoded.format, decoded.width, decoded.height]).toEqual(['webp', SCREENSHOT_THUMB_WIDTH_PX, 180]);
    expect([meta.thumbWidth, meta.thumbHeight]).toEqual([SCREENSHOT_THUMB_WIDTH_PX, 180]);

    const again = await fetch(`${server.url}/api/screens/${meta.id}/thumb`, {
      headers: { cookie: controller.cookie, 'if-none-match': `"${meta.contentHash}"` },
    });
    expect(again.status).toBe(304);
  });

  it("stores identical consecutive frames once and lists a call's screens in capture order", async () => {
    const callId = await liveCall();
    const t = Date.now();
    const a = await webp('#112233');
    const b = await webp('#445566');
    const first = await upload({ callId, capturedAt: t, agentId: DEMO_AGENT_ID }, a, { ingestKey: server.ingestKey });
    const repeat = await upload({ callId, capturedAt: t + 2_000, agentId: DEMO_AGENT_ID }, a, {
      ingestKey: server.ingestKey,
    });
    const changed = await upload({ callId, capturedAt: t + 4_000 }, b, { session: agent, contentType: 'image/webp' });
    expect([first.status, repeat.status, changed.status]).toEqual([201, 200, 201]);
    expect(first.body.screenshot.lastSeenAt).toBe(t);
    // Stored once, but seen again: lastSeenAt moves to the repeat's capture time.
    expect(repeat.body).toEqual({ screenshot: { ...first.body.screenshot, lastSeenAt: t + 2_000 }, duplicate: true });
    expect(listFiles(server.app.dataDir).filter((file) => file.includes(first.body.screenshot.id))).toHaveLength(2);

    const list = await apiRequest<ScreenshotMeta[]>(`${server.url}/api/calls/${callId}/screens`, {
      session: supervisor,
    });
    expect(list.status).toBe(200);
    expect(list.body.map((s) => s.id)).toEqual([first.body.screenshot.id, changed.body.screenshot.id]);
    expect(list.body.map((s) => s.lastSeenAt)).toEqual([t + 2_000, t + 4_000]);
  });

  it('announces a duplicate upload with the newer lastSeenAt to a watching dashboard, never moving it back', async () => {
    // An agent of its own: earlier tests' frames of the demo agent are captured later than this one's.
    const agentId = 'agent-unchanged';
    const callId = await liveCall(agentId);
    const byIngest = { ingestKey: server.ingestKey };
    const tiles = await connectDashboard(server.url, supervisor);
    try {
      const t = Date.now();
      const frame = await png('#1a2b3c');
      const first = await upload({ callId, capturedAt: t, agentId }, frame, byIngest);
      expect(first.status).toBe(201);
      expect((await tiles.timeout(3_000).emitWithAck('screens:watch', { callIds: [callId] })).ok).toBe(true);

      const heard = waitForEvent<ScreenshotAnnouncement>(tiles, 'screen:captured');
      const repeat = await upload({ callId, capturedAt: t + 16_000, agentId }, frame, byIngest);
      expect(repeat.status).toBe(200);
      const seen = { ...first.body.screenshot, lastSeenAt: t + 16_000 };
      expect(repeat.body).toEqual({ screenshot: seen, duplicate: true });
      expect(await heard).toEqual({ callId, screenshot: seen });

      // A late duplicate captured earlier does not move lastSeenAt back (and says nothing new).
      const late = await upload({ callId, capturedAt: t + 8_000, agentId }, frame, byIngest);
      expect(late.body).toEqual({ screenshot: seen, duplicate: true });
      const acked: Ack<Record<string, ScreenshotMeta | null>> = await tiles
        .timeout(3_000)
        .emitWithAck('screens:watch', { callIds: [callId] });
      expect(acked).toEqual({ ok: true, data: { [callId]: seen } });
      const rows = await server.store.db
        .selectFrom('screenshots')
        .select(['id', 'last_seen_at'])
        .where('call_id', '=', callId)
        .execute();
      expect(rows.map((row) => ({ id: row.id, lastSeenAt: Number(row.last_seen_at) }))).toEqual([
        { id: seen.id, lastSeenAt: t + 16_000 },
      ]);
    } finally {
      tiles.disconnect();
    }
  });

  it('lets supervisors and controllers view, refuses trainers and agents, and audits a full view once a minute', async () => {
    const callId = await liveCall();
    const { body } = await upload({ callId, capturedAt: Date.now() }, await png('#010203'), { session: agent });
    const id = body.screenshot.id;
    for (const [who, session, status] of [
      ['supervisor', supervisor, 200],
      ['controller', controller, 200],
      ['trainer', trainer, 403],
      ['agent (even their own)', agent, 403],
    ] as const) {
      for (const url of [`/api/screens/${id}`, `/api/screens/${id}/thumb`, `/api/calls/${callId}/screens`]) {
        const response = await fetch(`${server.url}${url}`, { headers: { cookie: session.cookie } });
        expect({ who, url, status: response.status }).toEqual({ who, url, status });
      }
    }
    // A second full view within the minute: not audited again. Thumbnails: never.
    expect((await fetch(`${server.url}/api/screens/${id}`, { headers: { cookie: supervisor.cookie } })).status).toBe(
      200,
    );
    const admin = await signIn(server.url, 'admin');
    const audit = await apiRequest<AuditPage>(`${server.url}/api/audit?action=screenshot.view&callId=${callId}`, {
      session: admin,
    });
    const views = audit.body.items.map((entry) => ({
      username: entry.username,
      objectId: entry.objectId,
      callId: entry.callId,
    }));
    expect(views.sort((x, y) => String(x.username).localeCompare(String(y.username)))).toEqual([
      { username: controller.user.username, objectId: id, callId },
      { username: supervisor.user.username, objectId: id, callId },
    ]);
    // Ids that could be paths name nothing.
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', 'not-a-uuid', '..']) {
      const response = await fetch(`${server.url}/api/screens/${bad}`, { headers: { cookie: supervisor.cookie } });
      expect([400, 404]).toContain(response.status);
    }
  });

  it('announces a new screenshot to dashboards watching the call, not to others', async () => {
    const watched = await liveCall();
    const other = await liveCall('agent-other');
    const tiles = await connectDashboard(server.url, supervisor);
    const callPage = await connectDashboard(server.url, controller);
    const elsewhere = await connectDashboard(server.url, supervisor);
    try {
      const first = await upload({ callId: watched, capturedAt: Date.now() }, await png('#0a0b0c'), { session: agent });
      const acked: Ack<Record<string, ScreenshotMeta | null>> = await tiles
        .timeout(3_000)
        .emitWithAck('screens:watch', { callIds: [watched, 'no-such-call'] });
      expect(acked).toEqual({ ok: true, data: { [watched]: first.body.screenshot, 'no-such-call': null } });
      const elsewhereAck = await elsewhere.timeout(3_000).emitWithAck('screens:watch', { callIds: [other] });
      expect(elsewhereAck.ok).toBe(true);
      expect((await callPage.timeout(3_000).emitWithAck('call:watch', { callId: watched })).ok).toBe(true);

      const heard: string[] = [];
      elsewhere.on('screen:captured', () => heard.push('elsewhere'));
      const onTiles = waitForEvent<ScreenshotAnnouncement>(tiles, 'screen:captured');
      const onCallPage = waitForEvent<ScreenshotAnnouncement>(callPage, 'screen:captured');
      const second = await upload({ callId: watched, capturedAt: Date.now() }, await png('#0d0e0f'), {
        session: agent,
      });
      expect(await onTiles).toEqual({ callId: watched, screenshot: second.body.screenshot });
      expect(await onCallPage).toEqual({ callId: watched, screenshot: second.body.screenshot });

      // Watching a new set leaves the old rooms.
      expect((await tiles.timeout(3_000).emitWithAck('screens:watch', { callIds: [] })).ok).toBe(true);
      tiles.on('screen:captured', () => heard.push('tiles after leaving'));
      await upload({ callId: watched, capturedAt: Date.now() }, await png('#101112'), { session: agent });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toEqual([]);

      const badPayload = await tiles.timeout(3_000).emitWithAck('screens:watch', { callIds: 'x' } as never);
      expect(badPayload.ok).toBe(false);
    } finally {
      tiles.disconnect();
      callPage.disconnect();
      elsewhere.disconnect();
    }
  });

  it("tells the agent's capture page when their call is answered and ended and when a controller opens it", async () => {
    const capture = await connectDashboard(server.url, agent);
    const controllerPage = await connectDashboard(server.url, controller);
    try {
      const joined: Ack<CaptureState> = await capture.timeout(3_000).emitWithAck('capture:join');
      expect(joined).toEqual({
        ok: true,
        data: {
          agentId: DEMO_AGENT_ID,
          callId: expect.toSatisfy((v) => v === null || typeof v === 'string'),
          intervalMs: CAPTURE_INTERVAL_MS,
          watchers: [],
        },
      });
      // End whatever the earlier tests left live for this agent.
      for (const call of server.app.registry.calls()) {
        if (call.agentId === DEMO_AGENT_ID)
          await postEvents(server.url, server.ingestKey, f.ended(call.id, Date.now()));
      }
      const callId = newCallId();
      const t = Date.now();
      await postEvents(server.url, server.ingestKey, f.offered(callId, t));
      const answered = waitForEvent<CaptureState>(capture, 'capture:state');
      await postEvents(server.url, server.ingestKey, f.answered(callId, t + 1, DEMO_AGENT_ID));
      expect(await answered).toEqual({ agentId: DEMO_AGENT_ID, callId, intervalMs: CAPTURE_INTERVAL_MS, watchers: [] });

      const watching = waitForEvent<CaptureState>(capture, 'capture:state');
      expect((await controllerPage.timeout(3_000).emitWithAck('call:watch', { callId })).ok).toBe(true);
      expect((await watching).watchers).toEqual([
        { userId: controller.user.id, displayName: controller.user.displayName, activity: 'watching' },
      ]);

      const left = waitForEvent<CaptureState>(capture, 'capture:state');
      controllerPage.emit('call:unwatch', { callId });
      expect((await left).watchers).toEqual([]);

      const ended = waitForEvent<CaptureState>(capture, 'capture:state');
      await postEvents(server.url, server.ingestKey, f.ended(callId, t + 2));
      expect(await ended).toEqual({
        agentId: DEMO_AGENT_ID,
        callId: null,
        intervalMs: CAPTURE_INTERVAL_MS,
        watchers: [],
      });

      const refused = await controllerPage.timeout(3_000).emitWithAck('capture:join');
      expect(refused).toMatchObject({ ok: false, error: /forbidden/ });
    } finally {
      capture.disconnect();
      controllerPage.disconnect();
    }
  });

  it('deletes screenshots past the retention period, files first', async () => {
    const callId = await liveCall();
    const old = Date.now() - 400 * 24 * 60 * 60_000;
    const { body } = await upload({ callId, capturedAt: old }, await png('#202122'), { session: agent });
    expect(listFiles(server.app.dataDir).filter((file) => file.includes(body.screenshot.id))).toHaveLength(2);
    const result = await server.app.retention.runOnce();
    expect(result.targets.find((t) => t.name === 'screenshots')?.deleted?.screenshots).toBeGreaterThanOrEqual(1);
    expect(listFiles(server.app.dataDir).filter((file) => file.includes(body.screenshot.id))).toEqual([]);
    expect(await server.app.screenshots.get(body.screenshot.id)).toBeUndefined();
  });
});

describe('simulated agents upload their screens', () => {
  it('renders and uploads frames for live calls through POST /api/screens with the ingest key', async () => {
    const { startSimulator } = await import('../../server/src/simulator/index.js');
    const server = await startTestServer({ store: 'sqlite', frontend: { kind: 'none' } });
    const simulator = startSimulator({
      serverUrl: server.url,
      ingestKey: server.ingestKey,
      agents: 3,
      callsPerHour: 3_000,
      speed: 20,
      seed: 5,
      screens: { maxUploadsPerSecond: 5 },
      log: () => {},
    });
    try {
      const deadline = Date.now() + 15_000;
      let stored: { call_id: string; agent_id: string; mime: string }[] = [];
      while (Date.now() < deadline) {
        stored = await server.store.db.selectFrom('screenshots').select(['call_id', 'agent_id', 'mime']).execute();
        if (stored.length >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(stored.length).toBeGreaterThanOrEqual(2);
      for (const row of stored) {
        expect(row.mime).toBe('image/webp');
        const call = await server.store.db
          .selectFrom('calls')
          .select('agent_id')
          .where('id', '=', row.call_id)
          .executeTakeFirstOrThrow();
        expect(call.agent_id).toBe(row.agent_id);
      }
    } finally {
      await simulator.stop();
      await server.close();
    }
  }, 30_000);
});
