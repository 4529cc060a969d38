import { DEFAULT_WALLBOARD_SETTINGS } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { formToSettings, msToMinutesText, msToSecondsText, settingsToForm } from './settingsForm.js';

const current = {
  ...DEFAULT_WALLBOARD_SETTINGS,
  longCallAmberMs: 8 * 60_000,
  longCallRedMs: 90_000 * 10,
  retentionDays: 90,
  deadAirThresholdMs: 10_000,
};

describe('settings form', () => {
  it('shows thresholds in minutes', () => {
    expect(settingsToForm(current)).toEqual({
      amberMinutes: '8',
      redMinutes: '15',
      retentionDays: '90',
      deadAirSeconds: '10',
    });
    expect(msToMinutesText(90_000)).toBe('1.5');
    expect(msToSecondsText(12_500)).toBe('12.5');
  });

  it('turns minutes into whole-second milliseconds for the API', () => {
    expect(
      formToSettings({ amberMinutes: '5', redMinutes: '12,5', retentionDays: '30', deadAirSeconds: '15' }),
    ).toEqual({
      ok: true,
      settings: { longCallAmberMs: 300_000, longCallRedMs: 750_000, retentionDays: 30, deadAirThresholdMs: 15_000 },
    });
  });

  it('round-trips what the server holds', () => {
    expect(formToSettings(settingsToForm(current))).toEqual({
      ok: true,
      settings: {
        longCallAmberMs: current.longCallAmberMs,
        longCallRedMs: current.longCallRedMs,
        retentionDays: 90,
        deadAirThresholdMs: 10_000,
      },
    });
  });

  it('says which field is wrong and why', () => {
    const result = formToSettings({ amberMinutes: 'soon', redMinutes: '0', retentionDays: '2.5', deadAirSeconds: 'x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.amberMinutes).toMatch(/number of minutes/);
    expect(result.errors.redMinutes).toMatch(/at least/);
    expect(result.errors.retentionDays).toMatch(/whole number of days/);
    expect(result.errors.deadAirSeconds).toMatch(/number of seconds from 3 to 120/);
  });

  it('wants red later than amber', () => {
    const result = formToSettings({ amberMinutes: '10', redMinutes: '10', retentionDays: '30', deadAirSeconds: '10' });
    expect(result).toEqual({ ok: false, errors: { redMinutes: 'Red must come later than amber' } });
  });

  it('keeps retention within bounds', () => {
    const valid = { amberMinutes: '1', redMinutes: '2', retentionDays: '30', deadAirSeconds: '10' };
    expect(formToSettings({ ...valid, retentionDays: '0' }).ok).toBe(false);
    expect(formToSettings({ ...valid, retentionDays: '99999' }).ok).toBe(false);
    expect(formToSettings(valid).ok).toBe(true);
  });

  it('keeps the dead-air threshold within its bounds, in seconds', () => {
    const valid = { amberMinutes: '1', redMinutes: '2', retentionDays: '30', deadAirSeconds: '10' };
    expect(formToSettings({ ...valid, deadAirSeconds: '2' }).ok).toBe(false);
    expect(formToSettings({ ...valid, deadAirSeconds: '121' }).ok).toBe(false);
    expect(formToSettings({ ...valid, deadAirSeconds: '' }).ok).toBe(false);
    expect(formToSettings({ ...valid, deadAirSeconds: '3' })).toMatchObject({
      ok: true,
      settings: { deadAirThresholdMs: 3_000 },
    });
    expect(formToSettings({ ...valid, deadAirSeconds: '120' })).toMatchObject({
      ok: true,
      settings: { deadAirThresholdMs: 120_000 },
    });
    expect(formToSettings({ ...valid, deadAirSeconds: '7,5' })).toMatchObject({
      ok: true,
      settings: { deadAirThresholdMs: 7_500 },
    });
  });
});
