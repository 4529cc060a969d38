import type { Call } from './calls.js';
import type { IngestEvent } from './ingest.js';

export type Transition = { ok: true; call: Call } | { ok: false; error: string };

/**
 * The call state machine, pure: applies one ingest event to the call's current state (undefined when the
 * call is not known) and returns the new state, or a sentence naming why the event cannot apply.
 * The server refuses such events and leaves the state untouched.
 */
export function applyCallEvent(current: Call | undefined, event: IngestEvent): Transition {
  if (event.type === 'call.offered') {
    if (current) return { ok: false, error: `call ${event.callId} was already offered` };
    return {
      ok: true,
      call: {
        id: event.callId,
        line: event.line,
        callerNumber: event.callerNumber,
        topic: event.topic,
        state: 'queued',
        offeredAt: event.at,
        answeredAt: null,
        endedAt: null,
        endReason: null,
        agentId: null,
        agentName: null,
        holdSince: null,
        holdMs: 0,
        holdCount: 0,
        transferCount: 0,
        lastEventAt: event.at,
        monitors: [],
        silence: null,
        sentiment: null,
      },
    };
  }
  if (!current) return { ok: false, error: `unknown call ${event.callId}: a call must be offered first` };
  if (current.state === 'ended') {
    return { ok: false, error: `${event.type} for call ${event.callId}, which has already ended` };
  }
  if (event.at < current.lastEventAt) {
    return {
      ok: false,
      error: `${event.type} at ${event.at} is earlier than the call's last event at ${current.lastEventAt}`,
    };
  }
  const refuse = (expected: string) => ({
    ok: false as const,
    error: `${event.type} is not valid while the call is ${current.state}; expected the call to be ${expected}`,
  });
  const at = event.at;
  switch (event.type) {
    case 'call.answered':
      if (current.state !== 'queued') return refuse('queued');
      return {
        ok: true,
        call: {
          ...current,
          state: 'talking',
          answeredAt: at,
          agentId: event.agentId,
          agentName: event.agentName,
          lastEventAt: at,
        },
      };
    case 'call.held':
      if (current.state !== 'talking') return refuse('talking');
      return {
        ok: true,
        call: { ...current, state: 'hold', holdSince: at, holdCount: current.holdCount + 1, lastEventAt: at },
      };
    case 'call.resumed':
      if (current.state !== 'hold' || current.holdSince === null) return refuse('on hold');
      return {
        ok: true,
        call: {
          ...current,
          state: 'talking',
          holdMs: current.holdMs + (at - current.holdSince),
          holdSince: null,
          lastEventAt: at,
        },
      };
    case 'call.transferred':
      if (current.state !== 'talking' && current.state !== 'hold') return refuse('talking or on hold');
      // A transfer hands the caller to another agent; a call on hold comes off hold with the new agent.
      return {
        ok: true,
        call: {
          ...current,
          state: 'talking',
          agentId: event.toAgentId,
          agentName: event.toAgentName,
          holdMs: current.holdSince === null ? current.holdMs : current.holdMs + (at - current.holdSince),
          holdSince: null,
          transferCount: current.transferCount + 1,
          lastEventAt: at,
        },
      };
    case 'call.ended': {
      if (event.reason === 'abandoned' && current.state !== 'queued') {
        return { ok: false, error: 'call.ended with reason abandoned is only valid for a call still in the queue' };
      }
      if (event.reason !== 'abandoned' && current.state === 'queued') {
        return {
          ok: false,
          error: `call.ended with reason ${event.reason} needs an answered call; use abandoned for a call in the queue`,
        };
      }
      return { ok: true, call: closeCall(current, at, event.reason) };
    }
  }
}

/** Ends a call at `at`, folding a running hold into the hold total. Also used to close calls on restart. */
export function closeCall(current: Call, at: number, reason: NonNullable<Call['endReason']>): Call {
  const endAt = Math.max(at, current.lastEventAt);
  return {
    ...current,
    state: 'ended',
    endedAt: endAt,
    endReason: reason,
    holdMs: current.holdSince === null ? current.holdMs : current.holdMs + (endAt - current.holdSince),
    holdSince: null,
    lastEventAt: endAt,
    // Nobody can stay on the audio of a call that ended, and it has no silence in progress.
    monitors: [],
    silence: null,
  };
}
