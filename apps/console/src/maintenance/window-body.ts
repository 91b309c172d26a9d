/**
 * The "New maintenance window" form as plain data: its state, the request body built from it (or the
 * problems seen before sending), and the server's 400 `details` placed at the form's fields.
 */
import type { FieldErrors } from '../silences/matchers';

export interface WindowFormState {
  reason: string;
  kind: 'once' | 'recurring';
  /** `datetime-local` values (local time). One-off: start (empty: now) and end; recurring: first start. */
  start: string;
  end: string;
  syntax: 'rrule' | 'cron';
  rule: string;
  timezone: string;
  /** `2h`, `90m`, `1d` (the server reads it like config durations). */
  duration: string;
  /** `datetime-local`, optional. */
  until: string;
  /** Comma- or space-separated names. */
  services: string;
  idcs: string;
  /** `tier=batch, team=core`. */
  labels: string;
  freeze: boolean;
  silence: boolean;
}

export const EMPTY_WINDOW_FORM: WindowFormState = {
  reason: '',
  kind: 'once',
  start: '',
  end: '',
  syntax: 'rrule',
  rule: '',
  timezone: 'UTC',
  duration: '2h',
  until: '',
  services: '',
  idcs: '',
  labels: '',
  freeze: true,
  silence: true,
};

/** The form's fields that show errors. */
export type WindowField =
  | 'reason'
  | 'start'
  | 'end'
  | 'rule'
  | 'timezone'
  | 'duration'
  | 'until'
  | 'services'
  | 'idcs'
  | 'labels'
  | 'effects';

export interface WindowBody {
  reason: string;
  startsAt?: string;
  endsAt?: string;
  rrule?: string;
  cron?: string;
  timezone?: string;
  duration?: string;
  until?: string;
  services: string[];
  idcs: string[];
  labels?: Record<string, string>;
  freeze: boolean;
  silence: boolean;
}

const names = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** `tier=batch, team=core` → `{ tier: 'batch', team: 'core' }`, or the first entry that is not `k=v`. */
export function parseLabels(text: string): { labels: Record<string, string> } | { error: string } {
  const labels: Record<string, string> = {};
  for (const entry of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = entry.indexOf('=');
    const key = at > 0 ? entry.slice(0, at).trim() : '';
    if (!key) return { error: `expected name=value (got "${entry}")` };
    labels[key] = entry.slice(at + 1).trim();
  }
  return { labels };
}

/** A `datetime-local` value as an ISO instant (read in the browser's time zone); null if unreadable. */
const localToIso = (value: string): string | null => {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
};

/**
 * The POST body for the form, or the problems the form can see itself (the server checks it all
 * again, rules and time zones included). `toIso` reads a `datetime-local` value.
 */
export function buildWindowBody(
  form: WindowFormState,
  toIso: (value: string) => string | null = localToIso,
): { body: WindowBody } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const instant = (field: WindowField, value: string, required: string | null) => {
    if (!value) {
      if (required) errors[field] = [required];
      return undefined;
    }
    const iso = toIso(value);
    if (!iso) errors[field] = ['expected a date and time'];
    return iso ?? undefined;
  };
  const reason = form.reason.trim();
  if (!reason) errors.reason = ['must not be empty'];
  const parsed = parseLabels(form.labels);
  if ('error' in parsed) errors.labels = [parsed.error];
  // The server refuses a window that does neither (`silence`: "a window must freeze, silence or both").
  if (!form.freeze && !form.silence) errors.effects = ['a window must freeze, silence or both'];

  const body: WindowBody = {
    reason,
    services: names(form.services),
    idcs: names(form.idcs),
    freeze: form.freeze,
    silence: form.silence,
  };
  if ('labels' in parsed && Object.keys(parsed.labels).length) body.labels = parsed.labels;
  const startsAt = instant('start', form.start, null);
  if (startsAt) body.startsAt = startsAt;
  if (form.kind === 'once') {
    body.endsAt = instant('end', form.end, 'pick when it ends');
  } else {
    const rule = form.rule.trim();
    if (!rule) errors.rule = [form.syntax === 'rrule' ? 'enter an RRULE' : 'enter a cron expression'];
    else body[form.syntax] = rule;
    body.timezone = form.timezone.trim() || 'UTC';
    const duration = form.duration.trim();
    if (!duration) errors.duration = ['required for a recurring window (e.g. "2h")'];
    else body.duration = duration;
    const until = instant('until', form.until, null);
    if (until) body.until = until;
  }
  if (!body.endsAt) delete body.endsAt;
  return Object.keys(errors).length ? { errors } : { body };
}

/** The form field a server path belongs to (`services[1]` → services, `cron` → rule); null if none. */
export function fieldOfPath(path: string): WindowField | null {
  const head = path.split(/[.[]/)[0];
  switch (head) {
    case 'startsAt':
      return 'start';
    case 'endsAt':
      return 'end';
    case 'rrule':
    case 'cron':
      return 'rule';
    case 'freeze':
    case 'silence':
      return 'effects';
    case 'reason':
    case 'timezone':
    case 'duration':
    case 'until':
    case 'services':
    case 'idcs':
    case 'labels':
      return head;
    default:
      return null;
  }
}

/**
 * The server's 400 `details` (by path) placed at the form's fields; a path deeper than its field
 * (`services[0]`, `labels.tier`) stays in the message, so it says which entry. What names no field
 * is `unplaced`.
 */
export function placeWindowErrors(byPath: FieldErrors): { placed: FieldErrors; unplaced: string[] } {
  const placed: FieldErrors = {};
  const unplaced: string[] = [];
  for (const [path, messages] of Object.entries(byPath)) {
    const field = fieldOfPath(path);
    if (!field) unplaced.push(...messages.map((m) => (path === 'form' ? m : `${path}: ${m}`)));
    else {
      const deeper = path.split(/[.[]/)[0] !== path;
      (placed[field] ??= []).push(...messages.map((m) => (deeper ? `${path}: ${m}` : m)));
    }
  }
  return { placed, unplaced };
}
