import {
  type AppSettings,
  DEAD_AIR_THRESHOLD_MAX_MS,
  DEAD_AIR_THRESHOLD_MIN_MS,
  DEAD_AIR_THRESHOLD_MS,
  type UpdateSettings,
} from '@earshot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { errorMessage, sendJson } from '../lib/http.js';
import { SETTINGS_QUERY_KEY, settingsQueryOptions } from '../lib/settingsQuery.js';
import { Notice, type NoticeState } from './Notice.js';
import {
  formToSettings,
  msToMinutesText,
  msToSecondsText,
  type SettingsForm,
  type SettingsFormErrors,
  settingsToForm,
} from './settingsForm.js';

export function SettingsPage() {
  const settings = useQuery(settingsQueryOptions());
  const [notice, setNotice] = useState<NoticeState>(null);

  return (
    <div className="admin-page settings-page" data-testid="settings-page">
      <title>Settings · Admin · Earshot</title>
      <header className="page-header">
        <h1>Settings</h1>
        <p className="page-lead">
          Changes take effect at once on every open wallboard, and each one is written to the audit log with the values
          before and after.
        </p>
      </header>
      <Notice notice={notice} />
      {settings.isPending ? (
        <p className="muted">Loading settings…</p>
      ) : settings.isError ? (
        <p className="notice notice-error" role="alert">
          Could not load the settings: {errorMessage(settings.error)}
        </p>
      ) : (
        // A change saved elsewhere (another admin, via the socket) resets the form to what is in force.
        <SettingsEditor key={JSON.stringify(settings.data)} current={settings.data} onNotice={setNotice} />
      )}
    </div>
  );
}

function SettingsEditor({ current, onNotice }: { current: AppSettings; onNotice: (notice: NoticeState) => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<SettingsForm>(() => settingsToForm(current));
  const [errors, setErrors] = useState<SettingsFormErrors>({});
  const ids = { amber: useId(), red: useId(), retention: useId(), deadAir: useId() };
  const save = useMutation({
    mutationFn: (next: UpdateSettings) => sendJson<AppSettings>('PUT', '/api/settings', next),
    onSuccess: (saved) => {
      queryClient.setQueryData(SETTINGS_QUERY_KEY, saved);
      onNotice({
        kind: 'ok',
        text: `Saved: amber from ${msToMinutesText(saved.longCallAmberMs)} min, red from ${msToMinutesText(saved.longCallRedMs)} min, dead air from ${msToSecondsText(saved.deadAirThresholdMs)} s, data kept ${saved.retentionDays} days.`,
      });
    },
    onError: (error) => onNotice({ kind: 'error', text: `Could not save the settings: ${errorMessage(error)}` }),
  });
  const set = (field: keyof SettingsForm) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  const dirty = JSON.stringify(form) !== JSON.stringify(settingsToForm(current));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const result = formToSettings(form);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    save.mutate(result.settings);
  };
  const serviceLevelMinutes = msToMinutesText(current.serviceLevelThresholdMs);

  return (
    <form className="settings" onSubmit={onSubmit} noValidate data-testid="settings-form">
      <section className="panel form-panel" aria-labelledby="thresholds-title">
        <h2 id="thresholds-title" className="panel-title">
          Long calls on the wallboard
        </h2>
        <p className="panel-lead">A tile turns amber, then red, when a call's talk time reaches these.</p>
        <div className="form-grid">
          <NumberField
            id={ids.amber}
            label="Amber after"
            unit="min"
            value={form.amberMinutes}
            onChange={set('amberMinutes')}
            error={errors.amberMinutes}
            testId="settings-amber"
            swatch="amber"
          />
          <NumberField
            id={ids.red}
            label="Red after"
            unit="min"
            value={form.redMinutes}
            onChange={set('redMinutes')}
            error={errors.redMinutes}
            testId="settings-red"
            swatch="red"
          />
        </div>
        <p className="field-hint">
          Service level is fixed by the regulator's rule: {current.serviceLevelTargetPct}% of callers answered within{' '}
          {serviceLevelMinutes} min.
        </p>
      </section>

      <section className="panel form-panel" aria-labelledby="dead-air-title">
        <h2 id="dead-air-title" className="panel-title">
          Dead air
        </h2>
        <p className="panel-lead">
          A tile shows a silence badge once neither side has spoken for a moment (hold does not count), and raises the
          dead-air alert when the silence lasts this long. The alert says whether the agent was working on their screen
          or stuck.
        </p>
        <div className="form-grid">
          <NumberField
            id={ids.deadAir}
            label="Dead air after"
            unit="s"
            value={form.deadAirSeconds}
            onChange={set('deadAirSeconds')}
            error={errors.deadAirSeconds}
            testId="settings-dead-air"
            swatch="dead-air"
          />
        </div>
        <p className="field-hint">
          From {DEAD_AIR_THRESHOLD_MIN_MS / 1000} to {DEAD_AIR_THRESHOLD_MAX_MS / 1000} seconds; the default is{' '}
          {DEAD_AIR_THRESHOLD_MS / 1000}.
        </p>
      </section>

      <section className="panel form-panel" aria-labelledby="retention-title">
        <h2 id="retention-title" className="panel-title">
          Retention
        </h2>
        <p className="panel-lead">
          Call records older than this are deleted, checked every hour. Calls still in progress are never deleted.
        </p>
        <div className="form-grid">
          <NumberField
            id={ids.retention}
            label="Keep call data for"
            unit="days"
            value={form.retentionDays}
            onChange={set('retentionDays')}
            error={errors.retentionDays}
            testId="settings-retention"
          />
        </div>
      </section>

      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={save.isPending || !dirty}
          data-testid="settings-save"
        >
          {save.isPending ? 'Saving…' : 'Save settings'}
        </button>
        {dirty && (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setForm(settingsToForm(current));
              setErrors({});
            }}
          >
            Discard changes
          </button>
        )}
      </div>
    </form>
  );
}

function NumberField({
  id,
  label,
  unit,
  value,
  onChange,
  error,
  testId,
  swatch,
}: {
  id: string;
  label: string;
  unit: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  testId: string;
  swatch?: 'amber' | 'red' | 'dead-air';
}) {
  return (
    <div className="field">
      <label htmlFor={id}>
        {swatch && <span className={`swatch swatch-${swatch}`} aria-hidden="true" />}
        {label}
      </label>
      <div className="input-unit">
        <input
          id={id}
          className="input input-number"
          inputMode="decimal"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error !== undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          data-testid={testId}
        />
        <span className="unit">{unit}</span>
      </div>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
