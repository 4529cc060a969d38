import { AUDIT_ACTIONS, type AuditAction } from '@earshot/shared';

/** The audit log's filters as the page keeps them (and puts in its address, so a view can be shared). */
export interface AuditFilters {
  /** Epoch ms, inclusive; null for no bound. */
  from: number | null;
  to: number | null;
  /** Exact username (the actor, or the name tried at a failed sign-in); empty for anyone. */
  username: string;
  action: AuditAction | null;
  callId: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = { from: null, to: null, username: '', action: null, callId: '' };

/** Labels for the action filter and the table, in words an admin reads without the code's names. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Sign-in failed',
  'auth.sign_out': 'Signed out',
  'audio.listen_start': 'Started listening',
  'audio.listen_stop': 'Stopped listening',
  'audio.whisper_start': 'Started whispering',
  'audio.whisper_stop': 'Stopped whispering',
  'audio.barge_start': 'Barged in',
  'audio.barge_stop': 'Left the barge-in',
  'recording.play': 'Played a recording',
  'recording.download': 'Downloaded a recording',
  'screenshot.view': "Viewed an agent's screen",
  'evaluation.save': 'Saved an evaluation',
  'settings.change': 'Changed settings',
  'user.create': 'Created a user',
  'user.update': 'Changed a user',
  'ingest_key.create': 'Created an ingest key',
  'ingest_key.revoke': 'Revoked an ingest key',
  'retention.delete': 'Deleted old data',
  'audit.export': 'Exported the audit log',
};

const PARAM = { from: 'from', to: 'to', username: 'user', action: 'action', callId: 'call' } as const;

function epochParam(value: string | null): number | null {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

function isAuditAction(value: string | null): value is AuditAction {
  return value !== null && (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/** Reads the filters from the page's address; anything malformed is ignored rather than sent on. */
export function filtersFromSearchParams(params: URLSearchParams): AuditFilters {
  const action = params.get(PARAM.action);
  return {
    from: epochParam(params.get(PARAM.from)),
    to: epochParam(params.get(PARAM.to)),
    username: (params.get(PARAM.username) ?? '').trim().slice(0, 64),
    action: isAuditAction(action) ? action : null,
    callId: (params.get(PARAM.callId) ?? '').trim().slice(0, 128),
  };
}

export function filtersToSearchParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.from !== null) params.set(PARAM.from, String(filters.from));
  if (filters.to !== null) params.set(PARAM.to, String(filters.to));
  if (filters.username) params.set(PARAM.username, filters.username);
  if (filters.action) params.set(PARAM.action, filters.action);
  if (filters.callId) params.set(PARAM.callId, filters.callId);
  return params;
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return filtersToSearchParams(filters).size > 0;
}

/** The API's query string (`GET /api/audit` and its CSV export take the same filters). */
export function auditQueryString(filters: AuditFilters, page: { limit?: number; cursor?: string | null } = {}): string {
  const params = new URLSearchParams();
  if (filters.from !== null) params.set('from', String(filters.from));
  if (filters.to !== null) params.set('to', String(filters.to));
  if (filters.username) params.set('username', filters.username);
  if (filters.action) params.set('action', filters.action);
  if (filters.callId) params.set('callId', filters.callId);
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.cursor) params.set('cursor', page.cursor);
  return params.toString();
}

/** The CSV export of exactly what the table shows (all pages, not just those loaded). */
export function auditExportHref(filters: AuditFilters): string {
  const query = auditQueryString(filters);
  return query ? `/api/audit/export?${query}` : '/api/audit/export';
}

/** Why these filters cannot be sent, or null when they can. */
export function auditFiltersProblem(filters: AuditFilters): string | null {
  if (filters.from !== null && filters.to !== null && filters.from > filters.to) {
    return '"From" is later than "To": swap them or clear one.';
  }
  return null;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** An `<input type="datetime-local">` value (local time, to the minute) for an epoch ms; '' for null. */
export function toDateTimeLocal(epochMs: number | null): string {
  if (epochMs === null) return '';
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/**
 * Epoch ms for a datetime-local value, read as local time; null for '' or nonsense. `endOfMinute` makes a
 * "to" bound include the whole minute shown, so "to 14:05" keeps what happened at 14:05:30.
 */
export function fromDateTimeLocal(value: string, endOfMinute = false): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const at = new Date(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : s).getTime();
  if (Number.isNaN(at)) return null;
  return endOfMinute ? at + 59_999 : at;
}
