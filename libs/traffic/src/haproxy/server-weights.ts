import type { AdapterEndpoint } from '../adapter';

/** HAProxy's largest server weight (`set server ... weight` accepts 0-256). */
export const MAX_SERVER_WEIGHT = 256;

/**
 * Server weights (integers 0-256) per endpoint name for IDC percentages. Within an IDC the percent is
 * split in proportion to endpoint capacity; then every share is scaled so the largest becomes 256 (the
 * finest resolution HAProxy offers) and rounded, a non-zero share never below 1. An endpoint whose IDC
 * is not in `weights` gets 0.
 * @throws Error when an IDC with weight > 0 has no endpoint (its traffic would go nowhere).
 */
export function serverWeights(
  weights: Readonly<Record<string, number>>,
  endpoints: readonly AdapterEndpoint[],
): Map<string, number> {
  const capacity = new Map<string, number>();
  for (const e of endpoints) capacity.set(e.idc, (capacity.get(e.idc) ?? 0) + e.capacity);
  const empty = Object.keys(weights)
    .filter((idc) => weights[idc] > 0 && !(capacity.get(idc)! > 0))
    .sort();
  if (empty.length > 0) throw new Error(`no endpoint in ${empty.join(', ')} to take its weight`);
  const shares = endpoints.map((e) => ((weights[e.idc] ?? 0) * e.capacity) / capacity.get(e.idc)!);
  const largest = Math.max(0, ...shares);
  const out = new Map<string, number>();
  endpoints.forEach((e, i) => {
    const share = shares[i];
    out.set(e.name, share > 0 ? Math.max(1, Math.round((share * MAX_SERVER_WEIGHT) / largest)) : 0);
  });
  return out;
}

/**
 * Percent per IDC from server weights (every IDC of `endpoints` listed, 0 when its servers have none),
 * and the read's tolerance in percentage points: rounding moves each server's weight by at most 1
 * (0.5, or up to 1 where a tiny share was raised to 1), so an IDC's share can be off by at most
 * 100 × (servers with weight) / (total weight); Vigil's writes total at least 256. Undefined when
 * every weight is 0.
 */
export function idcShares(
  endpoints: readonly AdapterEndpoint[],
  weightOf: ReadonlyMap<string, number>,
): { weights: Record<string, number>; tolerance: number } | undefined {
  const byIdc: Record<string, number> = {};
  let total = 0;
  let weighted = 0;
  for (const e of endpoints) {
    const w = weightOf.get(e.name) ?? 0;
    byIdc[e.idc] = (byIdc[e.idc] ?? 0) + w;
    total += w;
    if (w > 0) weighted++;
  }
  if (total === 0) return undefined;
  const weights = Object.fromEntries(
    Object.entries(byIdc).map(([idc, w]) => [idc, Math.round(((w * 100) / total) * 1e4) / 1e4]),
  );
  const tolerance = Math.ceil(((100 * weighted) / Math.max(total, MAX_SERVER_WEIGHT)) * 100) / 100;
  return { weights, tolerance };
}
