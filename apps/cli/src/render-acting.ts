/**
 * Plain-text rendering of the acting views: traffic actions and the decisions on them, freezes, the
 * kill switch, a service's weights, the health timeline and one endpoint's health. Pure functions over
 * the API's JSON (times as ISO strings or epoch ms), like render.ts.
 */
import type { components } from '@libs/api-client';
import { formatAge, formatTimestamp, renderTable, type Column } from './render';
import { moreHint, none, relativeTime, truncate, type CursorPage } from './render-alerting';

type Schemas = components['schemas'];

export type Weights = Record<string, number>;

/** GET /actions items, and the newest action of a service. */
export type ActionSummary = Schemas['ActionSummaryDto'];

/** An action's step, as far as the CLI shows it. */
export type ActionStep = Pick<
  Schemas['ActionStepDto'],
  'index' | 'weights' | 'drained' | 'state' | 'attempts' | 'finishedAt'
>;

/**
 * GET /actions/{id}, and the answers of approve, reject, cancel (with `note`) and rollback, as far as
 * the CLI shows them. `guardrails` are names: those passed, or the one that refused.
 */
export type Action = ActionSummary &
  Pick<Schemas['ActionDecisionDto'], 'weightsBefore' | 'note' | 'guardrails'> & { steps: ActionStep[] };

/** GET /freezes items, POST /freezes and DELETE /freezes/{id}. */
export type Freeze = Schemas['FreezeDto'];

/** GET /automation, and the answers of pause and resume. */
export type Automation = Schemas['AutomationDto'];

export type FailbackHold = Schemas['FailbackHoldDto'];

/** GET /services/{name}/traffic, and DELETE /services/{name}/weights. */
export type ServiceTraffic = Schemas['ServiceTrafficDto'];

/** PUT /services/{name}/weights, as far as the CLI shows it. */
export type SetWeightsResult = Omit<Schemas['SetWeightsResultDto'], 'action'> & { action: Action };

/**
 * GET /events items, and the `data` of each /events/stream event: the stream passes on what the
 * controller published, so its time may be epoch ms and its id and details may be missing.
 */
export type HealthEvent = Omit<Schemas['HealthEventDto'], 'at' | 'id' | 'details'> & {
  at: string | number;
  id?: string;
};

/** GET /endpoints/{id}/health. */
export type EndpointHealth = Schemas['EndpointHealthDto'];

/** `bjs=50 sha=50`, by IDC name (the form `vigil weights set` takes); `-` when empty. */
export function formatWeights(weights: Weights | null | undefined): string {
  const entries = Object.entries(weights ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' ') : '-';
}

/** A time as ISO string or epoch ms, as `2026-05-01 10:00:00Z`. */
export function formatAt(at: string | number | null | undefined): string {
  if (at === null || at === undefined) return '-';
  return formatTimestamp(typeof at === 'number' ? new Date(at).toISOString() : at);
}

const isoOf = (at: string | number) => (typeof at === 'number' ? new Date(at).toISOString() : at);

/** `2026-05-01 10:00:00Z (5m ago)`. */
const whenWithAge = (at: string | number, now: Date) => `${formatAt(at)} (${relativeTime(isoOf(at), now)})`;

const ageOf = (iso: string, now: Date) => {
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? '?' : formatAge(now.getTime() - t);
};

// ---------------------------------------------------------------- actions

/**
 * `shift-away of web from sha`, `failback of web to sha`, `set-weights of web`, `rollback of web`,
 * `drain-endpoint of web.sha-1 (sha)`.
 */
export function describeAction(a: Pick<ActionSummary, 'kind' | 'service' | 'idc' | 'endpoint'>): string {
  if (a.endpoint) return `${a.kind} of ${a.service}.${a.endpoint}${a.idc ? ` (${a.idc})` : ''}`;
  const where = a.idc ? (a.kind === 'failback' ? ` to ${a.idc}` : ` from ${a.idc}`) : '';
  return `${a.kind} of ${a.service}${where}`;
}

export const actionColumns = (now: Date): readonly Column<ActionSummary>[] => [
  { header: 'id', value: (a) => a.id },
  { header: 'service', value: (a) => a.service },
  { header: 'kind', value: (a) => a.kind },
  { header: 'idc', value: (a) => a.idc ?? '-' },
  { header: 'mode', value: (a) => a.mode },
  { header: 'state', value: (a) => a.state },
  { header: 'steps', value: (a) => `${a.stepsDone}/${a.stepsTotal}`, align: 'right' },
  { header: 'age', value: (a) => ageOf(a.createdAt, now) },
  { header: 'by', value: (a) => a.decidedBy ?? (a.rule ? `rule ${a.rule}` : '-') },
  { header: 'reason', value: (a) => truncate(a.reason, 60) },
];

/** `vigil actions list`: newest first, with the id to pass to approve, reject, cancel or rollback. */
export function renderActions(
  page: { items: ActionSummary[]; next?: string | null },
  filters: Record<string, string | undefined> = {},
  now: Date = new Date(),
): string {
  if (page.items.length === 0) return none(filters, 'actions');
  return [...renderTable(actionColumns(now), page.items), ...moreHint(page.next ?? null)].join('\n');
}

/**
 * The guardrails an action passed, or the one that refused it: names. Anything else (an object with
 * `guardrail` and `reason`, as `name (reason)`) is shown as best it can be, never dropped.
 */
export function formatGuardrails(guardrails: unknown): string {
  if (!Array.isArray(guardrails) || guardrails.length === 0) return '-';
  return guardrails
    .map((g: unknown) => {
      if (typeof g === 'string') return g;
      const o = (typeof g === 'object' && g !== null ? g : {}) as { guardrail?: unknown; reason?: unknown };
      if (typeof o.guardrail === 'string') {
        return typeof o.reason === 'string' ? `${o.guardrail} (${o.reason})` : o.guardrail;
      }
      return JSON.stringify(g);
    })
    .join(', ');
}

/** A step's drained endpoints: `sha-1,bjs-2`, `none`; `-` when the step leaves drains alone. */
const formatDrained = (drained: string[] | null | undefined) =>
  drained ? (drained.length ? drained.join(',') : 'none') : '-';

/** The steps' columns; `drained` only for drain actions (a step of one says what is drained after it). */
const stepColumns = (drains: boolean): readonly Column<ActionStep>[] => [
  { header: 'step', value: (s) => String(s.index + 1), align: 'right' },
  { header: 'state', value: (s) => s.state },
  { header: 'weights', value: (s) => formatWeights(s.weights) },
  ...(drains ? [{ header: 'drained', value: (s: ActionStep) => formatDrained(s.drained) }] : []),
  { header: 'attempts', value: (s) => String(s.attempts), align: 'right' },
  { header: 'finished', value: (s) => (s.finishedAt ? formatTimestamp(s.finishedAt) : '-') },
];

/** What an operator may do next with an action in this state. */
function nextHint(a: ActionSummary): string[] {
  if (a.state === 'awaiting-approval') {
    return [`Awaiting approval: vigil actions approve ${a.id} (or reject ${a.id}).`];
  }
  if (a.state === 'executing' || a.state === 'held') return [`To stop it: vigil actions cancel ${a.id}.`];
  if (['completed', 'cancelled', 'failed'].includes(a.state) && a.stepsDone > 0) {
    return [`To undo it: vigil actions rollback ${a.id} -r <why>.`];
  }
  return [];
}

/** `vigil actions show`: the action, its weights before, its guardrails and its steps in order. */
export function renderAction(a: Action, now: Date = new Date()): string {
  const lines = [
    `Action ${a.id}: ${describeAction(a)}`,
    `  state:      ${a.state} (${a.stepsDone}/${a.stepsTotal} steps applied)`,
    `  mode:       ${a.mode}${a.rule ? ` (rule ${a.rule})` : ''}`,
    `  reason:     ${a.reason}`,
    ...(a.decidedBy ? [`  decided by: ${a.decidedBy}`] : []),
    ...(a.error ? [`  error:      ${a.error}`] : []),
    `  created:    ${whenWithAge(a.createdAt, now)}`,
    `  updated:    ${whenWithAge(a.updatedAt, now)}`,
    `  before:     ${formatWeights(a.weightsBefore)}`,
    `  guardrails: ${formatGuardrails(a.guardrails)}`,
    ...(a.note ? [`  note:       ${a.note}`] : []),
  ];
  const drains = a.steps.some((s) => s.drained !== null && s.drained !== undefined);
  const steps = a.steps.length ? renderTable(stepColumns(drains), a.steps) : ['No steps.'];
  const hint = nextHint(a);
  return [...lines, '', ...steps, ...(hint.length ? ['', ...hint] : [])].join('\n');
}

export type Decision = 'approve' | 'reject' | 'cancel';

/** `vigil actions approve|reject|cancel`: what became of the action, and the API's note. */
export function renderDecision(decision: Decision, a: Action): string {
  const what = `action ${a.id} (${describeAction(a)})`;
  const line =
    decision === 'approve'
      ? `Approved ${what}: it is ${a.state}.`
      : decision === 'reject'
        ? `Rejected ${what}: nothing was applied.`
        : `Cancelled ${what}: no further step is sent.`;
  return [line, ...(a.note ? [a.note] : [])].join('\n');
}

/** `vigil actions rollback`: the new rollback action and the weights it restores. */
export function renderRollback(from: string, rollback: Action): string {
  const target = rollback.steps[rollback.steps.length - 1]?.weights ?? rollback.weightsBefore;
  return (
    `Rolling back action ${from}: rollback action ${rollback.id} is ${rollback.state}, ` +
    `restoring ${formatWeights(target)}.`
  );
}

// ---------------------------------------------------------------- freezes

/** `active`, `lifted` or `expired`. */
export const freezeState = (f: Freeze) => (f.liftedAt ? 'lifted' : f.active ? 'active' : 'expired');

const scopeOf = (names: readonly string[]) => (names.length ? names.join(',') : 'all');

export const freezeColumns = (now: Date): readonly Column<Freeze>[] => [
  { header: 'id', value: (f) => f.id },
  { header: 'state', value: freezeState },
  { header: 'services', value: (f) => scopeOf(f.services) },
  { header: 'idcs', value: (f) => scopeOf(f.idcs) },
  { header: 'until', value: (f) => whenWithAge(f.until, now) },
  { header: 'by', value: (f) => f.createdBy },
  { header: 'reason', value: (f) => truncate(f.reason, 60) },
];

/** `vigil freeze list`: newest first. */
export function renderFreezes(freezes: readonly Freeze[], what: string, now: Date = new Date()): string {
  if (freezes.length === 0) return `No ${what}.`;
  return renderTable(freezeColumns(now), freezes).join('\n');
}

/** `vigil freeze end`: automation may act in the scope again. */
export function renderFreezeEnded(f: Freeze): string {
  return (
    `Ended freeze ${f.id} (services ${scopeOf(f.services)}, IDCs ${scopeOf(f.idcs)}): ` +
    'automatic actions may run there again.'
  );
}

// ---------------------------------------------------------------- automation

/** `vigil automation show|pause|resume`: whether the kill switch is on, by whom, why, since when. */
export function renderAutomation(a: Automation, now: Date = new Date()): string {
  const since = a.since ? ` since ${whenWithAge(a.since, now)}` : '';
  const by = a.by ? ` by ${a.by}` : '';
  const reason = a.reason ? `: ${a.reason}` : '';
  if (a.paused) {
    return `Automation is PAUSED (kill switch)${by}${since}${reason}\nResume with: vigil automation resume`;
  }
  return a.since
    ? `Automation is running (resumed${by}${since}${reason}).`
    : 'Automation is running (never paused).';
}

// ---------------------------------------------------------------- weights

interface WeightRow {
  idc: string;
  baseline?: number;
  desired?: number;
  applied?: number;
  /** The traffic manager's own weight at the last read-back; undefined when it cannot be read. */
  actual?: number;
  hold?: FailbackHold;
}

const num = (n: number | undefined) => (n === undefined ? '-' : String(n));
const round2 = (n: number) => Math.round(n * 100) / 100;

const weightColumns = (now: Date): readonly Column<WeightRow>[] => [
  { header: 'idc', value: (r) => r.idc },
  { header: 'baseline', value: (r) => num(r.baseline), align: 'right' },
  { header: 'desired', value: (r) => num(r.desired), align: 'right' },
  { header: 'applied', value: (r) => num(r.applied), align: 'right' },
  {
    header: 'in force',
    value: (r) => num(r.actual === undefined ? undefined : round2(r.actual)),
    align: 'right',
  },
  {
    header: 'failback',
    value: (r) =>
      !r.hold
        ? '-'
        : r.hold.failbackAt
          ? `at ${whenWithAge(r.hold.failbackAt, now)}`
          : `hold ${Math.round(r.hold.holdMs / 1000)}s (${r.hold.explanation})`,
  },
];

/** `vigil weights show`: per IDC the baseline, desired and applied weights, then the override and the latest action. */
export function renderServiceTraffic(t: ServiceTraffic, now: Date = new Date()): string {
  const idcs = [
    ...new Set([...Object.keys(t.baseline), ...Object.keys(t.desired), ...Object.keys(t.applied ?? {})]),
  ].sort();
  const inForce = t.actual?.ok ? (t.actual.weights ?? {}) : undefined;
  const rows = idcs.map((idc) => ({
    idc,
    baseline: t.baseline[idc],
    desired: t.desired[idc],
    applied: t.applied?.[idc],
    actual: inForce ? (inForce[idc] ?? 0) : undefined,
    hold: t.failback?.[idc],
  }));
  const manager = t.trafficManager;
  const readBack = t.actual
    ? `${t.actual.ok ? 'read back' : 'NOT readable'} ${whenWithAge(t.actual.readAt, now)}: ${t.actual.detail}`
    : manager.readsBack
      ? 'not read back yet'
      : 'cannot be read back';
  const ttl =
    manager.ttlSeconds === undefined
      ? ''
      : `, DNS TTL ${manager.ttlSeconds}s (a step takes full effect after it)`;
  const managerLines = [
    `Traffic manager: ${manager.type}${ttl}; ${readBack}`,
    ...(t.drift ? [`DRIFT since ${whenWithAge(t.drift.since, now)}: ${t.drift.reason}`] : []),
    ...(t.drained.length ? [`Drained endpoints: ${t.drained.join(', ')}`] : []),
  ];
  const override = t.override
    ? [
        `Manual override: ${formatWeights(t.override.weights)} by ${t.override.by} at ` +
          `${whenWithAge(t.override.at, now)}: ${t.override.reason}`,
        `  automation is paused for ${t.service}; release with: vigil weights release ${t.service}`,
      ]
    : ['Manual override: none (automation decides)'];
  const latest = t.latestAction
    ? [
        `Latest action: ${t.latestAction.id} ${describeAction(t.latestAction)}, ${t.latestAction.state} ` +
          `(${t.latestAction.stepsDone}/${t.latestAction.stepsTotal} steps, ${ageOf(t.latestAction.createdAt, now)} ago)`,
      ]
    : ['Latest action: none'];
  const applied = t.appliedAt
    ? `applied ${whenWithAge(t.appliedAt, now)}`
    : 'not yet confirmed by the traffic manager';
  return [
    `Weights of ${t.service} (${applied})`,
    ...renderTable(weightColumns(now), rows),
    '',
    ...managerLines,
    ...override,
    ...latest,
  ].join('\n');
}

/** `vigil weights set`: the manual action that applies them, and what it superseded. */
export function renderSetWeights(r: SetWeightsResult): string {
  const target = r.action.steps[r.action.steps.length - 1]?.weights ?? r.desired;
  return [
    `Set the weights of ${r.service} to ${formatWeights(target)} by hand: action ${r.action.id} is ${r.action.state}.`,
    `Automation is paused for ${r.service} until: vigil weights release ${r.service}`,
    ...(r.superseded.length ? [`Superseded (cancelled): ${r.superseded.join(', ')}`] : []),
  ].join('\n');
}

export type DrainDirection = 'drain' | 'undrain';

/** `vigil drain|undrain`: the manual action that takes the endpoint out of rotation or back. */
export function renderDrain(direction: DrainDirection, a: Action): string {
  const endpoint = a.endpoint ?? '?';
  const where = `endpoint ${endpoint} of ${a.service}${a.idc ? ` (${a.idc})` : ''}`;
  const effect =
    direction === 'drain'
      ? 'once applied, its traffic manager sends it no new requests; the weights stay as they are.'
      : 'once applied, it receives requests again at the weights in force.';
  const undo = direction === 'drain' ? 'undrain' : 'drain';
  return [
    `${direction === 'drain' ? 'Draining' : 'Undraining'} ${where}: action ${a.id} is ${a.state};`,
    `  ${effect}`,
    `Follow it with: vigil actions show ${a.id}`,
    `Undo with: vigil ${undo} ${a.service} ${endpoint} -r <why>`,
  ].join('\n');
}

/** `vigil weights release`: automation decides again; the weights stay until an action changes them. */
export function renderReleased(t: ServiceTraffic): string {
  return (
    `Released the manual override of ${t.service}: automation decides again. ` +
    `The weights stay ${formatWeights(t.desired)} until an action changes them.`
  );
}

// ---------------------------------------------------------------- events

/** What an event is about: the endpoint, the vantage, or `service/idc`. */
export function eventSubject(e: HealthEvent): string {
  return e.endpoint ?? e.vantage ?? ([e.service, e.idc].filter(Boolean).join('/') || '-');
}

export const eventColumns: readonly Column<HealthEvent>[] = [
  { header: 'time', value: (e) => formatAt(e.at) },
  { header: 'kind', value: (e) => e.kind },
  { header: 'subject', value: eventSubject },
  { header: 'change', value: (e) => `${e.before} -> ${e.after}` },
  { header: 'reason', value: (e) => truncate(e.reason ?? '', 80) },
];

/** `vigil events`: newest first. */
export function renderEvents(
  page: CursorPage<HealthEvent>,
  filters: Record<string, string | undefined> = {},
): string {
  if (page.items.length === 0) return none(filters, 'events');
  return [...renderTable(eventColumns, page.items), ...moreHint(page.next)].join('\n');
}

/** `vigil events --follow`: one line per event, as it arrives. */
export function renderEventLine(e: HealthEvent): string {
  const reason = e.reason ? `  ${e.reason}` : '';
  return `${formatAt(e.at)}  ${e.kind}  ${eventSubject(e)}  ${e.before} -> ${e.after}${reason}`;
}

// ---------------------------------------------------------------- endpoint

type VantageCheck = EndpointHealth['vantages'][number];
type ProbeResult = EndpointHealth['lastResults'][number];

const vantageColumns = (now: Date): readonly Column<VantageCheck>[] => [
  { header: 'vantage', value: (v) => v.vantage },
  { header: 'check', value: (v) => v.check },
  { header: 'state', value: (v) => v.state },
  { header: 'streak', value: (v) => (v.lastOk ? `${v.successes} ok` : `${v.failures} failed`) },
  { header: 'last', value: (v) => `${formatAge(now.getTime() - v.lastAt)} ago` },
  { header: 'error', value: (v) => truncate(v.lastError ?? '', 80) },
];

const resultColumns: readonly Column<ProbeResult>[] = [
  { header: 'time', value: (r) => formatAt(r.at) },
  { header: 'vantage', value: (r) => r.vantage },
  { header: 'check', value: (r) => r.check },
  { header: 'ok', value: (r) => (r.ok ? 'ok' : 'FAIL') },
  { header: 'latency', value: (r) => `${Math.round(r.latencyMs)}ms`, align: 'right' },
  { header: 'status', value: (r) => (r.statusCode !== undefined ? String(r.statusCode) : '-') },
  { header: 'error', value: (r) => truncate([r.errorKind, r.detail].filter(Boolean).join(': '), 80) },
];

/** How many of the newest results `vigil endpoint` shows (`-o json` has them all). */
export const RESULTS_SHOWN = 10;

/** `vigil endpoint`: state, score, per-vantage checks and the newest results. */
export function renderEndpointHealth(e: EndpointHealth, now: Date = new Date()): string {
  const since = e.since !== null ? `, since ${whenWithAge(e.since, now)}` : '';
  const s = e.scoreComponents;
  const lines = [
    `Endpoint ${e.id} (service ${e.service}, IDC ${e.idc}, capacity ${e.capacity})`,
    `  state:  ${e.state} (${e.reason})${e.flapping ? ', FLAPPING' : ''}${since}`,
    `  score:  ${e.score} (availability ${s.availability}, latency ${s.latency}, stability ${s.stability})`,
    `  down from: ${e.downFrom.join(', ') || '-'}; up from: ${e.upFrom.join(', ') || '-'}`,
  ];
  if (e.vantages.length === 0 && e.lastResults.length === 0) {
    return [...lines, '', 'No probe results yet.'].join('\n');
  }
  const newest = [...e.lastResults].sort((a, b) => b.at - a.at).slice(0, RESULTS_SHOWN);
  return [
    ...lines,
    '',
    ...(e.vantages.length ? renderTable(vantageColumns(now), e.vantages) : ['No checks per vantage yet.']),
    '',
    `Newest results (${newest.length} of ${e.lastResults.length})`,
    ...(newest.length ? renderTable(resultColumns, newest) : []),
  ].join('\n');
}
