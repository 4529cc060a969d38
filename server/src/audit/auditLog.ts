import {
  type AuditAction,
  AuditActionSchema,
  type AuditDetail,
  type AuditEntry,
  type AuditExportQuery,
  type AuditPage,
  type AuditQuery,
  type Role,
  RoleSchema,
} from '@earshot/shared';
import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import { type AuditLogTable, type AuditTables, auditDb } from './tables.js';

/** Who acted and from where; `auditActorFromRequest` and `auditActorFromSocket` fill it in. */
export interface AuditActor {
  userId: string | null;
  username: string | null;
  role: Role | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditRecordInput extends Partial<AuditActor> {
  action: AuditAction;
  callId?: string | null;
  objectId?: string | null;
  reason?: string | null;
  detail?: AuditDetail;
}

export interface AuditLog {
  /**
   * Appends one entry and resolves once it is stored. Callers await it before doing what they audit
   * (listening in, handing out a recording), so an action that cannot be recorded does not happen.
   */
  record(entry: AuditRecordInput): Promise<AuditEntry>;
  /** One page, newest first. */
  list(query: AuditQuery): Promise<AuditPage>;
  /** Every matching entry, newest first, read a page at a time so an export of any size uses little memory. */
  stream(filters: AuditExportQuery, pageSize?: number): AsyncGenerator<AuditEntry>;
}

/** Long free text (user agents, reasons, detail values) is cut here: the log is evidence, not storage. */
const MAX_TEXT_LENGTH = 1_000;
const EXPORT_PAGE_SIZE = 500;

const clip = (text: string | null | undefined): string | null =>
  text === null || text === undefined ? null : text.slice(0, MAX_TEXT_LENGTH);

function clipDetail(detail: AuditDetail | undefined): AuditDetail {
  const clipped: AuditDetail = {};
  for (const [key, value] of Object.entries(detail ?? {})) {
    clipped[key] = typeof value === 'string' ? value.slice(0, MAX_TEXT_LENGTH) : value;
  }
  return clipped;
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  const role = RoleSchema.safeParse(row.role);
  return {
    id: Number(row.id),
    at: Number(row.at),
    userId: row.user_id,
    username: row.username,
    role: role.success ? role.data : null,
    action: row.action,
    callId: row.call_id,
    objectId: row.object_id,
    ip: row.ip,
    userAgent: row.user_agent,
    reason: row.reason,
    detail: parseDetail(row.detail),
  };
}

function parseDetail(text: string): AuditDetail {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as AuditDetail) : {};
  } catch {
    return {};
  }
}

function applyFilters<O>(
  query: SelectQueryBuilder<AuditTables, 'audit_log', O>,
  filters: AuditExportQuery,
): SelectQueryBuilder<AuditTables, 'audit_log', O> {
  let q = query;
  if (filters.from !== undefined) q = q.where('at', '>=', filters.from);
  if (filters.to !== undefined) q = q.where('at', '<=', filters.to);
  if (filters.userId !== undefined) q = q.where('user_id', '=', filters.userId);
  if (filters.username !== undefined) q = q.where('username', '=', filters.username);
  if (filters.action !== undefined) q = q.where('action', '=', filters.action);
  if (filters.callId !== undefined) q = q.where('call_id', '=', filters.callId);
  return q;
}

/** Takes the application's database handle (any whose tables include the audit log) and the clock. */
export function createAuditLog<D extends AuditTables>(options: { db: Kysely<D>; now: () => number }): AuditLog {
  const db = auditDb(options.db);
  const { now } = options;
  const page = async (filters: AuditExportQuery, limit: number, beforeId: number | null) => {
    let query = applyFilters(db.selectFrom('audit_log').selectAll(), filters);
    if (beforeId !== null) query = query.where('id', '<', beforeId);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(toEntry);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? String(last.id) : null };
  };

  return {
    async record(entry) {
      const row = {
        at: now(),
        user_id: entry.userId ?? null,
        username: clip(entry.username),
        role: entry.role ?? null,
        // The type already says so; the check keeps a cast elsewhere from writing a word the filters cannot find.
        action: AuditActionSchema.parse(entry.action),
        call_id: clip(entry.callId),
        object_id: clip(entry.objectId),
        ip: clip(entry.ip),
        user_agent: clip(entry.userAgent),
        reason: clip(entry.reason),
        detail: JSON.stringify(clipDetail(entry.detail)),
      };
      const inserted = await db.insertInto('audit_log').values(row).returning('id').executeTakeFirstOrThrow();
      return toEntry({ ...row, id: inserted.id });
    },

    list(query) {
      return page(query, query.limit, query.cursor === undefined ? null : Number(query.cursor));
    },

    async *stream(filters, pageSize = EXPORT_PAGE_SIZE) {
      let beforeId: number | null = null;
      for (;;) {
        const { items, nextCursor } = await page(filters, pageSize, beforeId);
        yield* items;
        if (nextCursor === null) return;
        beforeId = Number(nextCursor);
      }
    },
  };
}
