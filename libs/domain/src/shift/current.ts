/**
 * The weights in force, in the planner's terms: whole percentages over every IDC the service knows.
 */
import { normalise, withKeys } from './normalise';
import type { ShiftContext, Weights } from './types';

/** Every IDC the service's weights could mention: current, baseline and described IDCs. */
export function allIdcs(ctx: ShiftContext, ...more: string[]): string[] {
  return [...Object.keys(ctx.current), ...Object.keys(ctx.baseline), ...ctx.idcs.map((s) => s.idc), ...more];
}

/** The current weights as whole percentages over every IDC, or undefined when they are all 0. */
export function currentPercentages(ctx: ShiftContext, ...more: string[]): Weights | undefined {
  const sum = Object.values(ctx.current).reduce((acc, w) => acc + (Number.isFinite(w) && w > 0 ? w : 0), 0);
  return sum > 0 ? withKeys(normalise(ctx.current), allIdcs(ctx, ...more)) : undefined;
}
