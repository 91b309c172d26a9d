/**
 * How long a recovered IDC must stay HEALTHY before it gets its traffic back: failback backs off.
 */
import { humanDuration, ordinal } from './format';
import type { ShiftPolicy } from './types';

/** The hold before the failback of one (service, IDC), and why. */
export interface FailbackHold {
  /** Milliseconds the IDC must have been HEALTHY without interruption before failback. */
  holdMs: number;
  /** Outages of the (service, IDC) within failbackBackoff.window, the current one included: at least 1. */
  outages: number;
  /** How the hold came about, for reasons: "recoveryHold 10s × 2^2: 3rd outage within 1h". */
  explanation: string;
}

/**
 * The hold before failback after the n-th outage of a (service, IDC) within failbackBackoff.window:
 * min(max(maxHold, recoveryHold), recoveryHold × 2^(n−1)), like Envoy's ejection time. An IDC that
 * keeps failing waits longer each time before traffic comes back to it, so a flapping IDC costs a
 * few failbacks an hour, not one per flap. Only the way back is damped: nothing here delays a shift
 * away. `outages` are epoch ms (the snapshot's IdcStatus.outages); those older than the window
 * before `now` no longer count, so the hold comes down again once the IDC stays up. n is at least 1:
 * the outage being recovered from counts even when its time is unknown or out of the window.
 */
export function failbackHold(
  policy: Pick<ShiftPolicy, 'recoveryHold' | 'failbackBackoff'>,
  outages: readonly number[] | undefined,
  now: number,
): FailbackHold {
  const { recoveryHold } = policy;
  const { window, maxHold } = policy.failbackBackoff;
  const n = Math.max(1, (outages ?? []).filter((at) => now - at <= window).length);
  const which = `${ordinal(n)} outage within ${humanDuration(window)}`;
  if (n === 1)
    return {
      holdMs: recoveryHold,
      outages: n,
      explanation: `recoveryHold: no earlier outage within ${humanDuration(window)}`,
    };
  const doubled = `recoveryHold ${humanDuration(recoveryHold)} × 2^${n - 1}`;
  if (maxHold <= recoveryHold)
    return {
      holdMs: recoveryHold,
      outages: n,
      explanation: `recoveryHold, not backed off (maxHold ${humanDuration(maxHold)} is not above it): ${which}`,
    };
  // Infinity for an absurd n is capped like any other.
  const backedOff = recoveryHold * 2 ** (n - 1);
  if (backedOff > maxHold)
    return {
      holdMs: maxHold,
      outages: n,
      explanation: `${doubled} capped at maxHold ${humanDuration(maxHold)}: ${which}`,
    };
  return { holdMs: backedOff, outages: n, explanation: `${doubled}: ${which}` };
}
