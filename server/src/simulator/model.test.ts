import {
  applyCallEvent,
  type Call,
  ExternalIdSchema,
  type IngestEvent,
  IngestEventSchema,
  LINES,
  startOfDay,
} from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { CallCentreModel, type ModelOptions, type ScheduledEvent } from './model.js';
import { volumeFactorAtHour } from './profile.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** A local midnight on a day without a daylight-saving change, so hours of the run are hours of the day. */
const MIDNIGHT = startOfDay(new Date(2024, 5, 10, 12).getTime());
const NOON = MIDNIGHT + 12 * HOUR_MS;

function options(overrides: Partial<ModelOptions> = {}): ModelOptions {
  return { agents: 40, callsPerHour: 240, speed: 1, seed: 42, startAt: NOON, runId: 'test', ...overrides };
}

function take(model: CallCentreModel, count: number): ScheduledEvent[] {
  return Array.from({ length: count }, () => model.next());
}

function runFor(model: CallCentreModel, simMs: number): ScheduledEvent[] {
  return model.eventsUntil(simMs);
}

/** Replays events through the shared state machine, as the server does; returns the calls and any refusals. */
function replay(events: readonly ScheduledEvent[]): { calls: Map<string, Call>; refusals: string[] } {
  const calls = new Map<string, Call>();
  const refusals: string[] = [];
  for (const { event } of events) {
    const result = applyCallEvent(calls.get(event.callId), event);
    if (result.ok) calls.set(event.callId, result.call);
    else refusals.push(`${event.eventId}: ${result.error}`);
  }
  return { calls, refusals };
}

function answeredAndEnded(calls: Map<string, Call>): Call[] {
  return [...calls.values()].filter((call) => call.state === 'ended' && call.answeredAt !== null);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe('CallCentreModel determinism', () => {
  it('yields the same events for the same seed and options', () => {
    const first = take(new CallCentreModel(options()), 2_000);
    const second = take(new CallCentreModel(options()), 2_000);
    expect(second).toEqual(first);
  });

  it('yields different events for a different seed', () => {
    const first = take(new CallCentreModel(options({ seed: 1 })), 200);
    const second = take(new CallCentreModel(options({ seed: 2 })), 200);
    const payload = ({ simMs, event }: ScheduledEvent) => ({ simMs, type: event.type, at: event.at });
    expect(second.map(payload)).not.toEqual(first.map(payload));
  });

  it('puts seed and run id in every id, so a restarted run never reuses one', () => {
    const [a] = take(new CallCentreModel(options({ seed: 7, runId: 'lx1' })), 1);
    const [b] = take(new CallCentreModel(options({ seed: 7, runId: 'lx2' })), 1);
    expect(a?.event.eventId).toBe('sim-7-lx1-1');
    expect(a?.event.callId).toBe('sim-7-lx1-call-1');
    expect(b?.event.eventId).toBe('sim-7-lx2-1');
  });

  it('plans `at` as startAt + simulated time / speed, never going backwards', () => {
    const events = take(new CallCentreModel(options({ speed: 10 })), 3_000);
    let previous = 0;
    for (const { simMs, event } of events) {
      expect(event.at).toBe(NOON + Math.floor(simMs / 10));
      expect(simMs).toBeGreaterThanOrEqual(previous);
      previous = simMs;
    }
  });
});

describe('CallCentreModel schedule validity', () => {
  it.each([
    ['normal staffing', options()],
    ['overload', options({ agents: 8, callsPerHour: 400, seed: 3 })],
    ['plenty of agents', options({ agents: 200, callsPerHour: 400, seed: 9 })],
  ])('every event parses and the shared state machine accepts all of them (%s)', (_label, modelOptions) => {
    const events = runFor(new CallCentreModel(modelOptions), 36 * HOUR_MS);
    expect(events.length).toBeGreaterThan(5_000);
    for (const { event } of events) {
      expect(IngestEventSchema.safeParse(event).success).toBe(true);
    }
    const { refusals } = replay(events);
    expect(refusals).toEqual([]);
    const ids = new Set(events.map(({ event }) => event.eventId));
    expect(ids.size).toBe(events.length);
    expect(events.every(({ event }) => ExternalIdSchema.safeParse(event.callId).success)).toBe(true);
  });

  it('never gives an agent two calls at once, and transfers go to another, free agent', () => {
    const events = runFor(new CallCentreModel(options({ agents: 12, callsPerHour: 300, seed: 11 })), 24 * HOUR_MS);
    const agentOf = new Map<string, string>();
    const busy = new Set<string>();
    let transfers = 0;
    for (const { event } of events) {
      if (event.type === 'call.answered') {
        expect(busy.has(event.agentId)).toBe(false);
        busy.add(event.agentId);
        agentOf.set(event.callId, event.agentId);
      } else if (event.type === 'call.transferred') {
        transfers += 1;
        const from = agentOf.get(event.callId);
        expect(event.toAgentId).not.toBe(from);
        expect(busy.has(event.toAgentId)).toBe(false);
        if (from) busy.delete(from);
        busy.add(event.toAgentId);
        agentOf.set(event.callId, event.toAgentId);
      } else if (event.type === 'call.ended') {
        const agent = agentOf.get(event.callId);
        if (agent) busy.delete(agent);
        agentOf.delete(event.callId);
      }
    }
    expect(transfers).toBeGreaterThan(0);
  });
});

describe('CallCentreModel distributions', () => {
  // One simulated day with ample staff, so queueing does not shape what we measure.
  const day = runFor(new CallCentreModel(options({ agents: 150, callsPerHour: 400, seed: 5 })), 24 * HOUR_MS);
  const dayCalls = replay(day).calls;
  const finished = answeredAndEnded(dayCalls);

  it('talk times are long-tailed: median 3-4 minutes, some beyond 10 and 20 minutes', () => {
    const talkMs = finished.map((call) => (call.endedAt ?? 0) - (call.answeredAt ?? 0));
    expect(finished.length).toBeGreaterThan(5_000);
    expect(median(talkMs)).toBeGreaterThan(3 * MINUTE_MS);
    expect(median(talkMs)).toBeLessThan(4 * MINUTE_MS);
    const overTen = talkMs.filter((ms) => ms > 10 * MINUTE_MS).length / talkMs.length;
    expect(overTen).toBeGreaterThan(0.03);
    expect(overTen).toBeLessThan(0.2);
    expect(talkMs.some((ms) => ms > 20 * MINUTE_MS)).toBe(true);
  });

  it('some calls are put on hold once or twice for 20-120 s, and a few are transferred', () => {
    const held = finished.filter((call) => call.holdCount > 0);
    const heldShare = held.length / finished.length;
    expect(heldShare).toBeGreaterThan(0.1);
    expect(heldShare).toBeLessThan(0.35);
    expect(held.some((call) => call.holdCount === 2)).toBe(true);
    expect(finished.every((call) => call.holdCount <= 2)).toBe(true);
    for (const call of held) {
      expect(call.holdMs).toBeGreaterThanOrEqual(20_000 * call.holdCount - call.holdCount);
      expect(call.holdMs).toBeLessThanOrEqual(120_000 * call.holdCount);
    }
    const transferredShare = finished.filter((call) => call.transferCount > 0).length / finished.length;
    expect(transferredShare).toBeGreaterThan(0.01);
    expect(transferredShare).toBeLessThan(0.08);
  });

  it('calls end by the caller or by the agent, and nobody abandons when agents are free', () => {
    const reasons = new Set(finished.map((call) => call.endReason));
    expect(reasons).toEqual(new Set(['caller_hangup', 'agent_hangup']));
    expect([...dayCalls.values()].filter((call) => call.endReason === 'abandoned')).toEqual([]);
    const waits = finished.map((call) => (call.answeredAt ?? 0) - call.offeredAt);
    expect(Math.max(...waits)).toBeLessThanOrEqual(6_000);
  });

  it('uses every line, with roaming callers mostly on the abroad number and Belarusian caller numbers', () => {
    const all = [...dayCalls.values()];
    expect(new Set(all.map((call) => call.line))).toEqual(new Set(LINES));
    const shortLineCalls = all.filter((call) => call.line === '0890' || call.line === '*7777');
    expect(shortLineCalls.length / all.length).toBeGreaterThan(0.7);
    for (const call of shortLineCalls) expect(call.callerNumber).toMatch(/^\+375 (29|33) [1-9]\d{2}-\d{2}-\d{2}$/);
    const roaming = all.filter((call) => call.topic === 'roaming');
    const roamingAbroad = roaming.filter((call) => call.line === '+375 29 7770890').length;
    expect(roamingAbroad / roaming.length).toBeGreaterThan(0.5);
    const cityCallers = all.filter((call) => call.line === '8 017 237-98-98').map((call) => call.callerNumber);
    expect(cityCallers.some((number) => /^\+375 (44|25) /.test(number))).toBe(true);
    expect(cityCallers.some((number) => /^\+375 17 /.test(number))).toBe(true);
  });

  it('some callers call back', () => {
    const perNumber = new Map<string, number>();
    for (const call of dayCalls.values()) perNumber.set(call.callerNumber, (perNumber.get(call.callerNumber) ?? 0) + 1);
    const repeatCallers = [...perNumber.values()].filter((count) => count > 1).length;
    expect(repeatCallers / perNumber.size).toBeGreaterThan(0.03);
    expect(repeatCallers / perNumber.size).toBeLessThan(0.2);
  });

  it('callers abandon the queue under overload, and waits exceed the service-level threshold', () => {
    const events = runFor(new CallCentreModel(options({ agents: 5, callsPerHour: 300, seed: 8 })), 4 * HOUR_MS);
    const { calls } = replay(events);
    const abandoned = [...calls.values()].filter((call) => call.endReason === 'abandoned');
    expect(abandoned.length).toBeGreaterThan(50);
    for (const call of abandoned) expect(call.answeredAt).toBeNull();
    const waits = [...calls.values()]
      .filter((c) => c.answeredAt !== null)
      .map((c) => (c.answeredAt ?? 0) - c.offeredAt);
    expect(waits.some((ms) => ms > 180_000)).toBe(true);
  });

  it('serves the queue first in, first out', () => {
    const events = runFor(new CallCentreModel(options({ agents: 6, callsPerHour: 250, seed: 12 })), 6 * HOUR_MS);
    const answered = [...replay(events).calls.values()]
      .filter((call) => call.answeredAt !== null)
      .sort((a, b) => a.offeredAt - b.offeredAt);
    expect(answered.some((call) => (call.answeredAt ?? 0) - call.offeredAt > 60_000)).toBe(true);
    // An earlier caller is never answered after a later one, but for the 1-6 s it takes to connect.
    let latestAnswerSoFar = 0;
    for (const call of answered) {
      expect(call.answeredAt ?? 0).toBeGreaterThanOrEqual(latestAnswerSoFar - 5_000);
      latestAnswerSoFar = Math.max(latestAnswerSoFar, call.answeredAt ?? 0);
    }
  });
});

describe('CallCentreModel arrivals', () => {
  it('follows the hour-of-day profile', () => {
    const days = 3;
    const callsPerHour = 1_000;
    const model = new CallCentreModel(
      options({ startAt: MIDNIGHT, callsPerHour, agents: 20, seed: 21, warmUp: false }),
    );
    const perHour = Array.from({ length: 24 }, () => 0);
    for (const { simMs, event } of runFor(model, days * 24 * HOUR_MS)) {
      if (event.type === 'call.offered') perHour[Math.floor(simMs / HOUR_MS) % 24]! += 1;
    }
    perHour.forEach((observed, hour) => {
      // Expected count: the profile integrated over the hour, for each day.
      let factor = 0;
      for (let step = 0; step < 60; step++) factor += volumeFactorAtHour(hour + (step + 0.5) / 60) / 60;
      const expected = days * callsPerHour * factor;
      expect(Math.abs(observed - expected)).toBeLessThan(5 * Math.sqrt(expected));
    });
    const total = perHour.reduce((sum, count) => sum + count, 0);
    expect(total / (days * 24)).toBeGreaterThan(callsPerHour * 0.95);
    expect(total / (days * 24)).toBeLessThan(callsPerHour * 1.05);
    // A quiet night, busy lunch and evening.
    expect(perHour[3]!).toBeLessThan(perHour[13]! / 8);
    expect(perHour[19]!).toBeGreaterThan(perHour[8]!);
  });

  it('warms up with calls in progress sized to the expected occupancy, all offered and answered at once', () => {
    const atStart = (modelOptions: ModelOptions) => {
      const model = new CallCentreModel(modelOptions);
      const events: IngestEvent[] = [];
      while (model.peekTime() === 0) events.push(model.next().event);
      return events;
    };
    // Around 1 pm, 240 calls/hour mean is about 420/hour; a call lasts about 5 min: some 30 calls talking.
    const midday = atStart(options({ startAt: NOON + HOUR_MS }));
    const answered = midday.filter((event) => event.type === 'call.answered').length;
    expect(answered).toBeGreaterThan(20);
    expect(answered).toBeLessThanOrEqual(40);
    expect(midday.filter((event) => event.type === 'call.offered').length).toBe(answered);
    // At 4 am it is quiet; and never more calls than agents.
    const night = atStart(options({ startAt: MIDNIGHT + 4 * HOUR_MS })).filter((e) => e.type === 'call.answered');
    expect(night.length).toBeLessThan(5);
    const small = atStart(options({ agents: 3, startAt: NOON + HOUR_MS })).filter((e) => e.type === 'call.answered');
    expect(small.length).toBe(3);
    expect(atStart(options({ warmUp: false }))).toEqual([]);
  });
});
