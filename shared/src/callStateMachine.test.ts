import { describe, expect, it } from 'vitest';
import { applyCallEvent, closeCall } from './callStateMachine.js';
import type { Call } from './calls.js';
import type { IngestEvent } from './ingest.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
let n = 0;
const ev = <E extends IngestEvent['type']>(type: E, at: number, extra: Record<string, unknown> = {}): IngestEvent =>
  ({ eventId: `e${++n}`, callId: 'c1', at, type, ...extra }) as IngestEvent;

const offered = ev('call.offered', T0, { line: '0890', callerNumber: '+375 29 1234567', topic: 'billing' });
const answered = ev('call.answered', T0 + 30_000, { agentId: 'agent-1', agentName: 'Алена Ковалева' });

function run(events: IngestEvent[]): Call {
  let call: Call | undefined;
  for (const e of events) {
    const t = applyCallEvent(call, e);
    if (!t.ok) throw new Error(t.error);
    call = t.call;
  }
  if (!call) throw new Error('no call');
  return call;
}

describe('applyCallEvent', () => {
  it('walks a call through queue, talk, hold, transfer and end', () => {
    const call = run([
      offered,
      answered,
      ev('call.held', T0 + 60_000),
      ev('call.resumed', T0 + 90_000),
      ev('call.held', T0 + 100_000),
      ev('call.transferred', T0 + 110_000, { toAgentId: 'agent-2', toAgentName: 'Дмитрий Жук' }),
      ev('call.ended', T0 + 200_000, { reason: 'caller_hangup' }),
    ]);
    expect(call).toMatchObject({
      state: 'ended',
      answeredAt: T0 + 30_000,
      endedAt: T0 + 200_000,
      endReason: 'caller_hangup',
      agentId: 'agent-2',
      holdCount: 2,
      holdMs: 40_000,
      holdSince: null,
      transferCount: 1,
    });
  });

  it('refuses an answer before the offer, naming the problem', () => {
    const t = applyCallEvent(undefined, answered);
    expect(t).toEqual({ ok: false, error: expect.stringMatching(/unknown call c1/) });
  });

  it('refuses a second offer, a hold while queued, a resume while talking', () => {
    const queued = run([offered]);
    expect(applyCallEvent(queued, offered).ok).toBe(false);
    expect(applyCallEvent(queued, ev('call.held', T0 + 1))).toMatchObject({
      ok: false,
      error: /while the call is queued/,
    });
    const talking = run([offered, answered]);
    expect(applyCallEvent(talking, ev('call.resumed', T0 + 40_000))).toMatchObject({ ok: false, error: /on hold/ });
  });

  it('refuses anything after the end', () => {
    const ended = run([offered, answered, ev('call.ended', T0 + 50_000, { reason: 'agent_hangup' })]);
    expect(applyCallEvent(ended, ev('call.held', T0 + 60_000))).toMatchObject({ ok: false, error: /already ended/ });
  });

  it('refuses time going backwards', () => {
    const talking = run([offered, answered]);
    expect(applyCallEvent(talking, ev('call.held', T0 + 10_000))).toMatchObject({ ok: false, error: /earlier than/ });
  });

  it('allows abandon only from the queue and hang-ups only after an answer', () => {
    const queued = run([offered]);
    expect(applyCallEvent(queued, ev('call.ended', T0 + 5_000, { reason: 'abandoned' }))).toMatchObject({
      ok: true,
      call: { state: 'ended', endReason: 'abandoned', answeredAt: null },
    });
    expect(applyCallEvent(queued, ev('call.ended', T0 + 5_000, { reason: 'caller_hangup' })).ok).toBe(false);
    const talking = run([offered, answered]);
    expect(applyCallEvent(talking, ev('call.ended', T0 + 50_000, { reason: 'abandoned' })).ok).toBe(false);
  });

  it('closeCall folds a running hold into the total', () => {
    const onHold = run([offered, answered, ev('call.held', T0 + 60_000)]);
    const closed = closeCall(onHold, T0 + 75_000, 'server_restart');
    expect(closed).toMatchObject({ state: 'ended', holdMs: 15_000, holdSince: null, endReason: 'server_restart' });
  });
});
