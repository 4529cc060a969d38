import {
  type AppSettings,
  DEAD_AIR_THRESHOLD_MAX_MS,
  DEAD_AIR_THRESHOLD_MIN_MS,
  LONG_CALL_THRESHOLD_MAX_MS,
  LONG_CALL_THRESHOLD_MIN_MS,
  RETENTION_DAYS_MAX,
  RETENTION_DAYS_MIN,
  type UpdateSettings,
  UpdateSettingsSchema,
} from '@earshot/shared';

/**
 * The settings form as typed: long-call thresholds in minutes (people think of long calls in minutes), the
 * dead-air threshold in whole seconds (a silence is counted in seconds), days whole.
 */
export interface SettingsForm {
  amberMinutes: string;
  redMinutes: string;
  retentionDays: string;
  deadAirSeconds: string;
}

export type SettingsFormErrors = Partial<Record<keyof SettingsForm, string>>;

const MS_PER_MINUTE = 60_000;

/** Minutes for a field: whole when whole, else up to two decimals (90 s reads 1.5). */
export function msToMinutesText(ms: number): string {
  return String(Math.round((ms / MS_PER_MINUTE) * 100) / 100);
}

export function settingsToForm(settings: AppSettings): SettingsForm {
  return {
    amberMinutes: msToMinutesText(settings.longCallAmberMs),
    redMinutes: msToMinutesText(settings.longCallRedMs),
    retentionDays: String(settings.retentionDays),
    deadAirSeconds: msToSecondsText(settings.deadAirThresholdMs),
  };
}

/** Seconds for a field: whole when whole, else one decimal (tenths of a second are what the form keeps). */
export function msToSecondsText(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

const DEAD_AIR_MIN_S = DEAD_AIR_THRESHOLD_MIN_MS / 1000;
const DEAD_AIR_MAX_S = DEAD_AIR_THRESHOLD_MAX_MS / 1000;

/** A number typed by a person: a comma is a decimal point too; blank or junk is NaN. */
function parseDecimal(text: string): number {
  const normalized = text.trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(normalized) ? Number(normalized) : Number.NaN;
}

const MIN_MINUTES = LONG_CALL_THRESHOLD_MIN_MS / MS_PER_MINUTE;
const MAX_MINUTES = LONG_CALL_THRESHOLD_MAX_MS / MS_PER_MINUTE;

function minutesProblem(minutes: number, label: string): string | null {
  if (Number.isNaN(minutes)) return `${label}: enter a number of minutes`;
  const ms = Math.round(minutes * 60) * 1000;
  if (ms < LONG_CALL_THRESHOLD_MIN_MS) return `${label}: at least ${Math.ceil(MIN_MINUTES * 60)} second`;
  if (ms > LONG_CALL_THRESHOLD_MAX_MS) return `${label}: at most ${MAX_MINUTES} minutes (a day)`;
  return null;
}

/**
 * The form as the API's UpdateSettings (minutes to whole seconds in ms), or a sentence per field that is
 * wrong. The server checks the same schema; this only saves a round trip and says it in the form's units.
 */
export function formToSettings(
  form: SettingsForm,
): { ok: true; settings: UpdateSettings } | { ok: false; errors: SettingsFormErrors } {
  const errors: SettingsFormErrors = {};
  const amber = parseDecimal(form.amberMinutes);
  const red = parseDecimal(form.redMinutes);
  const days = form.retentionDays.trim();
  const deadAirSeconds = parseDecimal(form.deadAirSeconds);
  const amberProblem = minutesProblem(amber, 'Amber');
  const redProblem = minutesProblem(red, 'Red');
  if (amberProblem) errors.amberMinutes = amberProblem;
  if (redProblem) errors.redMinutes = redProblem;
  if (!/^\d+$/.test(days) || Number(days) < RETENTION_DAYS_MIN || Number(days) > RETENTION_DAYS_MAX) {
    errors.retentionDays = `Keep data for a whole number of days from ${RETENTION_DAYS_MIN} to ${RETENTION_DAYS_MAX}`;
  }
  // NaN fails both comparisons, so it is caught by the first test.
  if (!(deadAirSeconds >= DEAD_AIR_MIN_S && deadAirSeconds <= DEAD_AIR_MAX_S)) {
    errors.deadAirSeconds = `Dead air: a number of seconds from ${DEAD_AIR_MIN_S} to ${DEAD_AIR_MAX_S}`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const candidate = {
    longCallAmberMs: Math.round(amber * 60) * 1000,
    longCallRedMs: Math.round(red * 60) * 1000,
    retentionDays: Number(days),
    deadAirThresholdMs: Math.round(deadAirSeconds * 10) * 100,
  };
  if (candidate.longCallAmberMs >= candidate.longCallRedMs) {
    return { ok: false, errors: { redMinutes: 'Red must come later than amber' } };
  }
  const parsed = UpdateSettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    return { ok: false, errors: { amberMinutes: parsed.error.issues[0]?.message ?? 'not valid' } };
  }
  return { ok: true, settings: parsed.data };
}
