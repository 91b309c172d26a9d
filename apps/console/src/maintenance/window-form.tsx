import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, ok, type Schema } from '../api';
import { detailsByPath, type FieldErrors } from '../silences/matchers';
import { ErrorBox } from '../ui/page';
import { cronInWords, rruleInWords } from './schedule-words';
import {
  buildWindowBody,
  EMPTY_WINDOW_FORM,
  placeWindowErrors,
  type WindowField,
  type WindowFormState,
} from './window-body';

type Window = Schema<'MaintenanceWindowDto'>;

/** IANA names the browser knows, offered as suggestions (the server checks the name). */
const TIME_ZONES: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

/**
 * A new maintenance window: reason; one-off (start, end) or recurring (RRULE or cron, time zone,
 * duration, until); scope (services, IDCs, labels); effects. The server's 400 `details` are shown at
 * the field they name.
 */
export function MaintenanceWindowForm({
  onCreated,
  onClose,
}: {
  onCreated(w: Window): void;
  onClose(): void;
}) {
  const uid = useId();
  const client = useQueryClient();
  const [form, setForm] = useState<WindowFormState>(EMPTY_WINDOW_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<WindowFormState>) => setForm((f) => ({ ...f, ...patch }));
  // The rule read back in words as it is typed (null until it is one this can read).
  const preview = form.rule.trim()
    ? (form.syntax === 'rrule' ? rruleInWords : cronInWords)(form.rule.trim())
    : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const built = buildWindowBody(form);
    if ('errors' in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await ok(api.POST('/api/v1/maintenance-windows', { body: built.body }));
      await client.invalidateQueries({ queryKey: ['maintenance-windows'] });
      onCreated(created);
    } catch (err) {
      const byPath = err instanceof ApiError && err.status === 400 ? detailsByPath(err.body) : {};
      const { placed, unplaced } = placeWindowErrors(byPath);
      setErrors(placed);
      // Shown next to the fields they name; anything else (or no details at all) goes in the box.
      setFailure(unplaced.length ? new Error(unplaced.join('; ')) : Object.keys(placed).length ? null : err);
    } finally {
      setBusy(false);
    }
  };

  const errorId = (field: WindowField) => `${uid}-${field}-error`;
  const invalid = (field: WindowField) => ({
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? errorId(field) : undefined,
  });
  const fieldError = (field: WindowField) =>
    errors[field] ? (
      <span id={errorId(field)} className="field-error">
        {errors[field].join('; ')}
      </span>
    ) : null;
  const text = (
    field: WindowField,
    label: ReactNode,
    value: string,
    onChange: (v: string) => void,
    extra = {},
  ) => (
    <label className="field">
      {label}
      <input value={value} onChange={(e) => onChange(e.target.value)} {...invalid(field)} {...extra} />
      {fieldError(field)}
    </label>
  );

  return (
    <form className="maintenance-form" onSubmit={submit} noValidate aria-label="New maintenance window">
      {text('reason', 'Reason', form.reason, (reason) => set({ reason }), { maxLength: 500, required: true })}

      <fieldset>
        <legend>Schedule</legend>
        <div className="end-choice" role="radiogroup" aria-label="Kind">
          <label className="field inline">
            <input
              type="radio"
              name={`${uid}-kind`}
              checked={form.kind === 'once'}
              onChange={() => set({ kind: 'once' })}
            />
            One-off
          </label>
          <label className="field inline">
            <input
              type="radio"
              name={`${uid}-kind`}
              checked={form.kind === 'recurring'}
              onChange={() => set({ kind: 'recurring' })}
            />
            Recurring
          </label>
        </div>
        {form.kind === 'once' ? (
          <div className="form-row">
            {text('start', 'Starts (empty: now)', form.start, (start) => set({ start }), {
              type: 'datetime-local',
            })}
            {text('end', 'Ends', form.end, (end) => set({ end }), { type: 'datetime-local', required: true })}
          </div>
        ) : (
          <>
            <div className="end-choice" role="radiogroup" aria-label="Rule syntax">
              <label className="field inline">
                <input
                  type="radio"
                  name={`${uid}-syntax`}
                  checked={form.syntax === 'rrule'}
                  onChange={() => set({ syntax: 'rrule' })}
                />
                RRULE
              </label>
              <label className="field inline">
                <input
                  type="radio"
                  name={`${uid}-syntax`}
                  checked={form.syntax === 'cron'}
                  onChange={() => set({ syntax: 'cron' })}
                />
                Cron
              </label>
            </div>
            {text(
              'rule',
              form.syntax === 'rrule'
                ? 'Rule (e.g. FREQ=WEEKLY;BYDAY=TU;BYHOUR=2)'
                : 'Cron (minute hour day month weekday)',
              form.rule,
              (rule) => set({ rule }),
              {
                placeholder:
                  form.syntax === 'rrule' ? 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0' : '0 2 * * 2',
              },
            )}
            {preview ? <p className="muted">Reads as: {preview}</p> : null}
            <div className="form-row">
              {text('timezone', 'Time zone', form.timezone, (timezone) => set({ timezone }), {
                list: `${uid}-zones`,
              })}
              {text('duration', 'Each lasts', form.duration, (duration) => set({ duration }), {
                placeholder: '2h, 90m, 1d',
              })}
            </div>
            <datalist id={`${uid}-zones`}>
              {TIME_ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            <div className="form-row">
              {text('start', 'First possible start (empty: now)', form.start, (start) => set({ start }), {
                type: 'datetime-local',
              })}
              {text('until', 'Until (optional)', form.until, (until) => set({ until }), {
                type: 'datetime-local',
              })}
            </div>
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>Scope (empty: no restriction)</legend>
        <div className="form-row">
          {text('services', 'Services (comma-separated)', form.services, (services) => set({ services }))}
          {text('idcs', 'IDCs (comma-separated)', form.idcs, (idcs) => set({ idcs }))}
          {text('labels', 'Service labels (name=value, comma-separated)', form.labels, (labels) =>
            set({ labels }),
          )}
        </div>
      </fieldset>

      <fieldset aria-describedby={errors.effects ? errorId('effects') : undefined}>
        <legend>While in force</legend>
        <label className="field inline">
          <input type="checkbox" checked={form.freeze} onChange={(e) => set({ freeze: e.target.checked })} />
          Freeze automation in scope
        </label>
        <label className="field inline">
          <input
            type="checkbox"
            checked={form.silence}
            onChange={(e) => set({ silence: e.target.checked })}
          />
          Silence notifications in scope
        </label>
        {fieldError('effects')}
      </fieldset>

      <ErrorBox error={failure} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose} disabled={busy}>
          Close
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Working…' : 'Create window'}
        </button>
      </div>
    </form>
  );
}
