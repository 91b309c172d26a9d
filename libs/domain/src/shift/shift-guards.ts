import { panic, stale } from './fail-static';
import { cooldown, freeze, killSwitch, manualOverride, rateLimit, type GuardCheck } from './guards';
import type { Guardrail } from './types';

/**
 * The guardrails of a shift away from `awayFrom`, or (without it) of a rule's set-weights. Order
 * matters, first refusal wins: the cheapest and most absolute checks first (a flag or a counter that
 * says no whatever the data), then whether the health data can be trusted at all (stale before panic:
 * with old data the panic numbers are old too); the capacity arithmetic comes after, in each planner.
 * Failback has its own list.
 */
export function shiftGuards(awayFrom?: string): ReadonlyArray<[Guardrail, GuardCheck]> {
  return [
    ['kill-switch', killSwitch],
    ['freeze', freeze],
    ['manual-override', manualOverride],
    ['cooldown', cooldown(awayFrom)],
    ['rate-limit', rateLimit],
    ['stale', stale],
    ['panic', panic],
  ];
}
