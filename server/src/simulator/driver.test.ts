import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Ack,
  applyCallEvent,
  type Call,
  closeCall,
  INGEST_NAMESPACE,
  type IngestBatchItem,
  type IngestClientToServerEvents,
  type IngestEvent,
  IngestEventSchema,
  type IngestResult,
} from '@earshot/shared';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, runSimulator } from './driver.js';

/*
 * The driver against a small in-test ingest endpoint that follows the documented protocol: key check at
 * connection, the shared state machine per call, ids remembered forever, live calls closed on "restart".
 * The end-to-end run against the real server is tests/integration/simulator.test.ts.
 */

const KEY = 'driver-test-key';

interface ReceivedEvent {
  event: IngestEvent;
  receivedAt: number;
}

/** Call state and seen ids outlive one endpoint, like a store outlives a server. */
class IngestLedger {
  readonly calls = new Map<string, Call>();
  readonly seenIds = new Set<string>();
  readonly received: ReceivedEvent[] = [];
  readonly refusals: string[] = [];
  /** Every refused event: its call and the message (event or batch) it came in. */
  readonly refusedAttempts: { callId: string; message: number }[] = [];
  private messages = 0;

  /** Call once per ingest message, so refusals can be told apart by the message they came in. */
  nextMessage(): void {
    this.messages += 1;
  }

  apply(payload: unknown): { ok: true; duplicate: boolean } | { ok: false; error: string } {
    const parsed = IngestEventSchema.safeParse(payload);
    if (!parsed.success) return { ok: false, error: 'invalid event' };
    const event = parsed.data;
    if (this.seenIds.has(event.eventId)) return { ok: true, duplicate: true };
    const transition = applyCallEvent(this.calls.get(event.callId), event);
    if (!transition.ok) {
      this.refusals.push(transition.error);
      this.refusedAttempts.push({ callId: event.callId, message: this.messages });
      return { ok: false, error: transition.error };
    }
    this.seenIds.add(event.eventId);
    this.calls.set(event.callId, transition.call);
    this.received.push({ event, receivedAt: Date.now() });
    return { ok: true, duplicate: false };
  }

  closeLiveCalls(at: number): number {
    let closed = 0;
    for (const [id, call] of this.calls) {
      if (call.state === 'ended') continue;
      this.calls.set(id, closeCall(call, at, 'server_restart'));
      closed += 1;
    }
    return closed;
  }
}

interface Endpoint {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function startEndpoint(ledger: IngestLedger, port = 0): Promise<Endpoint> {
  const http: HttpServer = createServer();
  const io = new Server(http);
  const ingest = io.of(INGEST_NAMESPACE);
  ingest.use((socket, next) => {
    const key = (socket.handshake.auth as { key?: unknown }).key;
    next(key === KEY ? undefined : new Error('invalid ingest key'));
  });
  ingest.on('connection', (socket) => {
    type Handlers = IngestClientToServerEvents;
    socket.on('ingest:event', ((event: unknown, ack: (result: Ack<IngestResult>) => void) => {
      ledger.nextMessage();
      const outcome = ledger.apply(event);
      const eventId = (event as { eventId: string }).eventId;
      ack(outcome.ok ? { ok: true, data: { eventId, duplicate: outcome.duplicate } } : outcome);
    }) as Handlers['ingest:event']);
    socket.on('ingest:batch', ((events: unknown[], ack: (result: Ack<IngestBatchItem[]>) => void) => {
      ledger.nextMessage();
      const items = events.map((event, index): IngestBatchItem => {
        const outcome = ledger.apply(event);
        const eventId = (event as { eventId: string }).eventId;
        return outcome.ok
          ? { ok: true, eventId, duplicate: outcome.duplicate }
          : { ok: false, index, eventId, error: outcome.error };
      });
      ack({ ok: true, data: items });
    }) as Handlers['ingest:batch']);
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const actualPort = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }),
  };
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const running: RunningSimulator[] = [];
const endpoints: Endpoint[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()));
  await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
});

function start(url: string, overrides: { ingestKey?: string; log?: (line: string) => void } = {}): RunningSimulator {
  const simulator = runSimulator({
    serverUrl: url,
    ingestKey: overrides.ingestKey ?? KEY,
    agents: 30,
    callsPerHour: 600,
    speed: 200,
    seed: 5,
    startAt: new Date(2024, 5, 10, 13).getTime(),
    runId: `t${Date.now().toString(36)}`,
    log: overrides.log ?? (() => {}),
  });
  running.push(simulator);
  return simulator;
}

describe('simulator driver', () => {
  it('plays calls over the ingest socket with real, non-decreasing times and nothing refused', async () => {
    const ledger = new IngestLedger();
    const endpoint = await startEndpoint(ledger);
    endpoints.push(endpoint);
    const before = Date.now();
    const simulator = start(endpoint.url);
    await waitFor(() => simulator.stats().ended > 10 && simulator.stats().answered > 30, 10_000, 'calls to end');
    await simulator.stop();
    const after = Date.now();

    expect(ledger.refusals).toEqual([]);
    const times = ledger.received.map(({ event }) => event.at);
    expect(times.every((at, i) => at >= before && at <= after && (i === 0 || at >= times[i - 1]!))).toBe(true);
    // Stamped when due and sent at once: the event time is close to when it arrived.
    expect(ledger.received.every(({ event, receivedAt }) => receivedAt - event.at < 1_000)).toBe(true);

    const stats = simulator.stats();
    const count = (type: IngestEvent['type']) => ledger.received.filter(({ event }) => event.type === type).length;
    expect(stats.offered).toBe(count('call.offered'));
    expect(stats.answered).toBe(count('call.answered'));
    expect(stats.abandoned + stats.ended).toBe(count('call.ended'));
    expect(stats.rejected).toBe(0);
    // Warm-up: the first thing sent is a set of calls already in conversation.
    const states = [...ledger.calls.values()].map((call) => call.state);
    expect(states).toContain('talking');
  });

  it('stops sending after stop()', async () => {
    const ledger = new IngestLedger();
    const endpoint = await startEndpoint(ledger);
    endpoints.push(endpoint);
    const simulator = start(endpoint.url);
    await waitFor(() => simulator.stats().offered > 5, 10_000, 'first offers');
    await simulator.stop();
    const receivedAtStop = ledger.received.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ledger.received.length).toBe(receivedAtStop);
  });

  it('reconnects after a server restart, counts refusals for calls the server closed, and goes on', async () => {
    const ledger = new IngestLedger();
    const first = await startEndpoint(ledger);
    const lines: string[] = [];
    const simulator = start(first.url, { log: (line) => lines.push(line) });
    await waitFor(() => simulator.stats().answered > 20, 10_000, 'answered calls');
    await first.close();
    const closed = ledger.closeLiveCalls(Date.now());
    expect(closed).toBeGreaterThan(0);
    const second = await startEndpoint(ledger, first.port);
    endpoints.push(second);
    const offeredBefore = simulator.stats().offered;
    await waitFor(() => simulator.stats().rejected > 0, 15_000, 'a refusal for a closed call');
    await waitFor(() => simulator.stats().offered > offeredBefore + 20, 15_000, 'new calls after the restart');
    // Stop first: it waits for the batch in flight, so a refusal the endpoint logged has reached the stats too.
    await simulator.stop();

    const stats = simulator.stats();
    expect(lines.some((line) => line.startsWith('reconnected'))).toBe(true);
    // One line per refused call with the server's reason; later events of that call are not sent at all
    // (only those already in the same batch are refused, and counted, too).
    const rejectionLines = lines.filter((line) => line.startsWith('server rejected'));
    expect(rejectionLines[0]).toMatch(/which has already ended/);
    const refusedCalls = new Set(rejectionLines.map((line) => /\(call ([^)]+)\)/.exec(line)?.[1]));
    expect(refusedCalls.size).toBe(rejectionLines.length);
    expect(refusedCalls.size).toBeLessThanOrEqual(closed);
    expect(stats.rejected).toBe(ledger.refusedAttempts.length);
    for (const id of refusedCalls) {
      const messages = new Set(ledger.refusedAttempts.filter((a) => a.callId === id).map((a) => a.message));
      expect(messages.size).toBe(1);
    }
  });

  it('says why the server refused the connection, and neither crashes nor sends', async () => {
    const ledger = new IngestLedger();
    const endpoint = await startEndpoint(ledger);
    endpoints.push(endpoint);
    const lines: string[] = [];
    const simulator = start(endpoint.url, { ingestKey: 'wrong', log: (line) => lines.push(line) });
    await waitFor(() => lines.some((line) => line.includes('invalid ingest key')), 5_000, 'the refusal');
    await simulator.stop();
    expect(ledger.received).toEqual([]);
    expect(simulator.stats()).toEqual({ offered: 0, answered: 0, abandoned: 0, ended: 0, rejected: 0 });
  });
});
