import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, ok, type Schema } from '../api';
import { detailsByPath, type FieldErrors } from '../silences/matchers';
import { useCan } from '../session';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { formatAgo, formatDuration, formatTime } from '../ui/format';
import { EndTimeFields } from '../ui/end-time-fields';
import { endTimeOf, type EndChoice } from '../ui/end-time';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

type Freeze = Schema<'FreezeDto'>;

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function scopeText(f: { services: string[]; idcs: string[] }): string {
  const services = f.services.length ? f.services.join(', ') : 'every service';
  const idcs = f.idcs.length ? f.idcs.join(', ') : 'every IDC';
  return !f.services.length && !f.idcs.length
    ? 'global (every service in every IDC)'
    : `${services} in ${idcs}`;
}

function KillSwitch() {
  const client = useQueryClient();
  const canOperate = useCan('operator');
  const automation = useQuery({
    queryKey: ['automation'],
    queryFn: () => ok(api.GET('/api/v1/automation')),
    refetchInterval: 10_000,
  });
  const data = automation.data;
  const refresh = () => client.invalidateQueries({ queryKey: ['automation'] });
  return (
    <section className={`panel kill-switch${data?.paused ? ' paused' : ''}`} aria-labelledby="kill-title">
      <h2 id="kill-title">Kill switch</h2>
      <ErrorBox error={automation.error} />
      {data ? (
        <>
          <p className="kill-state">
            <StateBadge state={data.paused ? 'paused' : 'running'} />{' '}
            {data.paused
              ? 'Automation is paused: no automatic action anywhere.'
              : 'Automation is running: rules may act within their guardrails.'}
          </p>
          {data.since ? (
            <p className="muted">
              {data.paused ? 'Paused' : 'Resumed'} {formatAgo(data.since)} ({formatTime(data.since)})
              {data.by ? ` by ${data.by}` : ''}
              {data.reason ? `: ${data.reason}` : ''}
            </p>
          ) : null}
          {canOperate ? (
            data.paused ? (
              <ConfirmDialog
                label="Resume"
                title="Resume automation?"
                reason="optional"
                onConfirm={async (reason) => {
                  await ok(api.POST('/api/v1/automation/resume', { body: reason ? { reason } : {} }));
                  await refresh();
                }}
              >
                <p>
                  Rules act again within their guardrails (freezes, cooldowns, rate limits); held actions may
                  continue with their next step.
                </p>
              </ConfirmDialog>
            ) : (
              <ConfirmDialog
                label="Pause"
                title="Pause all automation?"
                reason="required"
                danger
                onConfirm={async (reason) => {
                  await ok(api.POST('/api/v1/automation/pause', { body: { reason } }));
                  await refresh();
                }}
              >
                <p>
                  No automatic action will start anywhere, and executing actions hold before their next step.
                  Weights stay as they are now. Operators can still approve, cancel and roll back by hand.
                </p>
              </ConfirmDialog>
            )
          ) : null}
        </>
      ) : automation.isPending ? (
        <Loading />
      ) : null}
    </section>
  );
}

function FreezeForm({ onDone }: { onDone(): void }) {
  const client = useQueryClient();
  const [services, setServices] = useState('');
  const [idcs, setIdcs] = useState('');
  const [end, setEnd] = useState<EndChoice>({ mode: 'duration', duration: '1h', until: '' });
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const local: FieldErrors = {};
    const ends = endTimeOf(end);
    if ('error' in ends) local.until = [ends.error];
    if (!reason.trim()) local.reason = ['must not be empty'];
    setErrors(local);
    if ('error' in ends || Object.keys(local).length) return;
    setBusy(true);
    try {
      await ok(
        api.POST('/api/v1/freezes', {
          body: { services: list(services), idcs: list(idcs), until: ends.at, reason: reason.trim() },
        }),
      );
      await client.invalidateQueries({ queryKey: ['freezes'] });
      onDone();
    } catch (err) {
      const byPath = err instanceof ApiError && err.status === 400 ? detailsByPath(err.body) : {};
      const field = (path: string) => path.split(/[.[]/)[0];
      const known = ['services', 'idcs', 'until', 'reason'];
      const placed: FieldErrors = {};
      let unplaced = !Object.keys(byPath).length;
      for (const [path, messages] of Object.entries(byPath)) {
        if (!known.includes(field(path))) unplaced = true;
        // `services[0]: unknown service "x"`: the path tells which entry, so keep it in the message.
        else
          (placed[field(path)] ??= []).push(
            ...messages.map((m) => (path === field(path) ? m : `${path}: ${m}`)),
          );
      }
      setErrors(placed);
      if (unplaced) setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (key: string) =>
    errors[key] ? (
      <span id={`freeze-${key}-error`} className="field-error">
        {errors[key].join('; ')}
      </span>
    ) : null;
  const described = (key: string) => (errors[key] ? `freeze-${key}-error` : undefined);

  return (
    <form className="panel freeze-form" onSubmit={submit} noValidate aria-labelledby="freeze-form-title">
      <h3 id="freeze-form-title">New freeze</h3>
      <p className="muted">
        While a freeze is in force no automatic action starts in its scope. Leave both empty for a global
        freeze.
      </p>
      <div className="form-row">
        <label className="field">
          Services (comma-separated; empty: every service)
          <input
            value={services}
            onChange={(e) => setServices(e.target.value)}
            aria-invalid={errors.services ? true : undefined}
            aria-describedby={described('services')}
          />
          {fieldError('services')}
        </label>
        <label className="field">
          IDCs (comma-separated; empty: every IDC)
          <input
            value={idcs}
            onChange={(e) => setIdcs(e.target.value)}
            aria-invalid={errors.idcs ? true : undefined}
            aria-describedby={described('idcs')}
          />
          {fieldError('idcs')}
        </label>
      </div>
      <fieldset aria-describedby={described('until')}>
        <legend>Ends</legend>
        <EndTimeFields
          choice={end}
          onChange={setEnd}
          placeholder="1h, 30m, 1d"
          invalid={Boolean(errors.until)}
        />
        {fieldError('until')}
      </fieldset>
      <label className="field">
        Reason
        <input
          value={reason}
          maxLength={500}
          required
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={described('reason')}
        />
        {fieldError('reason')}
      </label>
      <p className="muted">Scope: {scopeText({ services: list(services), idcs: list(idcs) })}</p>
      <ErrorBox error={failure} />
      <div className="dialog-actions">
        <button type="button" onClick={onDone} disabled={busy}>
          Close
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Working…' : 'Create freeze'}
        </button>
      </div>
    </form>
  );
}

function FreezeTable({ items, caption, canEnd }: { items: Freeze[]; caption: string; canEnd: boolean }) {
  const client = useQueryClient();
  return (
    <div className="table-scroll">
      <table className="ops-table" aria-label={caption}>
        <thead>
          <tr>
            <th scope="col">Scope</th>
            <th scope="col">Until</th>
            <th scope="col">Reason</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            {canEnd ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((f) => (
            <tr key={f.id} data-testid={`freeze-${f.id}`}>
              <td>{scopeText(f)}</td>
              <td>{formatTime(f.until)}</td>
              <td className="wrap">{f.reason}</td>
              <td>
                {formatTime(f.createdAt)} by {f.createdBy}
              </td>
              <td>
                <StateBadge state={f.active ? 'active' : f.liftedAt ? 'lifted' : 'expired'} />
                {f.liftedAt ? <div className="muted">lifted {formatTime(f.liftedAt)}</div> : null}
              </td>
              {canEnd ? (
                <td>
                  {f.active ? (
                    <ConfirmDialog
                      label="End freeze"
                      title="End this freeze now?"
                      danger
                      onConfirm={async () => {
                        await ok(api.DELETE('/api/v1/freezes/{id}', { params: { path: { id: f.id } } }));
                        await client.invalidateQueries({ queryKey: ['freezes'] });
                      }}
                    >
                      <p>
                        Automation may act again on {scopeText(f)} (it was frozen until {formatTime(f.until)}
                        ).
                      </p>
                    </ConfirmDialog>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Freezes() {
  const canOperate = useCan('operator');
  const [creating, setCreating] = useState(false);
  const freezes = useQuery({
    queryKey: ['freezes'],
    queryFn: async () => {
      const [active, recent] = await Promise.all([
        ok(api.GET('/api/v1/freezes', { params: { query: { active: 'true', limit: 200 } } })),
        ok(api.GET('/api/v1/freezes', { params: { query: { active: 'false', limit: 20 } } })),
      ]);
      return { active: active.items, recent: recent.items };
    },
    refetchInterval: 15_000,
  });
  return (
    <section aria-labelledby="freezes-title" className="ops-section">
      <div className="section-head">
        <h2 id="freezes-title">Freezes</h2>
        {canOperate && !creating ? (
          <button type="button" onClick={() => setCreating(true)}>
            New freeze
          </button>
        ) : null}
      </div>
      {creating ? <FreezeForm onDone={() => setCreating(false)} /> : null}
      <ErrorBox error={freezes.error} />
      {freezes.isPending ? <Loading what="Loading freezes" /> : null}
      {freezes.data ? (
        <>
          {freezes.data.active.length ? (
            <FreezeTable items={freezes.data.active} caption="Active freezes" canEnd={canOperate} />
          ) : (
            <p className="empty">No freeze in force.</p>
          )}
          {freezes.data.recent.length ? (
            <details>
              <summary>Recent freezes ({freezes.data.recent.length})</summary>
              <FreezeTable items={freezes.data.recent} caption="Recent freezes" canEnd={false} />
            </details>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function TargetCell({ t }: { t: Schema<'RuleTargetStateDto'> }) {
  const extra =
    t.state === 'pending' && t.pendingSince
      ? `since ${formatAgo(t.pendingSince)}`
      : t.state === 'cooldown'
        ? `${formatDuration(t.cooldownLeftMs)} left, until ${formatTime(t.cooldownUntil)}`
        : '';
  return (
    <li>
      <span>
        {t.service}/{t.idc}{' '}
      </span>
      <StateBadge state={t.state} /> {extra}
      {t.lastFiredAt ? <span className="muted"> · last fired {formatAgo(t.lastFiredAt)}</span> : null}
    </li>
  );
}

function Rules() {
  const rules = useQuery({
    queryKey: ['automation', 'rules'],
    queryFn: () => ok(api.GET('/api/v1/automation/rules')),
    refetchInterval: 5_000,
  });
  return (
    <section aria-labelledby="rules-title" className="ops-section">
      <h2 id="rules-title">Rules</h2>
      <ErrorBox error={rules.error} />
      {rules.isPending ? <Loading what="Loading rules" /> : null}
      {rules.data ? (
        rules.data.rules.length ? (
          <div className="table-scroll">
            <table className="ops-table" aria-label="Rules">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Mode</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {rules.data.rules.map((r) => (
                  <tr key={r.name}>
                    <td>
                      <strong>{r.name}</strong>
                      {r.description ? <div className="muted">{r.description}</div> : null}
                    </td>
                    <td className="wrap">
                      <code>{r.when}</code>
                      {r.for ? <div className="muted">for {r.for}</div> : null}
                    </td>
                    <td className="wrap">
                      <code>{r.actions.join(', ')}</code>
                      <div className="muted">cooldown {r.cooldown}</div>
                    </td>
                    <td>{r.mode}</td>
                    <td>
                      {r.state === 'disabled' ? (
                        <p>
                          <StateBadge state="disabled" /> since {formatTime(r.disabledAt)}
                        </p>
                      ) : null}
                      {r.targets.length ? (
                        <ul className="plain">
                          {r.targets.map((t, i) => (
                            <TargetCell key={`${t.service}/${t.idc}/${i}`} t={t} />
                          ))}
                        </ul>
                      ) : (
                        <StateBadge state="inactive" />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="empty">
            No rules configured. Rules live in the <Link to="/config">config</Link>.
          </p>
        )
      ) : null}
    </section>
  );
}

/** The kill switch, freezes and the rules' states: what may act automatically right now. */
export default function AutomationPage() {
  return (
    <>
      <PageHeader title="Automation" />
      <KillSwitch />
      <Freezes />
      <Rules />
    </>
  );
}
