import type { ShiftPolicy } from '@libs/domain';
import { parseDuration } from './duration';
import type { Policy } from './schema';

/** A service's parsed `policy` as the shift planner takes it: the same fields, durations in ms. */
export function shiftPolicy(p: Policy): ShiftPolicy {
  return {
    maxUtilization: p.maxUtilization,
    maxStepPercent: p.maxStepPercent,
    stepInterval: parseDuration(p.stepInterval),
    panicThreshold: p.panicThreshold,
    cooldown: parseDuration(p.cooldown),
    maxActionsPerHour: p.maxActionsPerHour,
    recoveryHold: parseDuration(p.recoveryHold),
    failbackBackoff: {
      window: parseDuration(p.failbackBackoff.window),
      maxHold: parseDuration(p.failbackBackoff.maxHold),
    },
  };
}
