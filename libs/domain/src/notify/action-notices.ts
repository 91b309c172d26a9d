/** Notices that need no incident: action changes and rules' notify actions, sent at once. */
import type { ActionChange, Notice, NotifyEvent, Severity } from './types';

/** Guardrails that refuse because Vigil fails static: a page-worthy `panic`, not a routine refusal. */
const FAIL_STATIC_GUARDRAILS: ReadonlySet<string> = new Set(['panic', 'stale']);

/** The event and severity of an action change, or null when it is not news. */
function classify(change: ActionChange): { event: NotifyEvent; severity: Severity } | null {
  switch (change.state) {
    case 'dry-run':
      return { event: 'action.proposed', severity: 'info' };
    case 'executing':
      // Only a new action is a proposal; executing after an approval or a hold is not news.
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
  'action.held': 'Stopped between steps: an operator must resume, roll back or cancel it.',
  panic: 'Vigil fails static: no traffic change while this holds.',
};

/**
 * The notice of an action's state change, or null when the change is not worth one. dry-run and a
 * new executing -> action.proposed (info); awaiting-approval (warning); completed -> action.executed
 * (info); failed, held (error); refused -> panic (critical) when the guardrail is `panic` or `stale`,
 * else action.refused (warning); rejected, cancelled, rolled-back and others -> null.
 */
export function actionNotice(change: ActionChange): Notice | null {
  const kind = classify(change);
  if (!kind) return null;
  const target = change.idc ? `${change.service}/${change.idc}` : change.service;
  const state =
    change.state === 'refused' && change.guardrail ? `refused (${change.guardrail})` : change.state;
  const text = [`${change.reason}`, `Mode: ${change.mode}${change.rule ? `, rule ${change.rule}` : ''}.`];
  const footnote = FOOTNOTES[kind.event];
  if (footnote) text.push(footnote);
  text.push(`Action ${change.id}.`);

  const labels: Record<string, string> = {
    event: kind.event,
    severity: kind.severity,
    service: change.service,
    action: change.id,
    kind: change.kind,
  };
  if (change.idc) labels.idc = change.idc;
  if (change.rule) labels.rule = change.rule;
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

  const incidentKey = `action/${change.id}`;
  return {
    id: `${incidentKey}:trigger:${change.at}`,
    incidentKey,
    event: kind.event,
    phase: 'trigger',
    severity: kind.severity,
    title: `${change.kind} ${target}: ${state}`,
    text: text.join('\n'),
    labels,
    details,
    at: change.at,
    resolvable: false,
  };
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
