/**
 * Plain-text rendering of the incident views: received alerts, notifications, silences. Pure functions
 * over the API's JSON (times as ISO strings), like render.ts.
 */
import type { components } from '@libs/api-client';
import { formatMatcher, type SilenceMatcher } from './args';
import { formatAge, formatTimestamp, renderTable, type Column } from './render';

/** A keyset-paginated list: pass `next` as `cursor` for the following page (null: no more). */
export interface CursorPage<T> {
  items: T[];
  next: string | null;
}

type Schemas = components['schemas'];

/** GET /alerts, as far as the CLI shows it. */
export type AlertItem = Pick<
  Schemas['AlertDto'],
  | 'fingerprint'
  | 'source'
  | 'name'
  | 'status'
  | 'labels'
  | 'annotations'
  | 'service'
  | 'idc'
  | 'endpoint'
  | 'startsAt'
  | 'endsAt'
> &
  Partial<Pick<Schemas['AlertDto'], 'updatedAt'>>;

/** GET /notifications, as far as the CLI shows it. */
export type NotificationItem = Pick<
  Schemas['NotificationDto'],
  | 'id'
  | 'incidentKey'
  | 'event'
  | 'phase'
  | 'severity'
  | 'channel'
  | 'title'
  | 'state'
  | 'attempts'
  | 'lastError'
  | 'createdAt'
  | 'deliveredAt'
>;

/** GET /silences, POST /silences and DELETE /silences/{id}. */
export type SilenceItem = Omit<Schemas['SilenceDto'], 'matchers'> & { matchers: SilenceMatcher[] };

/** `text` cut to `max` characters, the cut marked with `…` (the JSON output keeps it whole). */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const SPAN_UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** A span in its two largest units, rounded down to the second: `45s`, `12m30s`, `1h55m`, `2d`. */
export function formatSpan(ms: number): string {
  const rest = Math.max(0, Math.floor(ms / 1000) * 1000);
  const i = SPAN_UNITS.findIndex(([, size]) => rest >= size);
  if (i < 0) return '0s';
  const [unit, size] = SPAN_UNITS[i];
  const first = Math.floor(rest / size);
  const next = SPAN_UNITS[i + 1];
  const second = next ? Math.floor((rest - first * size) / next[1]) : 0;
  return `${first}${unit}${second > 0 ? `${second}${next[0]}` : ''}`;
}

/** `in 1h55m` for a time ahead of `now`, `5m ago` for one behind, `?` when unparsable. */
export function relativeTime(iso: string, now: Date): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '?';
  return t > now.getTime() ? `in ${formatSpan(t - now.getTime())}` : `${formatSpan(now.getTime() - t)} ago`;
}

/** The filters a list was asked for, as `status=firing, idc=sha` (empty when none). */
export function describeFilters(filters: Record<string, string | number | undefined>): string {
  return Object.entries(filters)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** `No actions.` or `No actions with state=executing, service=web.` */
export const none = (filters: Record<string, string | undefined>, what: string) => {
  const text = describeFilters(filters);
  return text ? `No ${what} with ${text}.` : `No ${what}.`;
};

/** The line that says how to get the next page. */
export const moreHint = (next: string | null) => (next ? [`(more: add --cursor ${next})`] : []);

/** The annotation on-call reads first: `summary`, else `description`, else `message`. */
export function alertSummary(alert: Pick<AlertItem, 'annotations'>): string {
  const a = alert.annotations ?? {};
  return a.summary ?? a.description ?? a.message ?? '';
}

/** How long an alert has been in its status: since it started (firing) or ended (resolved). */
function alertSince(alert: AlertItem, now: Date): string {
  const at =
    alert.status === 'resolved' ? (alert.endsAt ?? alert.updatedAt ?? alert.startsAt) : alert.startsAt;
  const t = new Date(at).getTime();
  return Number.isNaN(t) ? '?' : formatAge(now.getTime() - t);
}

export const alertColumns = (now: Date): readonly Column<AlertItem>[] => [
  { header: 'status', value: (a) => a.status },
  { header: 'name', value: (a) => a.name },
  { header: 'service', value: (a) => a.service ?? '-' },
  { header: 'idc', value: (a) => a.idc ?? '-' },
  { header: 'endpoint', value: (a) => a.endpoint ?? '-' },
  { header: 'since', value: (a) => alertSince(a, now) },
  { header: 'summary', value: (a) => truncate(alertSummary(a), 80) },
];

/** `vigil alerts`: most recently received first; SINCE is how long each has been firing (or resolved). */
export function renderAlerts(
  page: CursorPage<AlertItem>,
  filters: Record<string, string | undefined> = {},
  now: Date = new Date(),
): string {
  if (page.items.length === 0) return none(filters, 'alerts');
  return [...renderTable(alertColumns(now), page.items), ...moreHint(page.next)].join('\n');
}

export const notificationColumns: readonly Column<NotificationItem>[] = [
  { header: 'time', value: (n) => formatTimestamp(n.createdAt) },
  { header: 'state', value: (n) => n.state },
  { header: 'channel', value: (n) => n.channel },
  { header: 'event', value: (n) => n.event },
  { header: 'phase', value: (n) => n.phase },
  { header: 'severity', value: (n) => n.severity },
  { header: 'title', value: (n) => truncate(n.title, 60) },
  { header: 'attempts', value: (n) => String(n.attempts), align: 'right' },
  { header: 'last error', value: (n) => truncate(n.lastError ?? '', 80) },
  { header: 'id', value: (n) => n.id },
];

/** `vigil notifications`: newest first, with the id to pass to `vigil resend`. */
export function renderNotifications(
  page: { items: NotificationItem[]; next?: string | null },
  filters: Record<string, string | undefined> = {},
): string {
  if (page.items.length === 0) return none(filters, 'notifications');
  return [...renderTable(notificationColumns, page.items), ...moreHint(page.next ?? null)].join('\n');
}

/** `vigil resend`: the notification is pending again. */
export function renderResent(n: NotificationItem): string {
  return `Notification ${n.id} (${n.channel}: ${truncate(n.title, 60)}) is queued for delivery again.`;
}

/** A silence's matchers as typed: `idc=sha, severity=~warn.*`. */
export const formatMatchers = (matchers: readonly SilenceMatcher[]): string =>
  matchers.map(formatMatcher).join(', ');

/** `2026-05-01 12:00:00Z (in 1h55m)`. */
const timeAndRelative = (iso: string, now: Date) => `${formatTimestamp(iso)} (${relativeTime(iso, now)})`;

export const silenceColumns = (now: Date): readonly Column<SilenceItem>[] => [
  { header: 'id', value: (s) => s.id },
  { header: 'state', value: (s) => s.state },
  { header: 'matchers', value: (s) => formatMatchers(s.matchers) },
  { header: 'starts', value: (s) => timeAndRelative(s.startsAt, now) },
  { header: 'ends', value: (s) => timeAndRelative(s.endsAt, now) },
  { header: 'by', value: (s) => s.createdBy },
  { header: 'comment', value: (s) => truncate(s.comment, 60) },
];

/** `vigil silences`: newest first; `what` names the states listed (`active or pending silences`). */
export function renderSilences(
  silences: readonly SilenceItem[],
  what: string,
  now: Date = new Date(),
): string {
  if (silences.length === 0) return `No ${what}.`;
  return renderTable(silenceColumns(now), silences).join('\n');
}

/** `vigil silence expire`: what stops being muted. */
export function renderExpired(s: SilenceItem): string {
  return `Expired silence ${s.id} (${formatMatchers(s.matchers)}): matching notifications are sent again.`;
}
