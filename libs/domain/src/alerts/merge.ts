import type { AlertStatus, ReceivedAlert } from './types';

/** What is stored of an alert, as far as merging a new copy of it needs (times as epoch ms). */
export interface StoredAlertState {
  status: AlertStatus;
  startsAt: number;
  endsAt: number | null;
}

/**
 * How a received copy of an alert changes the stored one:
 * - `update`: it is news (or a repeat) and replaces the stored copy, with `startsAt` as merged;
 * - `stale`: an older notification arriving late (a retry, another Alertmanager of an HA pair): it is
 *   counted as received and changes nothing, so a late "firing" cannot undo a resolve, nor a late
 *   resolve end an alert that fired again since.
 */
export type AlertMerge = { kind: 'update'; startsAt: number } | { kind: 'stale' };

/**
 * Merges `incoming` into `stored`, by the alert's own times, never by arrival order:
 * - a firing copy of a resolved alert is a new episode only if it started at or after the resolve's end;
 * - a resolve counts unless it ended before the stored alert started (the end of an earlier episode);
 * - while firing, the first start is kept (a generic alert without `startsAt` says "now" each time).
 */
export function mergeAlert(stored: StoredAlertState, incoming: ReceivedAlert): AlertMerge {
  if (stored.status === 'resolved' && incoming.status === 'firing') {
    const oldEpisode = stored.endsAt !== null && incoming.startsAt < stored.endsAt;
    return oldEpisode ? { kind: 'stale' } : { kind: 'update', startsAt: incoming.startsAt };
  }
  if (incoming.status === 'resolved' && incoming.endsAt !== null && incoming.endsAt < stored.startsAt) {
    return { kind: 'stale' }; // the resolve of an earlier episode
  }
  if (stored.status === 'firing') {
    return { kind: 'update', startsAt: Math.min(stored.startsAt, incoming.startsAt) };
  }
  return { kind: 'update', startsAt: incoming.startsAt };
}

/**
 * The alert as of `now`: a firing copy whose `endsAt` has passed is already resolved (Alertmanager's
 * own rule: an alert ends at `endsAt` unless renewed), so it is stored and shown as such.
 */
export function settleAlert(alert: ReceivedAlert, now: number): ReceivedAlert {
  return alert.status === 'firing' && alert.endsAt !== null && alert.endsAt <= now
    ? { ...alert, status: 'resolved' }
    : alert;
}
