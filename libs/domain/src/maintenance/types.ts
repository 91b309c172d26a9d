/**
 * Maintenance windows: declared periods, one-off or recurring, in which automation is frozen and
 * notifications are silenced for a scope (services, IDCs, service labels), and which availability
 * reports show apart. Times are epoch ms.
 */

/** A half-open period [start, end), epoch ms. */
export interface Interval {
  start: number;
  end: number;
}

/** When a window is in force: one period, or a recurrence (RRULE or cron) in a time zone. */
export type WindowSchedule =
  | { kind: 'once'; startsAt: number; endsAt: number }
  | {
      kind: 'rrule' | 'cron';
      /** The RRULE (without DTSTART) or the 5-field cron expression, as written. */
      rule: string;
      /** IANA time zone the rule's wall-clock times are in. */
      timezone: string;
      /** How long each occurrence lasts. */
      durationMs: number;
      /** The recurrence's first possible start (and an RRULE's DTSTART). */
      startsAt: number;
      /** No occurrence starts at or after this. */
      until?: number;
    };

/** What a window covers; an empty list (or no labels) = no restriction on that axis. */
export interface WindowScope {
  services: readonly string[];
  idcs: readonly string[];
  /** Service labels that must all be equal (services have labels in the config). */
  labels: Readonly<Record<string, string>>;
}

export interface MaintenanceWindow {
  id: string;
  /** Changes whenever the window does (a cancel): caches key on (id, version). */
  version: number;
  reason: string;
  schedule: WindowSchedule;
  scope: WindowScope;
  effects: { freeze: boolean; silence: boolean };
  /** A cancelled window has no occurrence from then on (one in progress ends there). */
  cancelledAt?: number;
}

/** What a (service, IDC) is, for matching a window's scope; a notice may know neither. */
export interface ScopeTarget {
  service?: string;
  idc?: string;
  /** The service's labels (from the config). */
  serviceLabels?: Readonly<Record<string, string>>;
}
