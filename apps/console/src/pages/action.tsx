import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ok, type Schema } from '../api';
import {
  allowedDecisions,
  appliedWeights,
  describeChange,
  isOpen,
  summarisePlan,
  type PlanSummary,
} from '../actions/action-rules';
import { useCan } from '../session';
import { actionSubject, formatDrained } from '../traffic/drain';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { formatDuration, formatTime, formatWeights } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

type Action = Schema<'ActionDto'>;
type Step = Action['steps'][number];

const withReason = (reason: string) => (reason ? { reason } : {});

function PlanSection({ action, plan }: { action: Action; plan: PlanSummary }) {
  return (
    <section className="panel" aria-labelledby="plan-title">
      <h2 id="plan-title">Plan</h2>
      {plan.refused ? (
        <p>
          Refused by the <strong>{plan.refused.guardrail}</strong> guardrail: {plan.refused.reason}
        </p>
      ) : null}
      <dl className="facts">
        <dt>Weights before</dt>
        <dd>{formatWeights(action.weightsBefore)}</dd>
        {plan.target ? (
          <>
            <dt>Target</dt>
            <dd>{formatWeights(plan.target)}</dd>
          </>
        ) : null}
        <dt>Step interval</dt>
        <dd>{plan.stepInterval === null ? '—' : formatDuration(plan.stepInterval)}</dd>
        {plan.receivers.length ? (
          <>
            <dt>Receivers</dt>
            <dd>{plan.receivers.join(', ')}</dd>
          </>
        ) : null}
        {plan.moved !== null ? (
          <>
            <dt>Moved</dt>
            <dd>
              {plan.moved} points{plan.unplaced ? `, ${plan.unplaced} unplaced` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      {plan.warning ? <p className="warn">Warning: {plan.warning}</p> : null}
      {plan.steps.length ? (
        <ol className="plan-steps">
          {plan.steps.map((s) => (
            <li key={s.index}>{describeChange(s.from, s.to)}</li>
          ))}
        </ol>
      ) : (
        <p className="muted">No steps.</p>
      )}
    </section>
  );
}

function stepResult(step: Step): string {
  if (!step.result) return '—';
  try {
    return JSON.stringify(step.result);
  } catch {
    return String(step.result);
  }
}

function StepsTable({ action }: { action: Action }) {
  if (!action.steps.length) return <p className="muted">No steps recorded.</p>;
  let before = action.weightsBefore;
  const rows = action.steps.map((step) => {
    const row = { step, from: before };
    before = step.weights;
    return row;
  });
  // Drain actions say which endpoints are drained once each step is applied.
  const showDrained = action.steps.some((s) => formatDrained(s.drained) !== null);
  return (
    <div className="table-scroll">
      <table className="ops-table" aria-label="Steps">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">State</th>
            <th scope="col">Weights</th>
            {showDrained ? <th scope="col">Drained after</th> : null}
            <th scope="col">Attempts</th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ step, from }) => (
            <tr key={step.index} data-testid={`step-${step.index}`} data-state={step.state}>
              <td>{step.index + 1}</td>
              <td>
                <StateBadge state={step.state} />
              </td>
              <td>{describeChange(from, step.weights)}</td>
              {showDrained ? <td>{formatDrained(step.drained) ?? '—'}</td> : null}
              <td>{step.attempts}</td>
              <td>{formatTime(step.startedAt)}</td>
              <td>{formatTime(step.finishedAt)}</td>
              <td className="wrap">
                <code className={step.state === 'failed' ? 'error-text' : undefined}>{stepResult(step)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Decisions({
  action,
  plan,
  onDone,
}: {
  action: Action;
  plan: PlanSummary;
  onDone(note?: string): void;
}) {
  const allowed = allowedDecisions(action);
  const current = appliedWeights(action);
  const id = action.id;
  const path = { params: { path: { id } } };
  if (!allowed.approve && !allowed.reject && !allowed.cancel && !allowed.rollback) return null;
  return (
    <div className="decisions" role="group" aria-label="Decisions">
      {allowed.approve ? (
        <ConfirmDialog
          label="Approve"
          title={`Approve ${action.kind} of ${action.service}?`}
          reason="optional"
          onConfirm={async (reason) => {
            await ok(api.POST('/api/v1/actions/{id}/approve', { ...path, body: withReason(reason) }));
            onDone();
          }}
        >
          <p>
            The executor will apply {plan.steps.length} step{plan.steps.length === 1 ? '' : 's'}
            {plan.stepInterval !== null && plan.steps.length > 1
              ? `, ${formatDuration(plan.stepInterval)} apart`
              : ''}
            , re-checking the receivers before each:
          </p>
          <ol className="plan-steps">
            {plan.steps.map((s) => (
              <li key={s.index}>{describeChange(s.from, s.to)}</li>
            ))}
          </ol>
        </ConfirmDialog>
      ) : null}
      {allowed.reject ? (
        <ConfirmDialog
          label="Reject"
          title={`Reject ${action.kind} of ${action.service}?`}
          reason="optional"
          danger
          onConfirm={async (reason) => {
            await ok(api.POST('/api/v1/actions/{id}/reject', { ...path, body: withReason(reason) }));
            onDone();
          }}
        >
          <p>Nothing will be applied. The weights stay at {formatWeights(current)}.</p>
        </ConfirmDialog>
      ) : null}
      {allowed.cancel ? (
        <ConfirmDialog
          label="Cancel"
          title={`Cancel ${action.kind} of ${action.service}?`}
          reason="optional"
          danger
          onConfirm={async (reason) => {
            const result = await ok(
              api.POST('/api/v1/actions/{id}/cancel', { ...path, body: withReason(reason) }),
            );
            onDone(result.note);
          }}
        >
          <p>
            No further step will be applied. The weights stay at {formatWeights(current)}
            {action.stepsDone > 0
              ? ` (${action.stepsDone} of ${action.stepsTotal} steps applied; Roll back restores ${formatWeights(action.weightsBefore)})`
              : ''}
            .
          </p>
          {action.steps.some((s) => s.state === 'applying') ? (
            <p className="warn">A step being sent now may still land.</p>
          ) : null}
        </ConfirmDialog>
      ) : null}
      {allowed.rollback ? (
        <ConfirmDialog
          label="Roll back"
          title={`Roll back ${action.kind} of ${action.service}?`}
          reason="required"
          danger
          onConfirm={async (reason) => {
            const rollback = await ok(
              api.POST('/api/v1/actions/{id}/rollback', { ...path, body: { reason } }),
            );
            onDone(`Rollback started as action ${rollback.id}.`);
          }}
        >
          <p>
            {`The weights go back to those from before the action (${describeChange(current, action.weightsBefore)}), in one step, at once. Other executing actions of ${action.service} are cancelled.`}
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/** One traffic action: plan, guardrails, steps as they apply, and the operator's decisions. */
export default function ActionPage() {
  const { id = '' } = useParams();
  const client = useQueryClient();
  const canOperate = useCan('operator');
  const [note, setNote] = useState<string | null>(null);
  const action = useQuery({
    queryKey: ['actions', 'one', id],
    queryFn: () => ok(api.GET('/api/v1/actions/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => {
      const state = query.state.data?.state;
      return state === 'executing' ? 1_000 : state && isOpen(state) ? 3_000 : false;
    },
  });
  const data = action.data;
  const plan = data ? summarisePlan(data) : null;
  const rollbackId = note?.match(/action ([0-9a-f-]{36})/)?.[1];

  const onDone = (message?: string) => {
    setNote(message ?? null);
    void client.invalidateQueries({ queryKey: ['actions'] });
  };

  return (
    <>
      <PageHeader
        title={
          data ? (
            <>
              Action: {data.kind} {data.service}
              {data.endpoint ? ` / ${data.endpoint}` : ''}
              {data.idc ? ` / ${data.idc}` : ''}
            </>
          ) : (
            'Action'
          )
        }
      >
        <Link to="/actions">All actions</Link>
        {data && plan && canOperate ? <Decisions action={data} plan={plan} onDone={onDone} /> : null}
      </PageHeader>
      <ErrorBox error={action.error} />
      {note ? (
        <p role="status" className="notice">
          {rollbackId ? (
            <>
              Rollback started: <Link to={`/actions/${rollbackId}`}>the rollback action</Link>.
            </>
          ) : (
            note
          )}
        </p>
      ) : null}
      {action.isPending ? <Loading what="Loading the action" /> : null}
      {data && plan ? (
        <>
          <section className="panel" aria-labelledby="summary-title">
            <h2 id="summary-title">Summary</h2>
            <dl className="facts">
              <dt>State</dt>
              <dd>
                <StateBadge state={data.state} /> {data.stepsDone}/{data.stepsTotal} steps applied
                {data.state === 'executing' ? <span className="muted"> (updating every second)</span> : null}
              </dd>
              {data.endpoint ? (
                <>
                  <dt>Endpoint</dt>
                  <dd>
                    <Link to={`/endpoints/${encodeURIComponent(`${data.service}.${data.endpoint}`)}`}>
                      {actionSubject(data)}
                    </Link>
                  </dd>
                </>
              ) : null}
              <dt>Mode</dt>
              <dd>{data.mode}</dd>
              <dt>Reason</dt>
              <dd>{data.reason}</dd>
              <dt>Rule</dt>
              <dd>{data.rule ?? 'manual'}</dd>
              <dt>Decided by</dt>
              <dd>{data.decidedBy ?? '—'}</dd>
              <dt>Weights applied</dt>
              <dd>{formatWeights(appliedWeights(data))}</dd>
              <dt>Created</dt>
              <dd>{formatTime(data.createdAt)}</dd>
              <dt>Updated</dt>
              <dd>{formatTime(data.updatedAt)}</dd>
              {data.error ? (
                <>
                  <dt>Error</dt>
                  <dd className="error-text">{data.error}</dd>
                </>
              ) : null}
            </dl>
          </section>
          <div className="two-col">
            <PlanSection action={data} plan={plan} />
            <section className="panel" aria-labelledby="guardrails-title">
              <h2 id="guardrails-title">Guardrails</h2>
              {data.guardrails.length ? (
                <ul>
                  {data.guardrails.map((g, i) => (
                    <li key={`${g}-${i}`}>
                      <code>{g}</code>
                      {data.state === 'refused' && i === data.guardrails.length - 1
                        ? ' (refused)'
                        : ' passed'}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">None checked.</p>
              )}
            </section>
          </div>
          <section aria-labelledby="steps-title">
            <h2 id="steps-title">Steps</h2>
            <StepsTable action={data} />
          </section>
        </>
      ) : null}
    </>
  );
}
