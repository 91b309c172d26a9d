import type { AlertStatus, AlertTarget, ReceivedAlert } from './types';

/** The `before` of the first event of an alert never seen before. */
export const NEW_ALERT = 'new';

/** Longest timeline reason: the alert name and its summary, cut. */
const REASON_MAX = 500;

/** An alert's change on the health timeline (health_events, kind `alert`). */
export interface AlertEvent {
  kind: 'alert';
  /** Epoch ms: when Vigil received the change. */
  at: number;
  service?: string;
  idc?: string;
  endpoint?: string;
  before: AlertStatus | typeof NEW_ALERT;
  after: AlertStatus;
  reason: string;
  details: {
    fingerprint: string;
    source: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: number;
    endsAt: number | null;
    /** Set when Vigil resolved the alert itself: no resolve came (see alertExpiredEvent). */
    expired?: AlertExpiryCause;
  };
}

/**
 * Why Vigil resolves a firing alert itself: its `endsAt` passed without a renewal (Alertmanager's
 * rule), or it was not received again for config `alerts.resolveAfter` (a lost resolve).
 */
export type AlertExpiryCause = 'endsAt' | 'resolveAfter';

const EXPIRY_NOTE: Record<AlertExpiryCause, string> = {
  endsAt: 'ended: its endsAt passed',
  resolveAfter: 'ended: not received again within alerts.resolveAfter',
};

/**
 * Whether an alert's arrival is news for the timeline: it starts firing (new, or resolved before) or
 * it resolves. A repeat of the same status is not, and neither is the resolve of an alert never seen
 * firing. `before` is the stored status, null when the alert is new.
 */
export function alertChanged(before: AlertStatus | null, after: AlertStatus): boolean {
  return before === null ? after === 'firing' : before !== after;
}

/** `HighErrorRate: error rate 7% in sha` (alert name, then the `summary` annotation if any). */
export function alertReason(alert: Pick<ReceivedAlert, 'name' | 'annotations'>, note?: string): string {
  const summary = Object.hasOwn(alert.annotations, 'summary') ? alert.annotations.summary : '';
  const text = [alert.name || '(no alertname)', summary].filter(Boolean).join(': ');
  // The note goes first when it would be cut: it says why the event is there.
  const cut = (t: string, max: number) => (t.length > max ? `${t.slice(0, max - 1)}…` : t);
  return note ? `${cut(text, REASON_MAX - note.length - 3)} (${note})` : cut(text, REASON_MAX);
}

/** The timeline event of an alert's change (see alertChanged), at `at` (epoch ms). */
export function alertEvent(
  alert: ReceivedAlert,
  target: AlertTarget,
  before: AlertStatus | null,
  at: number,
): AlertEvent {
  return {
    kind: 'alert',
    at,
    ...(target.service !== null && { service: target.service }),
    ...(target.idc !== null && { idc: target.idc }),
    ...(target.endpoint !== null && { endpoint: target.endpoint }),
    before: before ?? NEW_ALERT,
    after: alert.status,
    reason: alertReason(alert),
    details: {
      fingerprint: alert.fingerprint,
      source: alert.source,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
    },
  };
}

/** The resolve Vigil puts on the timeline for a firing alert that expired (see AlertExpiryCause). */
export function alertExpiredEvent(
  alert: ReceivedAlert,
  target: AlertTarget,
  cause: AlertExpiryCause,
  at: number,
): AlertEvent {
  const event = alertEvent({ ...alert, status: 'resolved' }, target, 'firing', at);
  return {
    ...event,
    reason: alertReason(alert, EXPIRY_NOTE[cause]),
    details: { ...event.details, expired: cause },
  };
}
