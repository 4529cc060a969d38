import { type Call, type CallState, type CallsPage, decodeFramePcm, parseAudioMessage } from '@earshot/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type EarshotApp } from '../../server/src/app.js';
import { createMemoryLogger } from '../../server/src/logger.js';
import { type RunningSimulator, startSimulator } from '../../server/src/simulator/index.js';
import { openStore, type Store } from '../../server/src/store/openStore.js';
import { rms } from '../helpers/audio.js';
import { connectDashboard, getJson, pause, signIn, type TestSession, WallboardMirror } from '../helpers/clients.js';
import {
  createTestStoreLocation,
  startTestServer,
  TEST_STORE_KINDS,
  type TestServer,
  type TestStoreLocation,
} from '../helpers/testServer.js';

/*
 * The simulator end to end: a real server (without its own simulator) and the simulator as the ingest
 * client it is in production, at high speed. At 1 pm and 120× a few real seconds are several busy minutes.
 */

const ONE_PM_TODAY = (() => {
  const date = new Date();
  date.setHours(13, 0, 0, 0);
  return date.getTime();
})();

async function allCalls(url: string, session: TestSession): Promise<Call[]> {
  const { status, body } = await getJson<CallsPage>(`${url}/api/calls?limit=500`, session);
  expect(status).toBe(200);
  return body.items;
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(100);
  }
}

describe.each(TEST_STORE_KINDS)('simulator against a real server (%s store)', (kind) => {
  let server: TestServer | undefined;
  let simulator: RunningSimulator | undefined;
  let mirror: WallboardMirror | undefined;
  afterAll(async () => {
    await simulator?.stop();
    mirror?.client.disconnect();
    await server?.close();
  });

  it('fills the wallboard and the call list with calls in every state, nothing refused', async () => {
    server = await startTestServer({ store: kind });
    const controller = await signIn(server.url, 'controller');
    mirror = new WallboardMirror(await connectDashboard(server.url, controller));
    await mirror.join();
    const logLines: string[] = [];
    simulator = startSimulator({
      serverUrl: server.url,
      ingestKey: server.ingestKey,
      // Understaffed on purpose, so callers queue and some give up.
      agents: 15,
      callsPerHour: 1_200,
      speed: 120,
      seed: 7,
      startAt: ONE_PM_TODAY,
      log: (line) => logLines.push(line),
    });

    // Warm-up: calls in conversation on the board straight away.
    await mirror.waitFor(() => (mirror?.stats?.inProgress ?? 0) >= 10, 5_000, 'warm-up calls on the wallboard');
    const seen = new Set<CallState>();
    await waitUntil(
      async () => {
        for (const call of mirror?.calls.values() ?? []) seen.add(call.state);
        const calls = await allCalls(server!.url, controller);
        for (const call of calls) seen.add(call.state);
        return (
          ['queued', 'talking', 'hold', 'ended'].every((state) => seen.has(state as CallState)) &&
          calls.some((call) => call.endReason === 'abandoned') &&
          calls.some((call) => call.endReason === 'caller_hangup' || call.endReason === 'agent_hangup')
        );
      },
      20_000,
      'queued, talking, held, ended and abandoned calls',
    );

    const stats = simulator.stats();
    expect(stats.rejected).toBe(0);
    expect(logLines.filter((line) => line.includes('rejected'))).toEqual([]);
    expect(stats.offered).toBeGreaterThan(30);
    expect(stats.abandoned).toBeGreaterThan(0);

    await simulator.stop();
    // Once stopped and acknowledged, what the server holds matches what the simulator counted.
    const final = simulator.stats();
    const calls = await allCalls(server.url, controller);
    expect(calls.length).toBe(final.offered);
    expect(calls.filter((call) => call.answeredAt !== null).length).toBe(final.answered);
    expect(calls.filter((call) => call.endReason === 'abandoned').length).toBe(final.abandoned);
    expect(calls.every((call) => call.id.startsWith('sim-7-'))).toBe(true);
    expect(calls.some((call) => call.holdCount > 0)).toBe(true);
    // The wallboard agrees with the store about what is live.
    await mirror.waitFor(
      () => (mirror?.stats?.inProgress ?? -1) + (mirror?.stats?.waiting ?? 0) === mirror?.calls.size,
      3_000,
      'wallboard counts',
    );
    // Same calls, not only as many: compared afresh until both settle (a delta may still be on its way
    // when the list is read, and equal sizes alone once hid two calls swapped over).
    const liveInStore = async () =>
      (await allCalls(server!.url, controller))
        .filter((call) => call.state !== 'ended')
        .map((call) => call.id)
        .sort();
    await expect
      .poll(async () => JSON.stringify(await liveInStore()) === JSON.stringify([...mirror!.calls.keys()].sort()), {
        timeout: 5_000,
      })
      .toBe(true);
    expect([...mirror.calls.keys()].sort()).toEqual(await liveInStore());

    // The calls carried audio through the audio ingest, none of it refused; the ended ones are recorded.
    const audio = simulator.audio?.stats();
    // At 120× the run lasts about a real second: audio plays in real time, so a few hundred frames.
    expect(audio?.framesSent).toBeGreaterThan(100);
    expect(audio?.framesRefused).toBe(0);
    const ended = calls.filter((call) => call.answeredAt !== null && call.state === 'ended');
    const recordings = await Promise.all(ended.map((call) => server!.app.recordings.get(call.id)));
    const finished = recordings.filter((recording) => recording?.status === 'complete');
    expect(finished.length).toBeGreaterThan(0);
    // (At 120× a call lasts well under a real second of audio, too short for speech: see the next test.)
  });
});

describe('simulator audio at real-time pace', () => {
  let server: TestServer | undefined;
  let simulator: RunningSimulator | undefined;
  afterAll(async () => {
    await simulator?.stop();
    await server?.close();
  });

  it('streams speech on both sides of its calls, which a controller hears live', async () => {
    server = await startTestServer();
    simulator = startSimulator({
      serverUrl: server.url,
      ingestKey: server.ingestKey,
      agents: 4,
      callsPerHour: 120,
      speed: 1,
      seed: 11,
      startAt: ONE_PM_TODAY,
      log: () => {},
    });
    await waitUntil(
      () =>
        [...server!.app.registry.calls()].some(
          (call) => call.state === 'talking' && server!.app.audio.hub.hasAdapter(call.id),
        ),
      10_000,
      'a talking call with audio',
    );
    const callId = [...server.app.registry.calls()].find(
      (call) => call.state === 'talking' && server!.app.audio.hub.hasAdapter(call.id),
    )!.id;
    const listener = await connectDashboard(server.url, await signIn(server.url, 'controller'));
    const agentSamples: number[] = [];
    const callerSamples: number[] = [];
    listener.on('audio:frame', (bytes) => {
      for (const frame of parseAudioMessage(new Uint8Array(bytes as ArrayBuffer)).frames) {
        const pcm = decodeFramePcm(frame);
        agentSamples.push(...pcm.first);
        if (pcm.second) callerSamples.push(...pcm.second);
      }
    });
    const answer = await listener.timeout(5_000).emitWithAck('audio:listen', { callId });
    expect(answer.ok).toBe(true);
    // Speech in the first seconds on both sides (a greeting, then the caller's problem), unless the call
    // ends or holds: listen until both sides have spoken or 12 s pass.
    await waitUntil(
      () => rms(Int16Array.from(agentSamples)) > 300 && rms(Int16Array.from(callerSamples)) > 300,
      12_000,
      'speech from the agent and the caller',
    ).catch(() => undefined);
    listener.disconnect();
    expect(agentSamples.length).toBeGreaterThan(8000);
    expect(rms(Int16Array.from(agentSamples))).toBeGreaterThan(300);
    expect(rms(Int16Array.from(callerSamples))).toBeGreaterThan(300);
    expect(simulator.audio?.stats().framesRefused).toBe(0);
  });
});

describe('simulator across a server restart', () => {
  let location: TestStoreLocation | undefined;
  let simulator: RunningSimulator | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await simulator?.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
    await location?.dispose();
  });

  /** A server on a given port over a store that outlives it, as main.ts starts one after a restart. */
  async function startServerOn(port: number, ingestKey: string): Promise<{ app: EarshotApp; store: Store }> {
    const store = await openStore(location!.location);
    const app = createApp({
      store,
      config: { ingestKeys: [ingestKey], longCallAmberMs: 8 * 60_000, longCallRedMs: 15 * 60_000 },
      logger: createMemoryLogger(),
      frontend: { kind: 'none' },
    });
    await app.start(port, '127.0.0.1');
    return { app, store };
  }

  it('reconnects by itself, drops the calls the server closed, and keeps sending new ones', async () => {
    location = await createTestStoreLocation('sqlite');
    const first = await startTestServer({ store: location });
    const logLines: string[] = [];
    simulator = startSimulator({
      serverUrl: first.url,
      ingestKey: first.ingestKey,
      agents: 20,
      callsPerHour: 900,
      speed: 60,
      seed: 11,
      startAt: ONE_PM_TODAY,
      log: (line) => logLines.push(line),
    });
    await waitUntil(() => (simulator?.stats().answered ?? 0) > 15, 10_000, 'answered calls');
    await first.close();

    const second = await startServerOn(first.port, first.ingestKey);
    cleanups.push(async () => {
      await second.app.close();
      await second.store.close();
    });
    const offeredBefore = simulator.stats().offered;
    await waitUntil(() => logLines.some((line) => line.startsWith('reconnected')), 15_000, 'the reconnection');
    await waitUntil(() => (simulator?.stats().offered ?? 0) > offeredBefore + 10, 15_000, 'new calls');
    // Calls live at the restart were closed by the new server; their next events are refused and logged.
    await waitUntil(() => (simulator?.stats().rejected ?? 0) > 0, 15_000, 'a refused event of a closed call');
    expect(logLines.find((line) => line.startsWith('server rejected'))).toMatch(/already ended/);

    // The second server did not make new demo passwords (it was started as main.ts would be, without
    // the test helper), so the first server's still work against the same store.
    const controller = await signIn(first.url, first.users.controller);
    const { body } = await getJson<CallsPage>(`${first.url}/api/calls?outcome=server_restart&limit=500`, controller);
    expect(body.items.length).toBeGreaterThan(0);
    // One line per refused call, and only for calls the new server closed: the rest of such a call is dropped.
    const closedIds = new Set(body.items.map((call) => call.id));
    const refusedCalls = logLines
      .filter((line) => line.startsWith('server rejected'))
      .map((line) => /\(call ([^)]+)\)/.exec(line)?.[1] ?? '');
    expect(new Set(refusedCalls).size).toBe(refusedCalls.length);
    expect(refusedCalls.filter((id) => !closedIds.has(id))).toEqual([]);
    const { body: live } = await getJson<CallsPage>(`${first.url}/api/calls?outcome=live&limit=500`, controller);
    expect(live.items.length).toBeGreaterThan(0);
  });
});
