import { z } from 'zod';
import { LiveSilenceSchema, SentimentSchema } from './callSignals.js';
import { MonitorSchema } from './monitors.js';

/** The support lines of the reference centre (product brief). */
export const LINES = ['0890', '*7777', '8 017 237-98-98', '+375 29 7770890'] as const;
export const LineSchema = z.enum(LINES);
export type Line = z.infer<typeof LineSchema>;

export const TOPICS = ['billing', 'tariffs', 'technical', 'roaming', 'mobile_internet', 'other'] as const;
export const TopicSchema = z.enum(TOPICS);
export type Topic = z.infer<typeof TopicSchema>;

/** Human labels for topics, shared by the dashboard and docs. */
export const TOPIC_LABELS: Record<Topic, string> = {
  billing: 'Billing',
  tariffs: 'Tariffs',
  technical: 'Technical problem',
  roaming: 'Roaming',
  mobile_internet: 'Mobile internet',
  other: 'Other',
};

/** Where a call is in its life. `queued` means ringing in the queue, waiting for an agent. */
export const CALL_STATES = ['queued', 'talking', 'hold', 'ended'] as const;
export const CallStateSchema = z.enum(CALL_STATES);
export type CallState = z.infer<typeof CallStateSchema>;

/**
 * Why a call ended. `abandoned`: the caller hung up while still in the queue.
 * `server_restart`: the call was live when the server stopped, so its true end is unknown.
 */
export const END_REASONS = ['caller_hangup', 'agent_hangup', 'abandoned', 'server_restart'] as const;
export const EndReasonSchema = z.enum(END_REASONS);
export type EndReason = z.infer<typeof EndReasonSchema>;

/** A caller number as the telephony platform sends it: digits with an optional leading + and spaces or dashes. */
export const CallerNumberSchema = z
  .string()
  .trim()
  .min(3, 'caller number is too short')
  .max(32, 'caller number is too long')
  .regex(/^\+?[0-9(][0-9 ()-]*$/, 'caller number may hold digits, spaces, dashes, parentheses and a leading +')
  .refine((n) => /[0-9]{3}/.test(n.replace(/[^0-9]/g, '')), 'caller number needs at least three digits');

/** Ids chosen by the telephony platform: short, printable, no path characters. */
export const ExternalIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'id may hold letters, digits and . _ : - only');

export const AgentNameSchema = z.string().trim().min(1).max(80);

/** Epoch milliseconds. Timers in the browser tick from these; the server never sends durations that grow. */
export const EpochMsSchema = z
  .number()
  .int()
  .min(946684800000, 'timestamp must be epoch milliseconds after 2000-01-01');

/**
 * One call as the dashboard sees it. Durations that grow while you watch are sent as the moment they
 * started (`answeredAt`, `holdSince`), never as a number of seconds.
 */
export const CallSchema = z.object({
  id: ExternalIdSchema,
  line: LineSchema,
  callerNumber: z.string(),
  topic: TopicSchema,
  state: CallStateSchema,
  offeredAt: EpochMsSchema,
  answeredAt: EpochMsSchema.nullable(),
  endedAt: EpochMsSchema.nullable(),
  endReason: EndReasonSchema.nullable(),
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  /** Set while the call is on hold. */
  holdSince: EpochMsSchema.nullable(),
  /** Hold time of holds already finished; add `now - holdSince` while on hold. */
  holdMs: z.number().int().nonnegative(),
  holdCount: z.number().int().nonnegative(),
  transferCount: z.number().int().nonnegative(),
  /** Time of the last event applied, from the source. */
  lastEventAt: EpochMsSchema,
  /**
   * Who of the quality team is on the call's audio now (listening, whispering, barging). Live state only:
   * never stored with the call (the history keeps every start and stop), empty once the call ended.
   */
  monitors: z.array(MonitorSchema),
  /** The silence in progress (neither side speaking for SILENCE_BADGE_MIN_MS or more, not on hold), or null. Live only. */
  silence: LiveSilenceSchema.nullable(),
  /** Sentiment from the transcript so far (final once the call ended); null before any transcript. */
  sentiment: SentimentSchema.nullable(),
});
export type Call = z.infer<typeof CallSchema>;

/** Time the caller waited in the queue, or is still waiting (`now` for a call not yet answered). */
export function queueWaitMs(call: Pick<Call, 'offeredAt' | 'answeredAt' | 'endedAt'>, now: number): number {
  const until = call.answeredAt ?? call.endedAt ?? now;
  return Math.max(0, until - call.offeredAt);
}

/** Talk time so far (hold included, as the agent is still occupied); 0 before the answer. */
export function talkTimeMs(call: Pick<Call, 'answeredAt' | 'endedAt'>, now: number): number {
  if (call.answeredAt === null) return 0;
  return Math.max(0, (call.endedAt ?? now) - call.answeredAt);
}

/** Total hold time, including the hold in progress. */
export function holdTimeMs(call: Pick<Call, 'holdMs' | 'holdSince' | 'endedAt'>, now: number): number {
  const running = call.holdSince === null ? 0 : Math.max(0, (call.endedAt ?? now) - call.holdSince);
  return call.holdMs + running;
}
