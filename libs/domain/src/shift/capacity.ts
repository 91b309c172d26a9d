/**
 * Capacity arithmetic: how much of the service's traffic (in whole percentage points) an IDC can
 * still take without going above maxUtilization.
 */
import type { IdcSituation, ShiftContext } from './types';

/** Float slack for "exactly at the limit" (0.8 * 40 / 40 * 100 is 80.00000000000001). */
const EPSILON = 1e-9;

/** The IDC's situation; an IDC the context does not describe is UNKNOWN with no capacity. */
export function situationOf(ctx: Pick<ShiftContext, 'idcs'>, idc: string): IdcSituation {
  return ctx.idcs.find((s) => s.idc === idc) ?? { idc, state: 'UNKNOWN', healthyCapacity: 0, capacity: 0 };
}

/**
 * Total service traffic in capacity units: `ctx.load` when known. Otherwise the assumption is that the
 * baseline was sized N+1, the usual rule for a multi-IDC service: the traffic fits in every IDC but
 * the largest at maxUtilization, i.e. load = maxUtilization x (total capacity - largest IDC
 * capacity). Draining the largest IDC then just fits, anything more does not. Pass `load` whenever
 * the caller knows it (request rates from the traffic manager or metrics): the assumption is only
 * a stand-in.
 */
export function serviceLoad(ctx: Pick<ShiftContext, 'load' | 'idcs' | 'policy'>): number {
  if (ctx.load !== undefined) return Math.max(0, ctx.load);
  const capacities = ctx.idcs.map((s) => Math.max(0, s.capacity));
  const total = capacities.reduce((sum, c) => sum + c, 0);
  return ctx.policy.maxUtilization * (total - Math.max(0, ...capacities));
}

/**
 * Whole percentage points of the service's traffic that `idc` can take on top of `currentPercent`
 * while staying at or below maxUtilization of its healthy capacity: floor(maxUtilization x
 * healthyCapacity / load x 100 - currentPercent), at least 0. Rounded down, so whole-percent weights
 * never overshoot the limit. With no traffic at all (load 0) any IDC with healthy capacity can take
 * the rest.
 */
export function headroomPercent(
  ctx: Pick<ShiftContext, 'load' | 'idcs' | 'policy'>,
  idc: string,
  currentPercent: number,
): number {
  const healthy = Math.max(0, situationOf(ctx, idc).healthyCapacity);
  const load = serviceLoad(ctx);
  const room = 100 - currentPercent;
  if (load <= 0) return healthy > 0 ? room : 0;
  const limit = (ctx.policy.maxUtilization * healthy * 100) / load;
  return Math.max(0, Math.min(room, Math.floor(limit - currentPercent + EPSILON)));
}
