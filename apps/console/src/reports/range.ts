/** The report's range presets, as they appear in the URL (`?range=7d`). */
export const RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type RangeName = keyof typeof RANGES;

export const RANGE_LABELS: Record<RangeName, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

/** A URL's `range`, or 24h for a missing or unknown one. */
export function rangeName(value: string | null): RangeName {
  return value !== null && Object.hasOwn(RANGES, value) ? (value as RangeName) : '24h';
}

/** `[from, to)` in epoch ms for a preset ending now, on whole minutes (the rollups' grain). */
export function rangeBounds(name: RangeName, now: number): { from: number; to: number } {
  const to = Math.floor(now / 60_000) * 60_000 + 60_000;
  return { from: to - RANGES[name], to };
}

/** A file name for an export: `vigil-incidents-7d-2026-12-03.csv`. */
export function exportName(what: string, name: RangeName, now: number): string {
  return `vigil-${what}-${name}-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
