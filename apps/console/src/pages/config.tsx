import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';
import {
  fetchConfigSchema,
  fetchCurrentConfig,
  isConflict,
  putConfig,
  type ApplyResult,
  type CurrentConfig,
} from '../config/config-api';
import { PlanView } from '../config/plan-view';
import { issuesOf, type Problem, type ServerIssue } from '../config/problems';
import { VersionsPanel } from '../config/versions-panel';
import type { YamlEditorHandle } from '../config/yaml-editor';
import { useCan } from '../session';
import { ErrorBox, Loading, PageHeader } from '../ui/page';

const YamlEditor = lazy(() => import('../config/yaml-editor'));

export const CONFIG_KEY = ['config', 'current'];

/** What the last Plan or Apply answered, for the text it was sent. */
type Outcome =
  | { kind: 'plan'; text: string; plan: ApplyResult['plan'] }
  | { kind: 'applied'; text: string; result: ApplyResult }
  | { kind: 'invalid'; text: string; message: string; issues: ServerIssue[] }
  | { kind: 'conflict'; message: string }
  | { kind: 'failed'; error: unknown };

function outcomeOfError(error: unknown, text: string): Outcome {
  if (isConflict(error)) return { kind: 'conflict', message: (error as Error).message };
  if (error instanceof ApiError && error.status === 400) {
    return { kind: 'invalid', text, message: error.message, issues: issuesOf(error.body) };
  }
  return { kind: 'failed', error };
}

/** The config centre: the current YAML in an editor that checks as you type, Plan and Apply, versions. */
export default function ConfigPage() {
  const client = useQueryClient();
  const canEdit = useCan('operator');
  const current = useQuery({ queryKey: CONFIG_KEY, queryFn: fetchCurrentConfig, refetchInterval: 30_000 });
  const schema = useQuery({
    queryKey: ['config', 'schema'],
    queryFn: fetchConfigSchema,
    staleTime: Infinity,
  });

  /** The version and text the editor started from, and the editor's text now. */
  const [base, setBase] = useState<CurrentConfig | null>(null);
  const [resetKey, setResetKey] = useState(0);
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [busy, setBusy] = useState<'plan' | 'apply' | null>(null);
  const [schemaUsable, setSchemaUsable] = useState(true);
  const [confirming, setConfirming] = useState<ApplyResult['plan'] | null>(null);
  const editor = useRef<YamlEditorHandle>(null);
  const dirty = base !== null && text !== base.text;

  const load = useCallback((config: CurrentConfig) => {
    setBase(config);
    setText(config.text);
    setResetKey((k) => k + 1);
  }, []);

  // Follow the server while nothing is edited; with edits, say that a newer version exists.
  useEffect(() => {
    if (current.data && (base === null || (!dirty && current.data.version !== base.version)))
      load(current.data);
  }, [current.data, base, dirty, load]);

  const reload = async () => {
    const fresh = await client.fetchQuery({
      queryKey: CONFIG_KEY,
      queryFn: fetchCurrentConfig,
      staleTime: 0,
    });
    load(fresh);
    setOutcome(null);
  };

  const plan = async () => {
    if (!base) return null;
    setBusy('plan');
    const sent = text;
    try {
      const result = await putConfig(sent, { dryRun: true, baseVersion: base.version });
      setOutcome({ kind: 'plan', text: sent, plan: result.plan });
      return result.plan;
    } catch (error) {
      setOutcome(outcomeOfError(error, sent));
      return null;
    } finally {
      setBusy(null);
    }
  };

  const startApply = async () => {
    const planned = await plan();
    if (planned) setConfirming(planned);
  };

  const apply = async (message: string) => {
    if (!base) return;
    const sent = text;
    setBusy('apply');
    try {
      const result = await putConfig(sent, { dryRun: false, baseVersion: base.version, message });
      setConfirming(null);
      setOutcome({ kind: 'applied', text: sent, result });
      setBase({ version: result.version, text: sent });
      await client.invalidateQueries({ queryKey: ['config'] });
    } catch (error) {
      setConfirming(null);
      setOutcome(outcomeOfError(error, sent));
    } finally {
      setBusy(null);
    }
  };

  const serverIssues = outcome?.kind === 'invalid' && outcome.text === text ? outcome.issues : NO_ISSUES;
  const newer = current.data && base && current.data.version !== base.version ? current.data.version : null;

  return (
    <>
      <PageHeader title="Config">
        <span className="muted">
          {base ? (base.version ? `Editing from version ${base.version}` : 'No config applied yet') : null}
          {dirty ? ' · edited' : ''}
        </span>
      </PageHeader>
      {current.error ? <ErrorBox error={current.error} /> : null}
      {!schemaUsable ? (
        <p className="warn">
          The JSON Schema is not available here: as you type, only YAML syntax and endpoint IDCs are checked
          (Plan checks everything).
        </p>
      ) : null}
      {newer !== null && dirty ? (
        <div className="config-notice" role="status">
          Version {newer} was applied since you started editing from version {base?.version}.{' '}
          <button type="button" onClick={() => void reload()}>
            Reload version {newer}
          </button>{' '}
          (discards your edits)
        </div>
      ) : null}

      <section className="config-editor" aria-labelledby="config-editor-title">
        <h2 id="config-editor-title">Desired state (YAML)</h2>
        {!canEdit ? <p className="muted">Read only: applying a config needs the operator role.</p> : null}
        {base ? (
          <Suspense fallback={<Loading what="Loading the editor" />}>
            <YamlEditor
              value={base.text}
              resetKey={resetKey}
              readOnly={!canEdit}
              schema={schema.data ?? null}
              serverIssues={serverIssues}
              label="Config YAML"
              onChange={setText}
              onProblems={setProblems}
              onSchemaChecked={setSchemaUsable}
              handle={editor}
            />
          </Suspense>
        ) : current.isPending ? (
          <Loading what="Loading the config" />
        ) : null}
        <ProblemList problems={problems} onPick={(p) => editor.current?.focusAt(p.from)} />
        {canEdit ? (
          <div className="config-actions">
            <button type="button" onClick={() => void plan()} disabled={!base || busy !== null}>
              {busy === 'plan' ? 'Planning…' : 'Plan'}
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => void startApply()}
              disabled={!base || busy !== null}
            >
              Apply
            </button>
            {dirty ? (
              <button type="button" onClick={() => base && load(base)} disabled={busy !== null}>
                Discard edits
              </button>
            ) : null}
          </div>
        ) : null}
        <OutcomeView outcome={outcome} text={text} onReload={() => void reload()} />
      </section>

      {confirming ? (
        <ApplyDialog
          plan={confirming}
          busy={busy === 'apply'}
          onCancel={() => setConfirming(null)}
          onConfirm={(message) => void apply(message)}
        />
      ) : null}

      <VersionsPanel headVersion={current.data?.version ?? null} canRestore={canEdit} />
    </>
  );
}

const NO_ISSUES: ServerIssue[] = [];

/** The editor's problems as a list: each names its line and moves the cursor there. */
function ProblemList({ problems, onPick }: { problems: Problem[]; onPick(problem: Problem): void }) {
  if (!problems.length) return null;
  return (
    <div className="problems" role="region" aria-label="Problems">
      <h3>
        {problems.length} problem{problems.length === 1 ? '' : 's'}
      </h3>
      <ul>
        {problems.slice(0, 50).map((p, i) => (
          <li key={`${p.from}-${p.message}-${i}`}>
            <button type="button" className="link" onClick={() => onPick(p)}>
              Line {p.line}
            </button>{' '}
            {p.path ? <code>{p.path}</code> : null} {p.message}{' '}
            <span className="muted">({p.source === 'server' ? 'server' : p.source})</span>
          </li>
        ))}
      </ul>
      {problems.length > 50 ? <p className="muted">and {problems.length - 50} more</p> : null}
    </div>
  );
}

function OutcomeView({
  outcome,
  text,
  onReload,
}: {
  outcome: Outcome | null;
  text: string;
  onReload(): void;
}) {
  if (!outcome) return null;
  switch (outcome.kind) {
    case 'plan':
      return (
        <div className="outcome">
          {outcome.text !== text ? <p className="muted">The text has changed since this plan.</p> : null}
          <PlanView plan={outcome.plan} />
        </div>
      );
    case 'applied':
      return (
        <div className="outcome" role="status">
          <p>
            <strong>
              {outcome.result.changed
                ? `Applied as version ${outcome.result.version}.`
                : `Nothing changed: version ${outcome.result.version} stays current.`}
            </strong>
          </p>
          <PlanView plan={outcome.result.plan} title="Applied" />
        </div>
      );
    case 'invalid':
      return (
        <div className="outcome" role="alert">
          <p className="error-box">
            {outcome.message}
            {outcome.text !== text ? ' (for the text as it was sent; it has changed since)' : ''}
          </p>
          {outcome.issues.length ? (
            <ul className="server-issues" aria-label="Server problems">
              {outcome.issues.map((issue, i) => (
                <li key={`${issue.path}-${i}`}>
                  {issue.path ? <code>{issue.path}</code> : null}
                  {issue.line ? ` line ${issue.line}` : ''} {issue.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      );
    case 'conflict':
      return (
        <div className="outcome error-box" role="alert">
          Someone else applied a config meanwhile: {outcome.message}.{' '}
          <button type="button" onClick={onReload}>
            Reload the current config
          </button>{' '}
          (discards your edits; copy them first if you need them)
        </div>
      );
    case 'failed':
      return <ErrorBox error={outcome.error} />;
  }
}

/** The confirmation before a new version: the plan, a message, and Apply. */
function ApplyDialog(props: {
  plan: ApplyResult['plan'];
  busy: boolean;
  onCancel(): void;
  onConfirm(message: string): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const empty = props.plan.changes.length === 0;
  return (
    <dialog ref={dialog} onClose={props.onCancel} aria-labelledby="apply-title" className="wide">
      <h2 id="apply-title">Apply this config?</h2>
      <div className="dialog-body">
        {empty ? <p>No changes: applying creates no new version.</p> : null}
        <PlanView plan={props.plan} title="What will change" />
      </div>
      <label className="field">
        Message (why; kept with the version and in the audit log)
        <input value={message} maxLength={500} onChange={(e) => setMessage(e.target.value)} />
      </label>
      <div className="dialog-actions">
        <button type="button" onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => props.onConfirm(message.trim())}
          disabled={props.busy}
        >
          {props.busy ? 'Applying…' : 'Apply'}
        </button>
      </div>
    </dialog>
  );
}
