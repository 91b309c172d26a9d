/** Formatting shared by the pages: times, durations, ratios and weights as on-call reads them. */

const timeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A local date and time, e.g. `Dec 3, 10:41:07`; `—` for none. */
export function formatTime(at: string | number | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '—' : timeFormat.format(date);
}

/** A duration in the largest units that matter: `850 ms`, `42 s`, `3 m 5 s`, `2 h 10 m`, `3 d 4 h`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} m ${s % 60} s` : `${m} m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} m` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** How long ago, from `now`: `12 s ago`. */
export function formatAgo(at: string | number | null | undefined, now = Date.now()): string {
  if (at === null || at === undefined) return '—';
  const t = new Date(at).getTime();
  return Number.isNaN(t) ? '—' : `${formatDuration(Math.max(0, now - t))} ago`;
}

/** A 0..1 ratio as a percentage with at most one decimal: `97.5%`. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${Math.round(ratio * 1000) / 10}%`;
}

/** A capacity figure with at most two decimals (a flapping endpoint counts in part). */
export function formatCapacity(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** IDC weights as `sha 75 · bjs 25`, in the order given. */
export function formatWeights(weights: Record<string, number> | null | undefined): string {
  if (!weights) return '—';
  const entries = Object.entries(weights);
  return entries.length ? entries.map(([idc, w]) => `${idc} ${Math.round(w * 10) / 10}`).join(' · ') : '—';
}
