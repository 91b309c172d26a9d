import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, ok, type Schema } from '../api';
import { EndTimeFields } from '../ui/end-time-fields';
import { endTimeOf, type EndChoice } from '../ui/end-time';
import { ErrorBox } from '../ui/page';
import {
  checkMatchersLocally,
  detailsByPath,
  MATCHER_OPS,
  NOTIFICATION_LABELS,
  type FieldErrors,
  type Matcher,
} from './matchers';

type Silence = Schema<'SilenceDto'>;

const EMPTY: Matcher = { label: '', op: '=', value: '' };
const FIELDS_SHOWN = /^(matchers(\[\d+\]\.(label|op|value))?|endsAt|startsAt|comment)$/;

function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <span id={id} className="field-error">
      {messages.join('; ')}
    </span>
  );
}

/**
 * A new silence: matchers (label, operator, value), a duration or an end time, and a comment. The
 * server's 400 `details` are shown at the field they name (`matchers[1].value`, `endsAt`, `comment`).
 */
export function SilenceForm({
  initial,
  onCreated,
  onCancel,
}: {
  initial?: Matcher[];
  onCreated(silence: Silence): void;
  onCancel?(): void;
}) {
  const uid = useId();
  const client = useQueryClient();
  const [matchers, setMatchers] = useState<Matcher[]>(initial?.length ? initial : [EMPTY]);
  const [end, setEnd] = useState<EndChoice>({ mode: 'duration', duration: '2h', until: '' });
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const update = (i: number, patch: Partial<Matcher>) =>
    setMatchers((all) => all.map((m, j) => (j === i ? { ...m, ...patch } : m)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const local = checkMatchersLocally(matchers);
    const ends = endTimeOf(end);
    if ('error' in ends) local.endsAt = [ends.error];
    if (!comment.trim()) local.comment = ['must not be empty'];
    setErrors(local);
    if (Object.keys(local).length || 'error' in ends) return;
    setBusy(true);
    try {
      const silence = await ok(
        api.POST('/api/v1/silences', { body: { matchers, endsAt: ends.at, comment: comment.trim() } }),
      );
      void client.invalidateQueries({ queryKey: ['silences'] });
      void client.invalidateQueries({ queryKey: ['notifications'] });
      onCreated(silence);
    } catch (err) {
      const byPath = err instanceof ApiError && err.status === 400 ? detailsByPath(err.body) : {};
      setErrors(byPath);
      const unplaced = Object.entries(byPath).filter(([path]) => !FIELDS_SHOWN.test(path));
      // Shown next to the fields they name; anything else (or no details at all) goes in the box.
      setFailure(
        Object.keys(byPath).length && !unplaced.length
          ? null
          : unplaced.length
            ? new Error(unplaced.map(([p, m]) => `${p}: ${m.join('; ')}`).join('; '))
            : err,
      );
    } finally {
      setBusy(false);
    }
  };

  const err = (path: string) => errors[path];
  const described = (path: string) => (err(path) ? `${uid}-${path}` : undefined);

  return (
    <form className="silence-form" onSubmit={submit} noValidate aria-label="New silence">
      <fieldset aria-describedby={described('matchers')}>
        <legend>Matchers (all must match a notification’s labels)</legend>
        <datalist id={`${uid}-labels`}>
          {NOTIFICATION_LABELS.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
        {matchers.map((m, i) => {
          const at = `matchers[${i}]`;
          return (
            <div className="matcher-row" key={i}>
              <label className="field">
                Label
                <input
                  aria-label={`Matcher ${i + 1} label`}
                  list={`${uid}-labels`}
                  value={m.label}
                  onChange={(e) => update(i, { label: e.target.value })}
                  aria-invalid={err(`${at}.label`) ? true : undefined}
                  aria-describedby={described(`${at}.label`)}
                />
                <FieldError id={`${uid}-${at}.label`} messages={err(`${at}.label`)} />
              </label>
              <label className="field">
                Operator
                <select
                  aria-label={`Matcher ${i + 1} operator`}
                  value={m.op}
                  onChange={(e) => update(i, { op: e.target.value as Matcher['op'] })}
                  aria-invalid={err(`${at}.op`) ? true : undefined}
                  aria-describedby={described(`${at}.op`)}
                >
                  {MATCHER_OPS.map((op) => (
                    <option key={op} value={op}>
                      {op}
                    </option>
                  ))}
                </select>
                <FieldError id={`${uid}-${at}.op`} messages={err(`${at}.op`)} />
              </label>
              <label className="field grow">
                Value
                <input
                  aria-label={`Matcher ${i + 1} value`}
                  value={m.value}
                  onChange={(e) => update(i, { value: e.target.value })}
                  aria-invalid={err(`${at}.value`) ? true : undefined}
                  aria-describedby={described(`${at}.value`)}
                />
                <FieldError id={`${uid}-${at}.value`} messages={err(`${at}.value`)} />
              </label>
              <button
                type="button"
                aria-label={`Remove matcher ${i + 1}`}
                onClick={() => setMatchers((all) => all.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </div>
          );
        })}
        <button type="button" onClick={() => setMatchers((all) => [...all, EMPTY])}>
          Add matcher
        </button>
        <FieldError id={`${uid}-matchers`} messages={err('matchers')} />
      </fieldset>

      <fieldset aria-describedby={described('endsAt') ?? described('startsAt')}>
        <legend>Ends</legend>
        <EndTimeFields
          choice={end}
          onChange={setEnd}
          placeholder="2h, 30m, 1d"
          invalid={Boolean(err('endsAt'))}
        />
        <FieldError id={`${uid}-endsAt`} messages={err('endsAt')} />
        <FieldError id={`${uid}-startsAt`} messages={err('startsAt')} />
      </fieldset>

      <label className="field">
        Comment
        <textarea
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          rows={2}
          required
          maxLength={1024}
          aria-invalid={err('comment') ? true : undefined}
          aria-describedby={described('comment')}
        />
        <FieldError id={`${uid}-comment`} messages={err('comment')} />
      </label>

      <ErrorBox error={failure} />
      <div className="dialog-actions">
        {onCancel ? (
          <button type="button" onClick={onCancel} disabled={busy}>
            Close
          </button>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Working…' : 'Create silence'}
        </button>
      </div>
    </form>
  );
}

/**
 * The "Silence…" button: opens the silence form in a dialog, pre-filled with `matchers`; says so when
 * the silence is created.
 */
export function SilenceButton({ matchers, subject }: { matchers: Matcher[]; subject: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<Silence | null>(null);

  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);

  return (
    <>
      <button type="button" onClick={() => setOpen(true)} aria-haspopup="dialog">
        Silence…
      </button>
      {created ? (
        <span role="status" className="muted">
          {' '}
          Silenced until {new Date(created.endsAt).toLocaleString()}
        </span>
      ) : null}
      <dialog ref={dialog} onClose={() => setOpen(false)} aria-labelledby={titleId}>
        <h2 id={titleId}>Silence notifications like {subject}</h2>
        <p className="muted">
          Matching notifications are recorded as silenced and not sent until the silence ends or is expired.
        </p>
        {open ? (
          <SilenceForm
            initial={matchers}
            onCancel={() => setOpen(false)}
            onCreated={(silence) => {
              setCreated(silence);
              setOpen(false);
            }}
          />
        ) : null}
      </dialog>
    </>
  );
}
