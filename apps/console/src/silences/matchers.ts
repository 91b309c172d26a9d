/**
 * Silence matchers as the console builds them: from an alert's or a notification's labels, and the
 * server's 400 `details` mapped back to the form's fields. A silence matches a notification's labels
 * (libs/domain/src/notify/silences.ts), so only those label names are worth pre-filling.
 */

export type MatcherOp = '=' | '!=' | '=~' | '!~';
export const MATCHER_OPS: readonly MatcherOp[] = ['=', '!=', '=~', '!~'];

export interface Matcher {
  label: string;
  op: MatcherOp;
  value: string;
}

/** The labels a notification carries (plus `channel`, added at delivery): what a silence can match. */
export const NOTIFICATION_LABELS = [
  'event',
  'severity',
  'service',
  'idc',
  'endpoint',
  'vantage',
  'rule',
  'action',
  'kind',
  'channel',
] as const;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `=` matchers for `keys` present (non-empty) in `labels`, in the order of `keys`. */
export function matchersFromLabels(
  labels: Record<string, string | null | undefined>,
  keys: readonly string[],
): Matcher[] {
  return keys
    .filter((key) => typeof labels[key] === 'string' && labels[key] !== '')
    .map((key) => ({ label: key, op: '=' as const, value: labels[key] as string }));
}

/**
 * An alert's matchers: its service, IDC and endpoint (the fields the API derived from its labels, else
 * the labels of those names). Other alert labels (alertname…) never reach a notification's labels, so
 * a matcher on them would silence nothing.
 */
export function matchersFromAlert(alert: {
  labels: Record<string, string>;
  service?: string | null;
  idc?: string | null;
  endpoint?: string | null;
}): Matcher[] {
  return matchersFromLabels(
    {
      service: alert.service ?? alert.labels.service,
      idc: alert.idc ?? alert.labels.idc,
      endpoint: alert.endpoint ?? alert.labels.endpoint,
    },
    ['service', 'idc', 'endpoint'],
  );
}

/**
 * A notification's matchers: its service, IDC and event; for notices without a service or IDC
 * (vantage.suspect, rule.disabled) the vantage or rule instead, so the silence stays narrow.
 */
export function matchersFromNotification(notification: {
  labels: Record<string, string>;
  event?: string;
}): Matcher[] {
  const labels = { event: notification.event, ...notification.labels };
  const scoped = matchersFromLabels(labels, ['service', 'idc']);
  const narrow = scoped.length ? [] : matchersFromLabels(labels, ['vantage', 'rule']);
  return [...scoped, ...narrow, ...matchersFromLabels(labels, ['event'])];
}

/** `2h`, `30m`, `1d12h`, `90s`, `45` (minutes) → milliseconds; null when unreadable or zero. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, '');
  if (!s) return null;
  if (/^\d+$/.test(s)) return Number(s) * 60_000 || null;
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  const re = /(\d+(?:\.\d+)?)([smhdw])/g;
  let total = 0;
  let consumed = 0;
  for (const match of s.matchAll(re)) {
    total += Number(match[1]) * unit[match[2]];
    consumed += match[0].length;
  }
  return consumed === s.length && total > 0 ? Math.round(total) : null;
}

/** Field errors the form shows; `form` holds what names no field it has. */
export type FieldErrors = Record<string, string[]>;

/** The server's 400 `details` by path (`comment`, `endsAt`, `matchers[1].value`, `matchers`…). */
export function detailsByPath(body: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!body || typeof body !== 'object') return out;
  const details = (body as { details?: unknown }).details;
  if (!Array.isArray(details)) return out;
  for (const d of details) {
    if (!d || typeof d !== 'object') continue;
    const { path, message } = d as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') continue;
    const key = typeof path === 'string' && path ? path : 'form';
    (out[key] ??= []).push(message);
  }
  return out;
}

/** Problems the form can see before sending (the server checks everything again). */
export function checkMatchersLocally(matchers: readonly Matcher[]): FieldErrors {
  const out: FieldErrors = {};
  if (!matchers.length) out.matchers = ['add at least one matcher'];
  matchers.forEach((m, i) => {
    if (!LABEL_NAME.test(m.label))
      out[`matchers[${i}].label`] = ['must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)'];
  });
  return out;
}

/** A matcher as text, e.g. `idc="sha"`. */
export function formatMatcher(m: Matcher | { label: string; op: string; value: string }): string {
  return `${m.label}${m.op}"${m.value}"`;
}
