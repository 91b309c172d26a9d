/** The timeline's filters: read from and written to the URL query, and matched against live events. */

export const EVENT_KINDS = ['endpoint', 'idc', 'vantage', 'alert', 'rule', 'traffic'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface EventFilters {
  kind?: EventKind;
  service?: string;
  idc?: string;
  endpoint?: string;
  /** ISO 8601 (UTC), as the API takes it. */
  from?: string;
  to?: string;
}

/** The fields of an event the filters look at (a HealthEventDto has them all). */
export interface FilterableEvent {
  kind: string;
  at: string;
  service: string | null;
  idc: string | null;
  endpoint: string | null;
}

/** An event as the timeline shows it (the HealthEventDto fields it reads). */
export interface TimelineEvent extends FilterableEvent {
  id: string;
  vantage: string | null;
  before: string;
  after: string;
  reason: string;
  details: Record<string, unknown>;
}

/** Epoch ms of an event time, whether ISO 8601 or epoch ms. */
function toMs(at: unknown): number {
  return typeof at === 'number' ? at : Date.parse(String(at));
}

/**
 * What identifies an event whichever way it came: the list's `id` is the database's, while the live
 * stream carries no id in its data (only a per-connection counter), so both are keyed by content.
 */
export function eventKey(e: {
  kind: string;
  at: string | number;
  service?: string | null;
  idc?: string | null;
  endpoint?: string | null;
  vantage?: string | null;
  before: string;
  after: string;
}): string {
  return [
    e.kind,
    toMs(e.at),
    e.service ?? '',
    e.idc ?? '',
    e.endpoint ?? '',
    e.vantage ?? '',
    e.before,
    e.after,
  ].join('|');
}

/**
 * A live stream message in the list's shape: the stream sends `at` as epoch ms, leaves out the
 * subject fields an event has not (endpoint, vantage) and has no `id`; the key stands in for it.
 */
export function normalizeLiveEvent(raw: Record<string, unknown>): TimelineEvent {
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const event = {
    kind: String(raw.kind),
    at: new Date(toMs(raw.at)).toISOString(),
    service: text(raw.service),
    idc: text(raw.idc),
    endpoint: text(raw.endpoint),
    vantage: text(raw.vantage),
    before: String(raw.before ?? ''),
    after: String(raw.after ?? ''),
    reason: String(raw.reason ?? ''),
    details: (raw.details && typeof raw.details === 'object' ? raw.details : {}) as Record<string, unknown>,
  };
  return { ...event, id: `live:${eventKey(event)}` };
}

const FIELDS = ['kind', 'service', 'idc', 'endpoint', 'from', 'to'] as const;

/** The filters a URL query names; empty values and unknown kinds are left out. */
export function filtersFromQuery(query: URLSearchParams): EventFilters {
  const filters: EventFilters = {};
  for (const field of FIELDS) {
    const value = query.get(field)?.trim();
    if (!value) continue;
    if (field === 'kind') {
      if ((EVENT_KINDS as readonly string[]).includes(value)) filters.kind = value as EventKind;
    } else {
      filters[field] = value;
    }
  }
  return filters;
}

/** The URL query for `filters` (only the fields set, in a stable order). */
export function filtersToQuery(filters: EventFilters): URLSearchParams {
  const query = new URLSearchParams();
  for (const field of FIELDS) {
    const value = filters[field]?.trim();
    if (value) query.set(field, value);
  }
  return query;
}

/** Whether a live event belongs on a timeline with these filters (as the API would have listed it). */
export function matchesFilters(event: FilterableEvent, filters: EventFilters): boolean {
  if (filters.kind && event.kind !== filters.kind) return false;
  if (filters.service && event.service !== filters.service) return false;
  if (filters.idc && event.idc !== filters.idc) return false;
  if (filters.endpoint && event.endpoint !== filters.endpoint) return false;
  const at = toMs(event.at);
  if (filters.from && !(at >= Date.parse(filters.from))) return false;
  if (filters.to && !(at < Date.parse(filters.to))) return false;
  return true;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An ISO time as a `datetime-local` input's value (local time, to the minute); '' for none. */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (local time) as ISO 8601 UTC for the API; undefined for none or garbage. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** New live events ahead of those shown, newest first, without the ones already there (by id). */
export function prependEvents<T extends { id: string }>(incoming: T[], shown: T[], max = 500): T[] {
  const ids = new Set(shown.map((e) => e.id));
  const fresh = incoming.filter((e) => !ids.has(e.id) && (ids.add(e.id), true));
  return fresh.length ? [...fresh, ...shown].slice(0, max) : shown;
}
