import { z } from 'zod';
import type { WallboardSettings } from './rules.js';
import { DEAD_AIR_THRESHOLD_MAX_MS, DEAD_AIR_THRESHOLD_MIN_MS } from './speech.js';

/** Bounds for the long-call thresholds, in the API and in LONG_CALL_AMBER_MS / LONG_CALL_RED_MS alike. */
export const LONG_CALL_THRESHOLD_MIN_MS = 1_000;
export const LONG_CALL_THRESHOLD_MAX_MS = 24 * 60 * 60_000;

/** How long call records (and later recordings and screenshots) are kept before the retention job deletes them. */
export const DEFAULT_RETENTION_DAYS = 90;
export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 3_650;

/**
 * The settings an admin may change (`PUT /api/settings`, permission `settings:manage`): all of them at once.
 * Changes take effect at once: the wallboard's colours for every connected dashboard (`settings:updated`),
 * the retention job at its next run.
 */
export const UpdateSettingsSchema = z
  .object({
    /** Talk time at which a tile turns amber. */
    longCallAmberMs: z.number().int().min(LONG_CALL_THRESHOLD_MIN_MS).max(LONG_CALL_THRESHOLD_MAX_MS),
    /** Talk time at which a tile turns red; must be greater than the amber one. */
    longCallRedMs: z.number().int().min(LONG_CALL_THRESHOLD_MIN_MS).max(LONG_CALL_THRESHOLD_MAX_MS),
    /** Call records older than this many days are deleted (hourly, and at start-up). */
    retentionDays: z.number().int().min(RETENTION_DAYS_MIN).max(RETENTION_DAYS_MAX),
    /** A silence (neither side speaking, hold excluded) this long raises the dead-air alert on the tile. */
    deadAirThresholdMs: z.number().int().min(DEAD_AIR_THRESHOLD_MIN_MS).max(DEAD_AIR_THRESHOLD_MAX_MS),
  })
  .strict()
  .refine((s) => s.longCallAmberMs < s.longCallRedMs, {
    message: 'longCallAmberMs must be smaller than longCallRedMs',
    path: ['longCallAmberMs'],
  });
export type UpdateSettings = z.infer<typeof UpdateSettingsSchema>;

/** The editable settings' names, for code that walks them (audit before/after, storage). */
export const EDITABLE_SETTING_NAMES = [
  'longCallAmberMs',
  'longCallRedMs',
  'retentionDays',
  'deadAirThresholdMs',
] as const;

/**
 * Everything `GET /api/settings` answers (permission `wallboard:view`) and `settings:updated` carries: the
 * wallboard's thresholds (fixed service-level rule included) plus the retention period.
 */
export interface AppSettings extends WallboardSettings {
  retentionDays: number;
}
