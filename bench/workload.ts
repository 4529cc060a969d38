import { applyCallEvent, type Call, type IngestEvent, LINES, TOPICS } from '@earshot/shared';
import { mulberry32 } from '../server/src/simulator/random.js';

const AGENT_COUNT = 6000;

/** Call ids carry a number so the latency bookkeeping can index arrays instead of maps. */
export function callIdOf(index: number): string {
  return `bench-c${index}`;
}
export function callIndexOf(callId: string): number {
  return Number(callId.slice('bench-c'.length));
}

/**
 * Generates a realistic stream of valid ingest events for a fixed number of live calls: offers, answers,
 * holds, resumes, transfers and endings, each ending replaced at once by a new offer so the wallboard keeps
 * the same size. It keeps its own copy of each call (through the shared state machine), so every event it
 * emits is valid, and it stamps `at` strictly increasing per call: the pair (callId, lastEventAt) then names
 * exactly one event, which is how a dashboard's delta is matched to the event that caused it.
 */
export class CallWorkload {
  private readonly random: () => number;
  private readonly calls = new Map<string, Call>();
  /** Live call ids, for picking one at random in O(1); removal swaps with the last. */
  private readonly liveIds: string[] = [];
  private readonly livePosition = new Map<string, number>();
  private nextCallIndex = 0;
  private nextEventIndex = 0;

  constructor(seed: number) {
    // The simulator's seeded generator: the same seed sends the same call mix.
    this.random = mulberry32(seed);
  }

  get liveCount(): number {
    return this.liveIds.length;
  }

  /** How many call ids were used so far (the highest call index + 1). */
  get callsCreated(): number {
    return this.nextCallIndex;
  }

  queuedIds(): string[] {
    return this.liveIds.filter((id) => this.calls.get(id)?.state === 'queued');
  }

  offer(now: number): IngestEvent {
    const callId = callIdOf(this.nextCallIndex++);
    return this.commit({
      type: 'call.offered',
      eventId: this.eventId(),
      callId,
      at: now,
      line: this.pick(LINES),
      callerNumber: `+375 29 ${this.digits(3)}-${this.digits(2)}-${this.digits(2)}`,
      topic: this.pick(TOPICS),
    });
  }

  answer(callId: string, now: number): IngestEvent {
    const agent = Math.floor(this.random() * AGENT_COUNT);
    return this.commit({
      type: 'call.answered',
      eventId: this.eventId(),
      callId,
      at: this.atFor(callId, now),
      agentId: `agent-${agent}`,
      agentName: `Agent ${agent}`,
    });
  }

  /**
   * One change to a random live call, as the steady phase sends them. An ending comes with the offer
   * that replaces it, so this returns one or two events.
   */
  change(now: number): IngestEvent[] {
    const callId = this.liveIds[Math.floor(this.random() * this.liveIds.length)];
    if (callId === undefined) return [this.offer(now)];
    const call = this.calls.get(callId);
    if (!call) throw new Error(`workload lost track of call ${callId}`);
    const roll = this.random();
    const base = { eventId: this.eventId(), callId, at: this.atFor(callId, now) };
    let event: IngestEvent;
    if (call.state === 'queued') {
      event = roll < 0.85 ? this.answerEvent(base) : { ...base, type: 'call.ended', reason: 'abandoned' };
    } else if (call.state === 'talking') {
      if (roll < 0.3) event = { ...base, type: 'call.held' };
      else if (roll < 0.4) event = this.transferEvent(base);
      else event = { ...base, type: 'call.ended', reason: this.random() < 0.5 ? 'caller_hangup' : 'agent_hangup' };
    } else {
      if (roll < 0.75) event = { ...base, type: 'call.resumed' };
      else if (roll < 0.85) event = this.transferEvent(base);
      else event = { ...base, type: 'call.ended', reason: 'caller_hangup' };
    }
    this.commit(event);
    return event.type === 'call.ended' ? [event, this.offer(now)] : [event];
  }

  private answerEvent(base: { eventId: string; callId: string; at: number }): IngestEvent {
    const agent = Math.floor(this.random() * AGENT_COUNT);
    return { ...base, type: 'call.answered', agentId: `agent-${agent}`, agentName: `Agent ${agent}` };
  }

  private transferEvent(base: { eventId: string; callId: string; at: number }): IngestEvent {
    const agent = Math.floor(this.random() * AGENT_COUNT);
    return { ...base, type: 'call.transferred', toAgentId: `agent-${agent}`, toAgentName: `Agent ${agent}` };
  }

  private commit(event: IngestEvent): IngestEvent {
    const transition = applyCallEvent(this.calls.get(event.callId), event);
    if (!transition.ok) throw new Error(`workload produced an invalid event: ${transition.error}`);
    const call = transition.call;
    if (call.state === 'ended') {
      this.calls.delete(call.id);
      const position = this.livePosition.get(call.id);
      const last = this.liveIds.pop();
      if (position !== undefined && last !== undefined && last !== call.id) {
        this.liveIds[position] = last;
        this.livePosition.set(last, position);
      }
      this.livePosition.delete(call.id);
    } else {
      if (!this.calls.has(call.id)) {
        this.livePosition.set(call.id, this.liveIds.length);
        this.liveIds.push(call.id);
      }
      this.calls.set(call.id, call);
    }
    return event;
  }

  /** Strictly after the call's last event, so (callId, at) is unique. */
  private atFor(callId: string, now: number): number {
    const last = this.calls.get(callId)?.lastEventAt ?? 0;
    return Math.max(now, last + 1);
  }

  private eventId(): string {
    return `bench-e${this.nextEventIndex++}`;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private digits(count: number): string {
    let text = '';
    for (let i = 0; i < count; i++) text += Math.floor(this.random() * 10);
    return text;
  }
}
