import { type AuditDetail, EDITABLE_SETTING_NAMES, parseWith, UpdateSettingsSchema } from '@earshot/shared';
import { Router } from 'express';
import type { AuditLog } from '../audit/auditLog.js';
import { auditActorFromRequest } from '../audit/context.js';
import { requirePermission } from '../auth/middleware.js';
import { sendError } from '../http/errors.js';
import type { SettingsChange, SettingsService } from './settingsService.js';

/** Every editable setting before and after, flat (`longCallAmberMsBefore`, `longCallAmberMsAfter`, …). */
export function describeSettingsChange({ before, after, changed }: SettingsChange): AuditDetail {
  const detail: AuditDetail = { changed: changed.join(',') };
  for (const name of EDITABLE_SETTING_NAMES) {
    detail[`${name}Before`] = before[name];
    detail[`${name}After`] = after[name];
  }
  return detail;
}

/**
 * GET /api/settings (permission `wallboard:view`): the settings in force, AppSettings.
 * PUT /api/settings (permission `settings:manage`): UpdateSettings, all fields; answers the new AppSettings.
 * A change is audited (`settings.change`, before and after) before it is written, and reaches connected
 * dashboards as `settings:updated`.
 */
export function createSettingsRouter(deps: { settings: SettingsService; audit: AuditLog }): Router {
  const router = Router();

  router.get('/settings', requirePermission('wallboard:view'), (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(deps.settings.current());
  });

  router.put('/settings', requirePermission('settings:manage'), async (req, res) => {
    const parsed = parseWith(UpdateSettingsSchema, req.body, 'settings');
    if (!parsed.ok) return sendError(res, 400, parsed.error, parsed.details);
    const actor = auditActorFromRequest(req);
    const change = await deps.settings.update(parsed.data, actor.userId, async (pending) => {
      await deps.audit.record({ ...actor, action: 'settings.change', detail: describeSettingsChange(pending) });
    });
    res.set('Cache-Control', 'no-store');
    res.json(change.after);
  });

  return router;
}
