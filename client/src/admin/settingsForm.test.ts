import { DEFAULT_WALLBOARD_SETTINGS } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { formToSettings, msToMinutesText, settingsToForm } from './settingsForm.js';

const current = {
  ...DEFAULT_WALLBOARD_SETTINGS,
  longCallAmberMs: 8 * 60_000,
  longCallRedMs: 90_000 * 10,
  retentionDays: 90,
};

describe('settings form', () => {
  it('shows thresholds in minutes', () => {
    expect(settingsToForm(current)).toEqual({ amberMinutes: '8', redMinutes: '15', retentionDays: '90' });
    expect(msToMinutesText(90_000)).toBe('1.5');
  });

  it('turns minutes into whole-second milliseconds for the API', () => {
    expect(formToSettings({ amberMinutes: '5', redMinutes: '12,5', retentionDays: '30' })).toEqual({
      ok: true,
      settings: { longCallAmberMs: 300_000, longCallRedMs: 750_000, retentionDays: 30 },
    });
  });

  it('round-trips what the server holds', () => {
    expect(formToSettings(settingsToForm(current))).toEqual({
      ok: true,
      settings: { longCallAmberMs: current.longCallAmberMs, longCallRedMs: current.longCallRedMs, retentionDays: 90 },
    });
  });

  it('says which field is wrong and why', () => {
    const result = formToSettings({ amberMinutes: 'soon', redMinutes: '0', retentionDays: '2.5' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.amberMinutes).toMatch(/number of minutes/);
    expect(result.errors.redMinutes).toMatch(/at least/);
    expect(result.errors.retentionDays).toMatch(/whole number of days/);
  });

  it('wants red later than amber', () => {
    const result = formToSettings({ amberMinutes: '10', redMinutes: '10', retentionDays: '30' });
    expect(result).toEqual({ ok: false, errors: { redMinutes: 'Red must come later than amber' } });
  });

  it('keeps retention within bounds', () => {
    expect(formToSettings({ amberMinutes: '1', redMinutes: '2', retentionDays: '0' }).ok).toBe(false);
    expect(formToSettings({ amberMinutes: '1', redMinutes: '2', retentionDays: '99999' }).ok).toBe(false);
  });
});
