import { z } from 'zod';
import {
  AgentNameSchema,
  CallerNumberSchema,
  EpochMsSchema,
  ExternalIdSchema,
  LineSchema,
  TopicSchema,
} from './calls.js';

/**
 * The ingest protocol: how a telephony platform (or the simulator, or any adapter) tells Earshot about
 * calls. Documented with examples in docs/ingest.md. Every event carries its own id (for de-duplication)
 * and the time it happened at the source.
 */
const eventBase = {
  /** Unique per event at the source; a repeated id is acknowledged and ignored. */
  eventId: ExternalIdSchema,
  callId: ExternalIdSchema,
  /** When it happened at the source, epoch milliseconds. */
  at: EpochMsSchema,
};

export const CallOfferedEventSchema = z.object({
  ...eventBase,
  type: z.literal('call.offered'),
  line: LineSchema,
  callerNumber: CallerNumberSchema,
  topic: TopicSchema,
});

export const CallAnsweredEventSchema = z.object({
  ...eventBase,
  type: z.literal('call.answered'),
  agentId: ExternalIdSchema,
  agentName: AgentNameSchema,
});

export const CallHeldEventSchema = z.object({ ...eventBase, type: z.literal('call.held') });
export const CallResumedEventSchema = z.object({ ...eventBase, type: z.literal('call.resumed') });

export const CallTransferredEventSchema = z.object({
  ...eventBase,
  type: z.literal('call.transferred'),
  toAgentId: ExternalIdSchema,
  toAgentName: AgentNameSchema,
});

export const CallEndedEventSchema = z.object({
  ...eventBase,
  type: z.literal('call.ended'),
  /** `abandoned` is only valid for a call still in the queue; the others only for an answered call. */
  reason: z.enum(['caller_hangup', 'agent_hangup', 'abandoned']),
});

export const IngestEventSchema = z.discriminatedUnion('type', [
  CallOfferedEventSchema,
  CallAnsweredEventSchema,
  CallHeldEventSchema,
  CallResumedEventSchema,
  CallTransferredEventSchema,
  CallEndedEventSchema,
]);
export type IngestEvent = z.infer<typeof IngestEventSchema>;
export type IngestEventType = IngestEvent['type'];
export const INGEST_EVENT_TYPES = IngestEventSchema.options.map((o) => o.shape.type.value);

/** A batch sent over HTTP or the ingest socket; order within the batch is the order of application. */
export const INGEST_BATCH_MAX_EVENTS = 500;
export const IngestBatchSchema = z.array(IngestEventSchema).min(1).max(INGEST_BATCH_MAX_EVENTS);

/** What the server answers for one accepted event. */
export interface IngestResult {
  eventId: string;
  /** True when the event id was seen before: acknowledged, nothing changed. */
  duplicate: boolean;
}

/** Per-event outcome of a batch: accepted ones and rejected ones, each rejection with its reason. */
export type IngestBatchItem =
  | { ok: true; eventId: string; duplicate: boolean }
  | { ok: false; index: number; eventId?: string; error: string };

/** Name of the Socket.IO namespace ingest clients connect to. */
export const INGEST_NAMESPACE = '/ingest';
/** HTTP header carrying the ingest key (alternatively `Authorization: Bearer <key>`). */
export const INGEST_KEY_HEADER = 'x-earshot-ingest-key';
