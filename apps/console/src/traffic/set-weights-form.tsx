import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, ok } from '../api';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorBox } from '../ui/page';
import {
  checkWeights,
  initialWeightInputs,
  serverFieldErrors,
  weightChanges,
  type WeightInputs,
} from './weights-form';

interface SetWeightsFormProps {
  service: string;
  /** The IDCs where the service has endpoints (the only ones the API accepts), in display order. */
  idcs: string[];
  /** The weights in force: the override's, else the applied ones, else the desired ones. */
  current: Record<string, number>;
  /** Whether an override is set (then Release is offered). */
  overridden: boolean;
}

/** A message under a field, announced when it appears. */
function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span id={id} className="field-error" role="alert">
      {message}
    </span>
  );
}

/**
 * The manual override (operator+): one percent per IDC adding up to 100, and a reason, behind a
 * confirmation showing current → new. The server's 400 lands at the field it names.
 */
export function SetWeightsForm({ service, idcs, current, overridden }: SetWeightsFormProps) {
  const client = useQueryClient();
  const base = useId();
  const [edited, setEdited] = useState<WeightInputs>({});
  const [reason, setReason] = useState('');
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [otherError, setOtherError] = useState<string | null>(null);
  const [done, setDone] = useState<{ actionId: string; superseded: string[] } | null>(null);

  // Fields the operator has not touched follow the weights in force as they change.
  const inputs = { ...initialWeightInputs(idcs, current), ...pick(edited, idcs) };
  const check = checkWeights(inputs);
  const reasonText = reason.trim();
  const totalMessage = check.totalError ?? serverErrors.weights;
  const canSubmit = check.weights !== null && reasonText.length > 0;

  const edit = (field: string, value: string) => {
    setEdited((e) => ({ ...e, [field]: value }));
    setServerErrors(({ [field]: _, weights: __, ...rest }) => rest);
    setDone(null);
  };

  const submit = async () => {
    if (!check.weights) return;
    setOtherError(null);
    try {
      const result = await ok(
        api.PUT('/api/v1/services/{name}/weights', {
          params: { path: { name: service } },
          body: { weights: check.weights, reason: reasonText },
        }),
      );
      setServerErrors({});
      setEdited({});
      setReason('');
      setDone({ actionId: result.action.id, superseded: result.superseded });
      await client.invalidateQueries({ queryKey: ['service', service] });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const { fields, other } = serverFieldErrors(err.body, idcs);
        if (Object.keys(fields).length) {
          // Close the dialog: the messages are at the fields, under it.
          setServerErrors(fields);
          setOtherError(other.length ? other.join('; ') : null);
          return;
        }
      }
      throw err;
    }
  };

  const release = async () => {
    await ok(api.DELETE('/api/v1/services/{name}/weights', { params: { path: { name: service } } }));
    setDone(null);
    await client.invalidateQueries({ queryKey: ['service', service] });
  };

  const totalId = `${base}-total`;
  return (
    <section className="panel set-weights" aria-labelledby={`${base}-heading`}>
      <h3 id={`${base}-heading`}>Set weights by hand</h3>
      <p className="muted">
        An override pauses automation for {service} until it is released. Whole percentages, adding up to 100.
      </p>
      <form
        aria-labelledby={`${base}-heading`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <div className="weight-fields">
          {idcs.map((idc) => {
            const error = check.fieldErrors[idc] ?? serverErrors[idc];
            const errorId = `${base}-${idc}-error`;
            return (
              <label key={idc} className="field">
                {idc} weight (%)
                <input
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={100}
                  step={1}
                  value={inputs[idc]}
                  onChange={(e) => edit(idc, e.target.value)}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={`${error ? `${errorId} ` : ''}${totalId}`}
                />
                <FieldError id={errorId} message={error} />
              </label>
            );
          })}
        </div>
        <p id={totalId} className={totalMessage ? 'field-error' : 'muted'} aria-live="polite">
          Total: {check.total}%{totalMessage ? ` — ${totalMessage}` : ''}
        </p>
        <label className="field">
          Reason
          <input
            value={reason}
            maxLength={500}
            required
            onChange={(e) => {
              setReason(e.target.value);
              setServerErrors(({ reason: _, ...rest }) => rest);
            }}
            aria-invalid={serverErrors.reason ? true : undefined}
            aria-describedby={serverErrors.reason ? `${base}-reason-error` : `${base}-reason-hint`}
          />
          {serverErrors.reason ? (
            <FieldError id={`${base}-reason-error`} message={serverErrors.reason} />
          ) : (
            <span id={`${base}-reason-hint`} className="muted">
              Required: kept with the action and in the audit log.
            </span>
          )}
        </label>
        {otherError ? <ErrorBox error={otherError} /> : null}
        {done ? (
          <p role="status" className="ok-note">
            Weights set: <Link to={`/actions/${done.actionId}`}>the manual action</Link> applies them.
            {done.superseded.length ? ` ${done.superseded.length} executing action(s) were cancelled.` : ''}
          </p>
        ) : null}
        <div className="form-actions">
          {canSubmit && check.weights ? (
            <ConfirmDialog
              label="Set weights…"
              confirmLabel="Set weights"
              title={`Set the weights of ${service}`}
              onConfirm={submit}
            >
              <WeightChangeTable
                rows={weightChanges(idcs, current, check.weights)}
                caption="Current → new weights"
              />
              <p>
                Reason: <q>{reasonText}</q>
              </p>
              <p>Automation stays paused for {service} until the override is released.</p>
            </ConfirmDialog>
          ) : (
            <button type="button" disabled aria-describedby={totalId}>
              Set weights…
            </button>
          )}
          <button type="button" onClick={() => setEdited({})} disabled={Object.keys(edited).length === 0}>
            Reset
          </button>
          {overridden ? (
            <ConfirmDialog
              label="Release override…"
              confirmLabel="Release override"
              title={`Release the override of ${service}`}
              danger
              onConfirm={release}
            >
              <p>
                The manual weights of {service} are dropped and automation resumes for it: Vigil goes back to
                the weights it decides (the baseline while every IDC is healthy).
              </p>
              <p>Weights now: {formatPercents(current)}</p>
            </ConfirmDialog>
          ) : null}
        </div>
      </form>
    </section>
  );
}

function pick(values: WeightInputs, keys: string[]): WeightInputs {
  return Object.fromEntries(Object.entries(values).filter(([k]) => keys.includes(k)));
}

function formatPercents(weights: Record<string, number>): string {
  const entries = Object.entries(weights);
  return entries.length ? entries.map(([idc, w]) => `${idc} ${w}%`).join(', ') : '—';
}

/** Current → new per IDC, as a table (the confirmation shows it). */
export function WeightChangeTable({
  rows,
  caption,
}: {
  rows: { idc: string; from: number; to: number }[];
  caption: string;
}) {
  return (
    <table className="compact">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">IDC</th>
          <th scope="col">Current</th>
          <th scope="col">New</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.idc}>
            <th scope="row">{r.idc}</th>
            <td>{r.from}%</td>
            <td>
              {r.to}%{r.to !== r.from ? (r.to > r.from ? ' (up)' : ' (down)') : ' (same)'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
