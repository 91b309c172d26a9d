import { admitRate } from './rate-limit';
import { activeSilence } from './silences';
import type { Notice, Silence } from './types';

/** One channel's rate-limit memory: recent send times, and the incidents whose trigger it sent. */
export interface ChannelBudget {
  sent: readonly number[];
  triggered: readonly string[];
}

export type DispatchOutcome =
  { state: 'pending' } | { state: 'suppressed' } | { state: 'silenced'; silenceId: string };

/**
 * What becomes of a notice on one channel: silenced when an active silence matches its labels (plus
 * `channel`); else sent (`pending`) within the channel's rate limit, or `suppressed` beyond it. A
 * resolve or reminder of an incident whose trigger this channel sent always goes: a PagerDuty incident
 * must not stay open for want of a token. Returns the channel's budget after the decision.
 */
export function dispatch(
  notice: Notice,
  channel: string,
  silences: readonly Silence[],
  budget: ChannelBudget,
  limit: { max: number; perMs: number },
  now: number,
): { outcome: DispatchOutcome; budget: ChannelBudget } {
  const silenceId = activeSilence({ ...notice.labels, channel }, silences, now);
  if (silenceId) return { outcome: { state: 'silenced', silenceId }, budget };
  const incident = notice.incidentKey;
  if (notice.phase !== 'trigger' && budget.triggered.includes(incident)) {
    const triggered =
      notice.phase === 'resolve' ? budget.triggered.filter((k) => k !== incident) : budget.triggered;
    return { outcome: { state: 'pending' }, budget: { ...budget, triggered } };
  }
  const { admitted, history } = admitRate(budget.sent, now, limit);
  if (!admitted) return { outcome: { state: 'suppressed' }, budget: { ...budget, sent: history } };
  const opens = notice.resolvable && notice.phase === 'trigger' && !budget.triggered.includes(incident);
  return {
    outcome: { state: 'pending' },
    budget: { sent: history, triggered: opens ? [...budget.triggered, incident] : budget.triggered },
  };
}
