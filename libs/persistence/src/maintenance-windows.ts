import { parseDuration } from '@libs/config';
import type { MaintenanceWindow } from '@libs/domain';
import type { MaintenanceWindowEntity } from './entities/maintenance-window.entity';

/** A stored window as the domain reads it (the API's reports and the controller's calendar alike). */
export function toMaintenanceWindow(row: MaintenanceWindowEntity): MaintenanceWindow {
  const schedule: MaintenanceWindow['schedule'] =
    row.kind === 'once'
      ? { kind: 'once', startsAt: row.startsAt.getTime(), endsAt: row.endsAt!.getTime() }
      : {
          kind: row.kind,
          rule: row.rule!,
          timezone: row.timezone ?? 'UTC',
          durationMs: parseDuration(row.duration!),
          startsAt: row.startsAt.getTime(),
          ...(row.until ? { until: row.until.getTime() } : {}),
        };
  return {
    id: row.id,
    version: row.version,
    reason: row.reason,
    schedule,
    scope: { services: row.services, idcs: row.idcs, labels: row.labels },
    effects: { freeze: row.freeze, silence: row.silence },
    ...(row.cancelledAt ? { cancelledAt: row.cancelledAt.getTime() } : {}),
  };
}

/**
 * SQL condition (alias `w`) for windows that may have an occurrence after `$n` (a timestamptz
 * parameter): not cancelled before it, and not ended before it (a recurrence's last start is before
 * `until`, its last end within 30 days after).
 */
export function windowMayOccurAfter(param: string): string {
  return `(w.cancelled_at IS NULL OR w.cancelled_at > ${param})
    AND (CASE WHEN w.kind = 'once' THEN w.ends_at > ${param}
              ELSE w.until IS NULL OR w.until > ${param} - interval '30 days' END)`;
}
