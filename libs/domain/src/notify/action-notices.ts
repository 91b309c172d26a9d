/**
 * Notices of action changes and rules' notify actions, sent at once. An action awaiting approval,
 * held or failed is an action incident: the action's next state resolves it (see stepAction).
 */
import type { ActionChange, ActionIncident, Notice, NotifyEvent, Severity } from './types';

/**
 * States whose notice the action's next state resolves: approved, rejected or cancelled ends the wait
 * for approval; rolled back or cancelled ends a hold (there is no resume); a rollback ends a failure (a
 * failed action nobody rolls back stays open, until MAX_ACTION_INCIDENTS drops it). Other notices
 * are one-shot: nothing Vigil sees ends a panic, a refusal or a rule's page, so a human resolves them.
 */
const RESOLVED_BY_NEXT_STATE: ReadonlySet<string> = new Set(['awaiting-approval', 'held', 'failed']);

/** Guardrails that refuse because Vigil fails static: a page-worthy `panic`, not a routine refusal. */
const FAIL_STATIC_GUARDRAILS: ReadonlySet<string> = new Set(['panic', 'stale']);

/** The event and severity of an action change, or null when it is not news. */
function classify(change: ActionChange): { event: NotifyEvent; severity: Severity } | null {
  switch (change.state) {
    case 'dry-run':
      return { event: 'action.proposed', severity: 'info' };
    case 'executing':
      // Only a new action is a proposal; executing after an approval is not news.
      return change.before == null ? { event: 'action.proposed', severity: 'info' } : null;
    case 'awaiting-approval':
      return { event: 'action.awaiting-approval', severity: 'warning' };
    case 'completed':
      return { event: 'action.executed', severity: 'info' };
    case 'failed':
      return { event: 'action.failed', severity: 'error' };
    case 'held':
      return { event: 'action.held', severity: 'error' };
    case 'refused':
      return change.guardrail !== undefined && FAIL_STATIC_GUARDRAILS.has(change.guardrail)
        ? { event: 'panic', severity: 'critical' }
        : { event: 'action.refused', severity: 'warning' };
    default:
      return null; // rejected, cancelled, rolled-back: a human did it, or it is undone
  }
}

/** What a human should know beyond the reason, by event. */
const FOOTNOTES: Partial<Record<NotifyEvent, string>> = {
  'action.awaiting-approval': 'Waiting for an operator to approve or reject it.',
  'action.held': 'Stopped between steps: an operator must roll back or cancel it.',
  panic: 'Vigil fails static: no traffic change while this holds.',
};

/** `<service>/<idc>`, or the service for an action without IDC. */
const target = (change: ActionChange) => (change.idc ? `${change.service}/${change.idc}` : change.service);

function actionLabels(change: ActionChange, event: NotifyEvent, severity: Severity): Record<string, string> {
  const labels: Record<string, string> = {
    event,
    severity,
    service: change.service,
    action: change.id,
    kind: change.kind,
  };
  if (change.idc) labels.idc = change.idc;
  if (change.rule) labels.rule = change.rule;
  return labels;
}

function actionDetails(change: ActionChange): Record<string, unknown> {
  const details: Record<string, unknown> = {
    action: change.id,
    kind: change.kind,
    service: change.service,
    idc: change.idc,
    state: change.state,
    reason: change.reason,
    mode: change.mode,
    rule: change.rule,
    at: new Date(change.at).toISOString(),
  };
  if (change.guardrail !== undefined) details.guardrail = change.guardrail;
  return details;
}

/**
 * The notice of an action's state change, or null when the change is not worth one. dry-run and a
 * new executing -> action.proposed (info); awaiting-approval (warning); completed -> action.executed
 * (info); failed, held (error); refused -> panic (critical) when the guardrail is `panic` or `stale`,
 * else action.refused (warning); rejected, cancelled, rolled-back and others -> null.
 *
 * One notice per (action, state), whatever the change time (an executing action's row changes at each
 * step): ids `action/<id>:<state>` on incidentKey `action/<id>`, or, for the states a later change
 * resolves (awaiting-approval, held, failed; `resolvable`), `action/<id>/<state>:trigger` on
 * incidentKey `action/<id>/<state>`: each its own PagerDuty alert, so resolving one never closes
 * another.
 */
export function actionNotice(change: ActionChange): Notice | null {
  const kind = classify(change);
  if (!kind) return null;
  const state =
    change.state === 'refused' && change.guardrail ? `refused (${change.guardrail})` : change.state;
  const text = [`${change.reason}`, `Mode: ${change.mode}${change.rule ? `, rule ${change.rule}` : ''}.`];
  const footnote = FOOTNOTES[kind.event];
  if (footnote) text.push(footnote);
  text.push(`Action ${change.id}.`);

  const resolvable = RESOLVED_BY_NEXT_STATE.has(change.state);
  const incidentKey = resolvable ? actionIncidentKey(change.id, change.state) : `action/${change.id}`;
  return {
    id: resolvable ? `${incidentKey}:trigger` : `${incidentKey}:${change.state}`,
    incidentKey,
    event: kind.event,
    phase: 'trigger',
    severity: kind.severity,
    title: `${change.kind} ${target(change)}: ${state}`,
    text: text.join('\n'),
    labels: actionLabels(change, kind.event, kind.severity),
    details: actionDetails(change),
    at: change.at,
    resolvable,
  };
}

export const actionIncidentKey = (action: string, state: string) => `action/${action}/${state}`;

/** The resolve of an action incident by the action's next state `change`, to the channels its trigger reached. */
function actionResolve(open: ActionIncident, change: ActionChange): Notice {
  return {
    id: `${open.id}:resolve`,
    incidentKey: open.id,
    event: open.event,
    phase: 'resolve',
    severity: open.severity,
    title: `resolved: ${change.kind} ${target(change)}: ${open.state} -> ${change.state}`,
    text: [`No longer ${open.state}: now ${change.state}.`, `${change.reason}`, `Action ${change.id}.`].join(
      '\n',
    ),
    labels: actionLabels(change, open.event, open.severity),
    details: { ...actionDetails(change), before: open.state, durationMs: change.at - open.openedAt },
    at: change.at,
    resolvable: true,
    reached: [...open.reached],
  };
}

/**
 * One action change against its open action incident (if any): a change to another state resolves
 * it; the change's own notice follows (see actionNotice), and opens a new action incident when its
 * state is one a later change resolves. The same state seen again (an executing row changes at each
 * step) changes nothing. Pure.
 */
export function stepAction(
  open: ActionIncident | undefined,
  change: ActionChange,
): { open: ActionIncident | undefined; notices: Notice[] } {
  if (open && open.state === change.state) return { open, notices: [] };
  const notices = open ? [actionResolve(open, change)] : [];
  // The open incident knows the state before: executing after an approval is not news.
  const notice = actionNotice(open && change.before == null ? { ...change, before: open.state } : change);
  if (notice) notices.push(notice);
  const next: ActionIncident | undefined =
    notice && notice.resolvable
      ? {
          id: notice.incidentKey,
          action: change.id,
          state: change.state,
          event: notice.event,
          severity: notice.severity,
          openedAt: change.at,
          reached: [], // dispatchNotices fills it in
        }
      : undefined;
  return { open: next, notices };
}

/** What a rule's notify action says. */
export interface RuleNotifyInput {
  rule: string;
  service: string;
  idc: string;
  /** The (service, IDC)'s state when the rule fired. */
  state: string;
  reason: string;
  /** Epoch ms when the rule fired. */
  at: number;
}

/** The notice of a rule's notify action (warning; sent to the channels the rule names, not routed). */
export function ruleNotice(input: RuleNotifyInput): Notice {
  const incidentKey = `rule/${input.rule}/${input.service}/${input.idc}/${input.at}`;
  return {
    id: `${incidentKey}:trigger:${input.at}`,
    incidentKey,
    event: 'rule.notify',
    phase: 'trigger',
    severity: 'warning',
    title: `rule ${input.rule}: ${input.service} in ${input.idc} is ${input.state}`,
    text: [`Rule ${input.rule} fired for ${input.service} in ${input.idc}.`, `Reason: ${input.reason}.`].join(
      '\n',
    ),
    labels: {
      event: 'rule.notify',
      severity: 'warning',
      rule: input.rule,
      service: input.service,
      idc: input.idc,
    },
    details: {
      rule: input.rule,
      service: input.service,
      idc: input.idc,
      state: input.state,
      reason: input.reason,
      at: new Date(input.at).toISOString(),
    },
    at: input.at,
    resolvable: false,
  };
}
