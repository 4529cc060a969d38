import { z } from 'zod';
import type { Role } from './auth.js';

/**
 * Everything the audit log records. Listening to a call, playing or downloading a recording and viewing an
 * agent's screen touch personal data, so each is written down with who, when, from where and why.
 * `_start`/`_stop` pairs bracket live audio so the log shows how long someone listened.
 */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'audio.listen_start',
  'audio.listen_stop',
  'audio.whisper_start',
  'audio.whisper_stop',
  'audio.barge_start',
  'audio.barge_stop',
  'recording.play',
  'recording.download',
  'screenshot.view',
  'evaluation.save',
  'settings.change',
  'user.create',
  'user.update',
  'ingest_key.create',
  'ingest_key.revoke',
  'retention.delete',
  'audit.export',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/** Free-form facts about one entry (what changed, which file); flat values keep the CSV export readable. */
export type AuditDetail = Record<string, string | number | boolean | null>;

/** One row of the append-only audit log, as `GET /api/audit` answers it. */
export interface AuditEntry {
  id: number;
  at: number;
  /** Null when nobody is signed in (a failed sign-in for an unknown name) or the server acted on its own. */
  userId: string | null;
  /** The actor's username at the time, or the name tried at a failed sign-in, or `system`. */
  username: string | null;
  role: Role | null;
  action: AuditAction;
  callId: string | null;
  /** The thing acted on besides the call: a user id, a key id, a recording or screenshot id. */
  objectId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Why, in the actor's words (e.g. the reason given for listening in) or the server's (why a sign-in failed). */
  reason: string | null;
  detail: AuditDetail;
}

const epochMsParam = z.coerce.number().int().nonnegative();

/** Filters shared by the list and the CSV export. */
const auditFilterShape = {
  from: epochMsParam.optional(),
  to: epochMsParam.optional(),
  userId: z.string().min(1).max(128).optional(),
  username: z.string().trim().min(1).max(64).optional(),
  action: AuditActionSchema.optional(),
  callId: z.string().min(1).max(128).optional(),
};

const fromNotAfterTo = {
  check: (q: { from?: number | undefined; to?: number | undefined }) =>
    q.from === undefined || q.to === undefined || q.from <= q.to,
  params: { message: 'from must not be later than to', path: ['from'] },
};

/** `GET /api/audit/export` query: the filters only; the whole selection is streamed. */
export const AuditExportQuerySchema = z
  .object(auditFilterShape)
  .strict()
  .refine(fromNotAfterTo.check, fromNotAfterTo.params);
export type AuditExportQuery = z.infer<typeof AuditExportQuerySchema>;

/** `GET /api/audit` query: filters plus cursor pagination, newest first. */
export const AuditQuerySchema = z
  .object({
    ...auditFilterShape,
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .regex(/^[0-9]{1,18}$/, 'cursor must be the nextCursor of a previous page')
      .optional(),
  })
  .strict()
  .refine(fromNotAfterTo.check, fromNotAfterTo.params);
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  nextCursor: string | null;
}
