import {
  type AppSettings,
  DEAD_AIR_THRESHOLD_MS,
  EDITABLE_SETTING_NAMES,
  SERVICE_LEVEL_TARGET_PCT,
  SERVICE_LEVEL_THRESHOLD_MS,
  type UpdateSettings,
  UpdateSettingsSchema,
  type WallboardSettings,
} from '@earshot/shared';
import type { Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import type { Database } from '../store/database.js';

export interface SettingsChange {
  before: AppSettings;
  after: AppSettings;
  /** The names of the settings whose value changed; empty when the update repeated the current values. */
  changed: (keyof UpdateSettings)[];
}

export type SettingsListener = (settings: AppSettings, change: SettingsChange) => void;

/**
 * The starting values. The dead-air threshold has no configuration variable (an admin sets it in the
 * dashboard), so it may be left out and starts at DEAD_AIR_THRESHOLD_MS.
 */
export type SettingsDefaults = Omit<UpdateSettings, 'deadAirThresholdMs'> &
  Partial<Pick<UpdateSettings, 'deadAirThresholdMs'>>;

/**
 * The settings in force. The configuration (LONG_CALL_*_MS, RETENTION_DAYS) gives the starting values; what
 * an admin saves is stored in the `settings` table and wins from then on, across restarts. Reads are from
 * memory; an update is written to the store first and only then takes effect and is announced.
 */
export class SettingsService {
  private settings: AppSettings;
  private readonly defaults: UpdateSettings;
  private readonly listeners = new Set<SettingsListener>();
  /** Updates run one after another, so each one's `before` is the previous one's `after`. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      defaults: SettingsDefaults;
      now: () => number;
      logger: Logger;
    },
  ) {
    this.defaults = { deadAirThresholdMs: DEAD_AIR_THRESHOLD_MS, ...deps.defaults };
    this.settings = withFixedRules(this.defaults);
  }

  current(): AppSettings {
    return this.settings;
  }

  /**
   * The dead-air threshold in force (ms), for the live silence detector. An arrow property, so it can be
   * handed over as it is: `deadAirThresholdMs: settingsService.deadAirThresholdMs`.
   */
  readonly deadAirThresholdMs = (): number => this.settings.deadAirThresholdMs;

  /** The part the wallboard snapshot carries. */
  wallboard(): WallboardSettings {
    const { retentionDays: _notForTheWallboard, ...wallboard } = this.settings;
    return wallboard;
  }

  /** Reads what admins stored over the defaults. A stored value that no longer validates is ignored (and said). */
  async load(): Promise<AppSettings> {
    const rows = await this.deps.db.selectFrom('settings').select(['key', 'value']).execute();
    const merged: Record<string, unknown> = { ...this.defaults };
    for (const row of rows) {
      if (!(EDITABLE_SETTING_NAMES as readonly string[]).includes(row.key)) continue;
      try {
        merged[row.key] = JSON.parse(row.value);
      } catch {
        this.deps.logger.warn(`settings: stored value of ${row.key} is not JSON; using the default`);
      }
    }
    const parsed = UpdateSettingsSchema.safeParse(merged);
    if (parsed.success) {
      this.settings = withFixedRules(parsed.data);
    } else {
      this.deps.logger.warn('settings: the stored settings do not validate together; using the defaults', {
        issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      });
    }
    return this.settings;
  }

  /**
   * Stores and applies validated settings; listeners hear of it only when something changed. `beforeWrite`
   * runs first with the change (the audit entry): when it fails, nothing changes.
   */
  update(
    next: UpdateSettings,
    updatedBy: string | null,
    beforeWrite?: (change: SettingsChange) => Promise<void>,
  ): Promise<SettingsChange> {
    const run = this.queue.then(() => this.apply(next, updatedBy, beforeWrite));
    this.queue = run.catch(() => {});
    return run;
  }

  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private async apply(
    next: UpdateSettings,
    updatedBy: string | null,
    beforeWrite: ((change: SettingsChange) => Promise<void>) | undefined,
  ): Promise<SettingsChange> {
    const before = this.settings;
    const changed = EDITABLE_SETTING_NAMES.filter((name) => before[name] !== next[name]);
    if (changed.length === 0) return { before, after: before, changed };
    const after = withFixedRules(next);
    const change = { before, after, changed };
    await beforeWrite?.(change);
    const at = this.deps.now();
    await this.deps.db.transaction().execute(async (trx) => {
      for (const name of EDITABLE_SETTING_NAMES) {
        const row = { key: name, value: JSON.stringify(next[name]), updated_at: at, updated_by: updatedBy };
        await trx
          .insertInto('settings')
          .values(row)
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: at, updated_by: updatedBy }))
          .execute();
      }
    });
    this.settings = after;
    for (const listener of this.listeners) listener(after, change);
    return change;
  }
}

/** The service-level rule is the regulator's, not a setting: it rides along so clients have one object. */
function withFixedRules(editable: UpdateSettings): AppSettings {
  return {
    longCallAmberMs: editable.longCallAmberMs,
    longCallRedMs: editable.longCallRedMs,
    serviceLevelThresholdMs: SERVICE_LEVEL_THRESHOLD_MS,
    serviceLevelTargetPct: SERVICE_LEVEL_TARGET_PCT,
    retentionDays: editable.retentionDays,
    deadAirThresholdMs: editable.deadAirThresholdMs,
  };
}
