import type { IngestEvent, Line, Topic } from '@earshot/shared';
import { callerNumberFor, createAgentPool, LINE_WEIGHTS, type SimAgent, topicWeightsFor } from './people.js';
import { callsPerHourAt, PEAK_VOLUME_FACTOR } from './profile.js';
import { deriveSeed, Rng } from './random.js';

/*
 * The pure core of the simulator: a discrete-event model of the contact centre on a virtual clock.
 * Given the same options it yields the same events in the same order with the same simulated times; it
 * knows nothing about sockets or real timers (the driver in driver.ts feeds it the clock and sends).
 *
 * Simulated time `simMs` counts milliseconds since the start of the run on the simulated clock, which
 * starts at `startAt` (that drives the hour-of-day profile) and runs `speed` times faster than real time.
 */

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Conversation length (holds excluded): log-normal, median a little over 3 min, long right tail. */
export const TALK_MEDIAN_MS = 190 * SECOND_MS;
export const TALK_SIGMA = 0.8;
const TALK_MIN_MS = 15 * SECOND_MS;
const TALK_MAX_MS = 55 * MINUTE_MS;
/** Some topics take longer: technical questions and roaming set-up more than a tariff question. */
const TALK_TOPIC_FACTOR: Readonly<Record<Topic, number>> = {
  billing: 1,
  tariffs: 0.9,
  technical: 1.3,
  roaming: 1.2,
  mobile_internet: 1.15,
  other: 0.75,
};

/** Share of calls with at least one hold (the agent checks something), by topic; a second hold is rarer. */
const HOLD_CHANCE: Readonly<Record<Topic, number>> = {
  billing: 0.18,
  tariffs: 0.12,
  technical: 0.28,
  roaming: 0.2,
  mobile_internet: 0.22,
  other: 0.1,
};
const SECOND_HOLD_CHANCE = 0.3;
const HOLD_MIN_MS = 20 * SECOND_MS;
const HOLD_MAX_MS = 120 * SECOND_MS;

/** Share of answered calls handed to a colleague (a second-line specialist), by topic. */
const TRANSFER_CHANCE: Readonly<Record<Topic, number>> = {
  billing: 0.03,
  tariffs: 0.02,
  technical: 0.07,
  roaming: 0.05,
  mobile_internet: 0.05,
  other: 0.03,
};
/** Most transfers are consultative: the agent puts the caller on hold, then hands over. */
const TRANSFER_FROM_HOLD_SHARE = 0.6;
/** The colleague who takes a transfer needs time of their own. */
const AFTER_TRANSFER_TALK_MEDIAN_MS = 100 * SECOND_MS;

/** Time from the offer (or from leaving the queue) to the agent picking up. */
const CONNECT_MIN_MS = 1 * SECOND_MS;
const CONNECT_MAX_MS = 6 * SECOND_MS;

/** How long a caller is willing to wait in the queue before hanging up: log-normal, median 2.5 min. */
export const PATIENCE_MEDIAN_MS = 150 * SECOND_MS;
const PATIENCE_SIGMA = 0.8;

/** After-call work before the agent takes the next call: log-normal, median 20 s, clamped. */
const WRAP_UP_MEDIAN_MS = 20 * SECOND_MS;
const WRAP_UP_SIGMA = 0.5;
const WRAP_UP_MIN_MS = 5 * SECOND_MS;
const WRAP_UP_MAX_MS = 2 * MINUTE_MS;

/** Who ends an answered call. */
const CALLER_HANGUP_SHARE = 0.7;

/** Repeat contacts: a share of callers are people who called recently, more likely the most recent ones. */
const REPEAT_CALLER_SHARE = 0.08;
const REPEAT_SAME_TOPIC_SHARE = 0.7;
const RECENT_CALLERS_MAX = 10_000;

/** Mean talk time including holds, for sizing the warm-up (Little's law); close enough for that purpose. */
const MEAN_TALK_MS = TALK_MEDIAN_MS * Math.exp((TALK_SIGMA * TALK_SIGMA) / 2) + 15 * SECOND_MS;

export interface ModelOptions {
  agents: number;
  /** Mean arrival rate over the day; the hour-of-day profile shapes it (see profile.ts). */
  callsPerHour: number;
  /** Simulated seconds per real second; only used for the planned `at` of events. */
  speed: number;
  seed: number;
  /** Epoch ms where the simulated clock starts (hour-of-day profile) and the origin of planned `at`. */
  startAt: number;
  /** Part of every id, so two runs with the same seed never reuse an event id (the server dedupes forever). */
  runId: string;
  /** Start with calls already in progress, sized to the expected occupancy (default true). */
  warmUp?: boolean;
}

export interface ScheduledEvent {
  /** Simulated milliseconds since the start of the run. */
  simMs: number;
  /** `at` is the planned wall-clock time `startAt + simMs / speed`; the driver stamps the real send time. */
  event: IngestEvent;
}

type StepAction = 'hold' | 'resume' | 'transfer' | 'end';

interface ScriptStep {
  /** Delay after the previous step (after the answer for the first). */
  afterMs: number;
  action: StepAction;
}

/** Everything about one caller, drawn when the call arrives, so the caller population is independent of staffing. */
interface CallScript {
  line: Line;
  topic: Topic;
  callerNumber: string;
  patienceMs: number;
  connectMs: number;
  steps: ScriptStep[];
  endReason: 'caller_hangup' | 'agent_hangup';
}

type CallPhase = 'queued' | 'connecting' | 'talking' | 'hold' | 'ended';

interface LiveCall {
  id: string;
  script: CallScript;
  phase: CallPhase;
  agent: SimAgent | null;
  nextStep: number;
}

type Action =
  | { kind: 'arrival' }
  | { kind: 'abandon'; callId: string }
  | { kind: 'answer'; callId: string }
  | { kind: 'step'; callId: string }
  | { kind: 'agentFree'; agent: SimAgent };

interface PendingAction {
  simMs: number;
  /** Insertion order: breaks ties so equal times always resolve the same way. */
  order: number;
  action: Action;
}

/** A binary min-heap on (simMs, order). */
class ActionQueue {
  private readonly heap: PendingAction[] = [];
  private counter = 0;

  push(simMs: number, action: Action): void {
    this.heap.push({ simMs, order: this.counter++, action });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): PendingAction | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.heap.length && this.before(left, smallest)) smallest = left;
        if (right < this.heap.length && this.before(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.simMs < y.simMs || (x.simMs === y.simMs && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = x;
  }
}

/** What the model holds right now, for tests and status lines. */
export interface ModelState {
  simMs: number;
  queued: number;
  liveCalls: number;
  freeAgents: number;
}

export class CallCentreModel {
  readonly agents: readonly SimAgent[];
  private readonly options: ModelOptions;
  /** Arrival times and everything about each caller. */
  private readonly callerRng: Rng;
  /** Choices that depend on the centre's state: wrap-up lengths. */
  private readonly centreRng: Rng;
  private readonly actions = new ActionQueue();
  private readonly output: ScheduledEvent[] = [];
  private readonly calls = new Map<string, LiveCall>();
  /** Waiting calls in arrival order (FIFO); abandoned ones are removed. */
  private readonly queue: LiveCall[] = [];
  /** Free agents, longest idle first: the usual ACD rule, and it spreads the work. */
  private readonly freeAgents: SimAgent[];
  private readonly recentCallers: { callerNumber: string; line: Line; topic: Topic }[] = [];
  private readonly idPrefix: string;
  private eventCount = 0;
  private callCount = 0;
  private now = 0;

  constructor(options: ModelOptions) {
    this.options = options;
    this.agents = createAgentPool(options.agents);
    this.freeAgents = [...this.agents];
    this.callerRng = new Rng(deriveSeed(options.seed, 1));
    this.centreRng = new Rng(deriveSeed(options.seed, 2));
    this.idPrefix = `sim-${options.seed}-${options.runId}`;
    if (options.warmUp ?? true) this.warmUp();
    this.actions.push(this.nextArrivalAfter(0), { kind: 'arrival' });
  }

  /** Simulated time of the next event (there always is one: arrivals never stop). */
  peekTime(): number {
    this.fill();
    return this.output[0]!.simMs;
  }

  next(): ScheduledEvent {
    this.fill();
    return this.output.shift()!;
  }

  /** Every event due at or before `simMs`, in order. */
  eventsUntil(simMs: number, maxEvents = Number.POSITIVE_INFINITY): ScheduledEvent[] {
    const due: ScheduledEvent[] = [];
    while (due.length < maxEvents && this.peekTime() <= simMs) due.push(this.next());
    return due;
  }

  state(): ModelState {
    return {
      simMs: this.now,
      queued: this.queue.length,
      liveCalls: this.calls.size,
      freeAgents: this.freeAgents.length,
    };
  }

  private fill(): void {
    while (this.output.length === 0) {
      const pending = this.actions.pop();
      // Unreachable: an arrival is always scheduled.
      if (!pending) throw new Error('simulator model ran out of actions');
      this.now = pending.simMs;
      this.run(pending.action);
    }
  }

  private run(action: Action): void {
    switch (action.kind) {
      case 'arrival':
        this.arrive();
        this.actions.push(this.nextArrivalAfter(this.now), { kind: 'arrival' });
        return;
      case 'abandon': {
        const call = this.calls.get(action.callId);
        // The caller's patience ran out only if they are still waiting.
        if (call?.phase !== 'queued') return;
        const index = this.queue.indexOf(call);
        if (index >= 0) this.queue.splice(index, 1);
        this.end(call, 'abandoned');
        return;
      }
      case 'answer': {
        const call = this.calls.get(action.callId);
        if (call?.phase !== 'connecting' || !call.agent) return;
        this.answer(call, call.agent);
        return;
      }
      case 'step': {
        const call = this.calls.get(action.callId);
        if (call) this.step(call);
        return;
      }
      case 'agentFree':
        this.freeAgents.push(action.agent);
        this.dispatch();
        return;
    }
  }

  /**
   * Non-homogeneous Poisson arrivals by thinning: candidates at the peak rate, each kept with probability
   * rate(t) / peak rate. Exact for any rate profile, and only needs the profile's maximum.
   */
  private nextArrivalAfter(simMs: number): number {
    const peakPerMs = (this.options.callsPerHour * PEAK_VOLUME_FACTOR) / HOUR_MS;
    let t = simMs;
    for (;;) {
      t += this.callerRng.exponential(1 / peakPerMs);
      const ratePerMs = callsPerHourAt(this.options.startAt + t, this.options.callsPerHour) / HOUR_MS;
      if (this.callerRng.next() * peakPerMs < ratePerMs) return Math.round(t);
    }
  }

  private arrive(): void {
    const call = this.newCall(this.drawScript(1));
    const agent = this.queue.length === 0 ? this.freeAgents.shift() : undefined;
    if (agent) {
      this.connect(call, agent);
    } else {
      this.queue.push(call);
      this.actions.push(this.now + call.script.patienceMs, { kind: 'abandon', callId: call.id });
    }
  }

  /**
   * Warm-up, so the board does not start empty: as many calls as Little's law expects in conversation
   * right now (arrival rate × mean talk time, at most every agent). Events must carry "now" and be
   * monotonic, so these are offered and answered immediately rather than back-dated; their remaining
   * length is a fraction of a normal call, as they are, in the story, already under way.
   */
  private warmUp(): void {
    const ratePerMs = callsPerHourAt(this.options.startAt, this.options.callsPerHour) / HOUR_MS;
    const count = Math.min(this.agents.length, Math.round(ratePerMs * MEAN_TALK_MS));
    for (let i = 0; i < count; i++) {
      const agent = this.freeAgents.shift();
      if (!agent) return;
      const call = this.newCall(this.drawScript(this.callerRng.uniform(0.1, 1)));
      call.agent = agent;
      this.answer(call, agent);
    }
  }

  private newCall(script: CallScript): LiveCall {
    this.callCount += 1;
    const call: LiveCall = {
      id: `${this.idPrefix}-call-${this.callCount}`,
      script,
      phase: 'queued',
      agent: null,
      nextStep: 0,
    };
    this.calls.set(call.id, call);
    this.emit({
      type: 'call.offered',
      eventId: this.nextEventId(),
      callId: call.id,
      at: this.plannedAt(),
      line: script.line,
      callerNumber: script.callerNumber,
      topic: script.topic,
    });
    return call;
  }

  /** Hands the longest-waiting caller to a free agent, if both exist. */
  private dispatch(): void {
    while (this.queue.length > 0 && this.freeAgents.length > 0) {
      const call = this.queue.shift()!;
      const agent = this.freeAgents.shift()!;
      this.connect(call, agent);
    }
  }

  private connect(call: LiveCall, agent: SimAgent): void {
    call.phase = 'connecting';
    call.agent = agent;
    this.actions.push(this.now + call.script.connectMs, { kind: 'answer', callId: call.id });
  }

  private answer(call: LiveCall, agent: SimAgent): void {
    call.phase = 'talking';
    this.emit({
      type: 'call.answered',
      eventId: this.nextEventId(),
      callId: call.id,
      at: this.plannedAt(),
      agentId: agent.id,
      agentName: agent.name,
    });
    this.scheduleNextStep(call);
  }

  private scheduleNextStep(call: LiveCall): void {
    const step = call.script.steps[call.nextStep];
    if (step) this.actions.push(this.now + step.afterMs, { kind: 'step', callId: call.id });
  }

  private step(call: LiveCall): void {
    const step = call.script.steps[call.nextStep];
    call.nextStep += 1;
    if (!step || call.phase === 'ended') return;
    switch (step.action) {
      case 'hold':
        call.phase = 'hold';
        this.emit({ type: 'call.held', eventId: this.nextEventId(), callId: call.id, at: this.plannedAt() });
        break;
      case 'resume':
        call.phase = 'talking';
        this.emit({ type: 'call.resumed', eventId: this.nextEventId(), callId: call.id, at: this.plannedAt() });
        break;
      case 'transfer':
        this.transfer(call);
        break;
      case 'end':
        this.end(call, call.script.endReason);
        return;
    }
    this.scheduleNextStep(call);
  }

  /** Hands the call to the longest-idle colleague; with nobody free the agent keeps it (and takes it off hold). */
  private transfer(call: LiveCall): void {
    const target = this.freeAgents.shift();
    if (!target) {
      if (call.phase === 'hold') {
        call.phase = 'talking';
        this.emit({ type: 'call.resumed', eventId: this.nextEventId(), callId: call.id, at: this.plannedAt() });
      }
      return;
    }
    const previous = call.agent;
    call.agent = target;
    call.phase = 'talking';
    this.emit({
      type: 'call.transferred',
      eventId: this.nextEventId(),
      callId: call.id,
      at: this.plannedAt(),
      toAgentId: target.id,
      toAgentName: target.name,
    });
    if (previous) this.wrapUp(previous);
  }

  private end(call: LiveCall, reason: 'caller_hangup' | 'agent_hangup' | 'abandoned'): void {
    call.phase = 'ended';
    this.calls.delete(call.id);
    this.emit({ type: 'call.ended', eventId: this.nextEventId(), callId: call.id, at: this.plannedAt(), reason });
    if (call.agent && reason !== 'abandoned') this.wrapUp(call.agent);
  }

  private wrapUp(agent: SimAgent): void {
    const wrapMs = clamp(this.centreRng.logNormal(WRAP_UP_MEDIAN_MS, WRAP_UP_SIGMA), WRAP_UP_MIN_MS, WRAP_UP_MAX_MS);
    this.actions.push(this.now + Math.round(wrapMs), { kind: 'agentFree', agent });
  }

  /** Draws one caller: who, why, how patient, and how the conversation will go once answered. */
  private drawScript(conversationScale: number): CallScript {
    const rng = this.callerRng;
    const repeat = this.recentCallers.length > 0 && rng.chance(REPEAT_CALLER_SHARE);
    let line: Line;
    let callerNumber: string;
    let topic: Topic;
    if (repeat) {
      // Squaring the uniform favours the most recent callers: a callback is likelier soon after.
      const back = Math.floor(rng.next() ** 2 * this.recentCallers.length);
      const previous = this.recentCallers[this.recentCallers.length - 1 - back]!;
      line = previous.line;
      callerNumber = previous.callerNumber;
      topic = rng.chance(REPEAT_SAME_TOPIC_SHARE) ? previous.topic : rng.weighted(topicWeightsFor(line));
    } else {
      line = rng.weighted(LINE_WEIGHTS);
      callerNumber = callerNumberFor(rng, line);
      topic = rng.weighted(topicWeightsFor(line));
    }
    this.recentCallers.push({ callerNumber, line, topic });
    if (this.recentCallers.length > RECENT_CALLERS_MAX) this.recentCallers.shift();

    const patienceMs = Math.round(rng.logNormal(PATIENCE_MEDIAN_MS, PATIENCE_SIGMA));
    const connectMs = Math.round(rng.uniform(CONNECT_MIN_MS, CONNECT_MAX_MS));
    const conversationMs =
      clamp(rng.logNormal(TALK_MEDIAN_MS * TALK_TOPIC_FACTOR[topic], TALK_SIGMA), TALK_MIN_MS, TALK_MAX_MS) *
      conversationScale;

    let holds = rng.chance(HOLD_CHANCE[topic]) ? (rng.chance(SECOND_HOLD_CHANCE) ? 2 : 1) : 0;
    const transfer = rng.chance(TRANSFER_CHANCE[topic]);
    const transferFromHold = transfer && rng.chance(TRANSFER_FROM_HOLD_SHARE);
    if (transferFromHold && holds === 0) holds = 1;
    const interruptions = holds + (transfer && !transferFromHold ? 1 : 0);
    const cuts = Array.from({ length: interruptions }, () => rng.uniform(0.1, 0.9) * conversationMs).sort(
      (a, b) => a - b,
    );

    // Holds come first; the transfer, if any, is the last interruption (from its hold when consultative).
    const steps: ScriptStep[] = [];
    let previousCut = 0;
    cuts.forEach((cut, index) => {
      const afterMs = Math.round(cut - previousCut);
      previousCut = cut;
      const isLast = index === cuts.length - 1;
      if (transfer && !transferFromHold && isLast) {
        steps.push({ afterMs, action: 'transfer' });
        return;
      }
      steps.push({ afterMs, action: 'hold' });
      const holdMs = Math.round(rng.uniform(HOLD_MIN_MS, HOLD_MAX_MS));
      steps.push({ afterMs: holdMs, action: transferFromHold && isLast ? 'transfer' : 'resume' });
    });
    const afterTransferMs = transfer ? rng.logNormal(AFTER_TRANSFER_TALK_MEDIAN_MS, 0.6) : 0;
    steps.push({ afterMs: Math.round(conversationMs - previousCut + afterTransferMs), action: 'end' });

    const endReason = rng.chance(CALLER_HANGUP_SHARE) ? 'caller_hangup' : 'agent_hangup';
    return { line, topic, callerNumber, patienceMs, connectMs, steps, endReason };
  }

  private nextEventId(): string {
    this.eventCount += 1;
    return `${this.idPrefix}-${this.eventCount}`;
  }

  private plannedAt(): number {
    return this.options.startAt + Math.floor(this.now / this.options.speed);
  }

  private emit(event: IngestEvent): void {
    this.output.push({ simMs: this.now, event });
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
