/** Text output of `vigil maintenance`: tables a human reads; `-o json|yaml` prints the API's answer instead. */
import type { components } from '@libs/api-client';
import { formatTimestamp, renderTable, type Column } from './render';
import { relativeTime, truncate } from './render-alerting';

export type MaintenanceWindow = components['schemas']['MaintenanceWindowDto'];

const all = (names: readonly string[]) => (names.length ? names.join(',') : 'all');

/** `once 2026-05-01 02:00:00Z - 04:00:00Z`, `rrule FREQ=WEEKLY;... Europe/Berlin 2h` or `cron 0 2 * * 2 UTC 1h`. */
export function scheduleOf(w: MaintenanceWindow): string {
  if (w.kind === 'once') return `once ${formatTimestamp(w.startsAt)} - ${formatTimestamp(w.endsAt ?? '')}`;
  return `${w.kind} ${w.rrule ?? w.cron} ${w.timezone} ${w.duration}`;
}

/** `services web; idcs all; labels tier=gold` (labels only when some). */
export function scopeOf(w: MaintenanceWindow): string {
  const labels = Object.entries(w.labels).map(([k, v]) => `${k}=${v}`);
  return `services ${all(w.services)}; idcs ${all(w.idcs)}${labels.length ? `; labels ${labels.join(',')}` : ''}`;
}

const effectsOf = (w: MaintenanceWindow) =>
  [w.freeze ? 'freeze' : '', w.silence ? 'silence' : ''].filter(Boolean).join('+');

const nextOf = (w: MaintenanceWindow, now: Date) => {
  const next = w.next[0];
  if (!next) return '-';
  return w.active
    ? `until ${formatTimestamp(next.end)} (${relativeTime(next.end, now)})`
    : `${formatTimestamp(next.start)} (${relativeTime(next.start, now)})`;
};

const columns = (now: Date): readonly Column<MaintenanceWindow>[] => [
  { header: 'id', value: (w) => w.id },
  { header: 'state', value: (w) => w.state },
  { header: 'next', value: (w) => nextOf(w, now) },
  { header: 'schedule', value: (w) => truncate(scheduleOf(w), 80) },
  { header: 'scope', value: scopeOf },
  { header: 'effects', value: effectsOf },
  { header: 'reason', value: (w) => truncate(w.reason, 40) },
];

/** `vigil maintenance list`: newest first. */
export function renderMaintenanceWindows(
  windows: readonly MaintenanceWindow[],
  what: string,
  now = new Date(),
): string {
  if (windows.length === 0) return `No ${what}.`;
  return renderTable(columns(now), windows).join('\n');
}

/** `vigil maintenance create`: the id, then when it runs next. */
export function renderMaintenanceCreated(w: MaintenanceWindow, now = new Date()): string {
  const when = w.active ? `in force now, ${nextOf(w, now)}` : `next ${nextOf(w, now)}`;
  return [w.id, `${scheduleOf(w)}: ${effectsOf(w)} for ${scopeOf(w)}; ${when}`].join('\n');
}

/** `vigil maintenance cancel`. */
export function renderMaintenanceCancelled(w: MaintenanceWindow): string {
  return `Cancelled maintenance window ${w.id} (${scopeOf(w)}): no occurrence from now on.`;
}
