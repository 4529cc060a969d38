import { AuditExportQuerySchema, AuditQuerySchema, parseWith } from '@earshot/shared';
import { Router } from 'express';
import { requirePermission } from '../auth/middleware.js';
import { sendError } from '../http/errors.js';
import type { AuditLog } from './auditLog.js';
import { auditActorFromRequest } from './context.js';
import { csvRow } from './csv.js';

const CSV_COLUMNS = [
  'id',
  'at',
  'user_id',
  'username',
  'role',
  'action',
  'call_id',
  'object_id',
  'ip',
  'user_agent',
  'reason',
  'detail',
] as const;

/** Excel reads a CSV as UTF-8 only when it starts with a byte order mark; names and reasons may be Cyrillic. */
const UTF8_BOM = '\uFEFF';

/** `GET /api/audit` (a page, JSON) and `GET /api/audit/export` (everything matching, CSV), admins only. Mount on `/api`. */
export function createAuditRouter({ audit }: { audit: AuditLog }): Router {
  const router = Router();

  router.get('/audit', requirePermission('audit:view'), async (req, res) => {
    const query = parseWith(AuditQuerySchema, req.query, 'audit query');
    if (!query.ok) return sendError(res, 400, query.error, query.details);
    res.set('Cache-Control', 'no-store');
    res.json(await audit.list(query.data));
  });

  router.get('/audit/export', requirePermission('audit:view'), async (req, res) => {
    const query = parseWith(AuditExportQuerySchema, req.query, 'audit export query');
    if (!query.ok) return sendError(res, 400, query.error, query.details);
    // Who took a copy of the log is itself worth knowing; recorded before the first row leaves.
    await audit.record({
      ...auditActorFromRequest(req),
      action: 'audit.export',
      detail: Object.fromEntries(Object.entries(query.data).filter(([, value]) => value !== undefined)),
    });
    const stamp = new Date().toISOString().replaceAll(':', '-').slice(0, 19);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="earshot-audit-${stamp}.csv"`,
      'Cache-Control': 'no-store',
    });
    res.write(UTF8_BOM + csvRow(CSV_COLUMNS));
    try {
      for await (const entry of audit.stream(query.data)) {
        const line = csvRow([
          entry.id,
          new Date(entry.at).toISOString(),
          entry.userId,
          entry.username,
          entry.role,
          entry.action,
          entry.callId,
          entry.objectId,
          entry.ip,
          entry.userAgent,
          entry.reason,
          JSON.stringify(entry.detail),
        ]);
        // Respect backpressure: a slow download must not pile the whole log up in memory.
        if (!res.write(line)) await waitForDrain(res);
        if (res.destroyed) return;
      }
      res.end();
    } catch (error) {
      // The status line is long gone; cutting the connection tells the client the file is incomplete.
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  });

  return router;
}

function waitForDrain(res: NodeJS.WritableStream & { destroyed: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
