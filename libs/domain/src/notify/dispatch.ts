import { admitRate } from './rate-limit';
import { routeChannels } from './routing';
import { activeSilence } from './silences';
import { TRAFFIC_EVENTS, type Notice, type Route, type Silence } from './types';

/** One channel's rate-limit memory: recent send times, oldest first. */
export interface ChannelBudget {
  sent: readonly number[];
}

/** What dispatch needs to know of a configured channel. */
export interface ChannelPolicy {
  limit: { max: number; perMs: number };
  /** Whether reminders go there (not to PagerDuty or Opsgenie: their own policies keep paging). */
  reminders: boolean;
}

/** Channel types that page by their own escalation policies, and so take no reminders. */
const PAGING_CHANNELS: ReadonlySet<string> = new Set(['pagerduty', 'opsgenie']);

/**
 * The policy of a configured channel of `type` with `limit`. PagerDuty and Opsgenie take no reminders:
 * they page again by their own escalation and notification policies, and a reminder there would be a
 * new trigger, reopening an alert a human resolved.
 */
export function channelPolicy(type: string, limit: { max: number; perMs: number }): ChannelPolicy {
  return { limit, reminders: !PAGING_CHANNELS.has(type) };
}

/** Silenced by a silence (`silenceId`) or by a maintenance window (`maintenanceWindowId`). */
export type DispatchOutcome =
  | { state: 'pending' }
  | { state: 'suppressed' }
  | { state: 'silenced'; silenceId?: string; maintenanceWindowId?: string };

/**
 * The maintenance window (its id) that silences a notice with these labels now, if any: the
 * controller's calendar of windows with the `silence` effect, matched on the notice's service, IDC
 * and the service's labels.
 */
export type MaintenanceMute = (labels: Readonly<Record<string, string>>) => string | undefined;

/** A notice bound for one channel, and what became of it there. */
export interface Dispatched {
  notice: Notice;
  channel: string;
  outcome: DispatchOutcome;
}

/**
 * What becomes of a notice on one channel. A resolve to a channel its trigger reached
 * (`notice.reached`) always goes (`pending`), past silences and rate limits, and costs nothing: a
 * PagerDuty incident must not stay open because a silence was created meanwhile or tokens ran out.
 * Anything else (triggers, reminders, one-shot notices) is `silenced` when an active silence matches
 * its labels (plus `channel`) or a maintenance window in force covers it (`mute`), else sent within the channel's rate limit, or `suppressed` beyond it;
 * except a notice of a TRAFFIC_EVENTS event (a shift, an approval request, a hold, a panic): it spends a
 * token when one is left but is sent even when none is, since a flapping IDC's notices must never
 * fold away the news that traffic moved. Returns the channel's budget after the decision.
 */
export function dispatch(
  notice: Notice,
  channel: string,
  silences: readonly Silence[],
  budget: ChannelBudget,
  policy: Pick<ChannelPolicy, 'limit'>,
  now: number,
  mute?: MaintenanceMute,
): { outcome: DispatchOutcome; budget: ChannelBudget } {
  if (notice.phase === 'resolve' && notice.reached?.includes(channel)) {
    return { outcome: { state: 'pending' }, budget };
  }
  const silenceId = activeSilence({ ...notice.labels, channel }, silences, now);
  if (silenceId) return { outcome: { state: 'silenced', silenceId }, budget };
  const maintenanceWindowId = mute?.(notice.labels);
  if (maintenanceWindowId) return { outcome: { state: 'silenced', maintenanceWindowId }, budget };
  const { admitted, history } = admitRate(budget.sent, now, policy.limit);
  const sent = admitted || TRAFFIC_EVENTS.has(notice.event);
  return { outcome: { state: sent ? 'pending' : 'suppressed' }, budget: { sent: history } };
}

/**
 * The channels a notice goes to, among the configured ones: a resolve to those its trigger reached
 * (when known), a notice with its own `channels` (a rule's) to those, a reminder to the routed
 * channels that take reminders, anything else to the routed channels (routeChannels).
 */
function channelsOf(
  notice: Notice,
  given: readonly string[] | undefined,
  config: { routes: readonly Route[]; channels: ReadonlyMap<string, ChannelPolicy> },
): string[] {
  const configured = (names: readonly string[]) => [...new Set(names)].filter((c) => config.channels.has(c));
  if (notice.phase === 'resolve' && notice.reached) return configured(notice.reached);
  if (given) return configured(given);
  const routed = routeChannels(notice, config.routes, [...config.channels.keys()]);
  return notice.phase === 'remind' ? routed.filter((c) => config.channels.get(c)?.reminders) : routed;
}

/**
 * One tick's notices through channels, silences and rate limits (dispatch), in order. Returns every
 * outcome and the budgets after them. A resolve of this tick whose incident a trigger of this tick
 * reached (an escalation, an approval request) goes there too. Where later resolves go is kept in the
 * book from what was recorded (settleReached), not from these decisions. Pure: the arguments are not
 * changed; the caller keeps the results only once the outcomes are recorded, so a failed tick spends
 * no tokens.
 */
export function dispatchNotices(
  notices: ReadonlyArray<{ notice: Notice; channels?: readonly string[] }>,
  config: { routes: readonly Route[]; channels: ReadonlyMap<string, ChannelPolicy> },
  silences: readonly Silence[],
  budgets: ReadonlyMap<string, ChannelBudget>,
  now: number,
  mute?: MaintenanceMute,
): { dispatched: Dispatched[]; budgets: Map<string, ChannelBudget> } {
  const next = new Map(budgets);
  const dispatched: Dispatched[] = [];
  const reached = new Map<string, string[]>(); // incident key -> channels this tick's triggers go to
  for (const { notice: original, channels } of notices) {
    const also =
      original.phase === 'resolve' && original.reached ? reached.get(original.incidentKey) : undefined;
    const notice = also ? { ...original, reached: [...original.reached!, ...also] } : original;
    for (const channel of channelsOf(notice, channels, config)) {
      const policy = config.channels.get(channel)!;
      const step = dispatch(notice, channel, silences, next.get(channel) ?? { sent: [] }, policy, now, mute);
      next.set(channel, step.budget);
      dispatched.push({ notice, channel, outcome: step.outcome });
      if (step.outcome.state === 'pending' && notice.resolvable && notice.phase !== 'resolve') {
        reached.set(notice.incidentKey, [...(reached.get(notice.incidentKey) ?? []), channel]);
      }
    }
  }
  return { dispatched, budgets: next };
}
