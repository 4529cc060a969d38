import type { z } from 'zod';

/** Every acknowledgement and every API error has this shape, so clients handle failures one way. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: string; details?: AckIssue[] };

/** One problem found by a schema, with the path to the field it concerns. */
export interface AckIssue {
  path: string;
  message: string;
}

/** Turns a zod error into a sentence naming the fields that are wrong, plus a detail per issue. */
export function describeZodError(error: z.ZodError, what = 'payload'): { error: string; details: AckIssue[] } {
  const details = error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
  const summary = details
    .slice(0, 3)
    .map((d) => `${d.path}: ${d.message}`)
    .join('; ');
  const more = details.length > 3 ? ` (and ${details.length - 3} more)` : '';
  return { error: `invalid ${what}: ${summary}${more}`, details };
}

/** Parses `input` with `schema`, returning an Ack-shaped failure instead of throwing. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what?: string,
): { ok: true; data: z.output<S> } | { ok: false; error: string; details: AckIssue[] } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, ...describeZodError(result.error, what) };
}
