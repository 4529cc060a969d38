import { z } from 'zod';
import { type Call, EndReasonSchema, LineSchema, TopicSchema } from './calls.js';

/** A call's outcome for filtering: still live, or how it ended. */
export const CALL_OUTCOMES = ['live', ...EndReasonSchema.options] as const;
export const CallOutcomeSchema = z.enum(CALL_OUTCOMES);
export type CallOutcome = z.infer<typeof CallOutcomeSchema>;

/** Query-string numbers arrive as text; this accepts digits only and names the field when it is wrong. */
const epochMsParam = z.coerce.number().int().nonnegative();

/** `GET /api/calls` query: filters plus cursor pagination, newest first. */
export const CallsQuerySchema = z
  .object({
    from: epochMsParam.optional(),
    to: epochMsParam.optional(),
    agentId: z.string().min(1).max(128).optional(),
    line: LineSchema.optional(),
    topic: TopicSchema.optional(),
    outcome: CallOutcomeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be later than to',
    path: ['from'],
  });
export type CallsQuery = z.infer<typeof CallsQuerySchema>;

export interface CallsPage {
  items: Call[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

export interface HealthStatus {
  status: 'ok';
  store: 'sqlite' | 'postgres';
  liveCalls: number;
  uptimeS: number;
}
