/**
 * A maintenance window's schedule, scope and effects in words, for the Maintenance page. The API's
 * DTO is the input (`kind`, `rrule`/`cron`, `timezone`, `duration`…); a rule this cannot put in
 * words is shown as written, never guessed at.
 */

export interface ScheduleFields {
  kind: 'once' | 'rrule' | 'cron';
  startsAt: string;
  endsAt?: string | null;
  rrule?: string | null;
  cron?: string | null;
  timezone?: string | null;
  duration?: string | null;
  until?: string | null;
}

export interface ScopeFields {
  services: string[];
  idcs: string[];
  labels: Record<string, string>;
}

type Time = (at: string) => string;

const DAYS: Record<string, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};
const CRON_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const EVERY: Record<string, [string, string]> = {
  MINUTELY: ['every minute', 'minutes'],
  HOURLY: ['every hour', 'hours'],
  DAILY: ['every day', 'days'],
  WEEKLY: ['every week', 'weeks'],
  MONTHLY: ['every month', 'months'],
  YEARLY: ['every year', 'years'],
};

const ordinal = (n: number): string =>
  n === -1
    ? 'last'
    : n < 0
      ? `${ordinal(-n)} to last`
      : `${n}${['th', 'st', 'nd', 'rd'][n % 100 > 10 && n % 100 < 14 ? 0 : n % 10] ?? 'th'}`;
const pad = (n: string) => n.padStart(2, '0');
const and = (items: string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** `FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0` → `every week on Tuesday at 02:00`; null when unsure. */
export function rruleInWords(rule: string): string | null {
  const parts = new Map<string, string>();
  for (const part of rule.replace(/^RRULE:/i, '').split(';')) {
    const [key, value] = part.split('=');
    if (!key || value === undefined) return null;
    parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const freq = EVERY[parts.get('FREQ') ?? ''];
  if (!freq) return null;
  const known = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYHOUR', 'BYMINUTE', 'BYMONTHDAY', 'COUNT', 'WKST']);
  if ([...parts.keys()].some((k) => !known.has(k))) return null;
  const interval = Number(parts.get('INTERVAL') ?? '1');
  const words = [interval > 1 ? `every ${interval} ${freq[1]}` : freq[0]];
  const byDay = parts.get('BYDAY');
  if (byDay) {
    const days: string[] = [];
    for (const d of byDay.split(',')) {
      const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(d);
      if (!m) return null;
      days.push(m[1] ? `the ${ordinal(Number(m[1]))} ${DAYS[m[2]]}` : DAYS[m[2]]);
    }
    words.push(`on ${and(days)}`);
  }
  const monthDay = parts.get('BYMONTHDAY');
  if (monthDay) words.push(`on day ${and(monthDay.split(','))}`);
  const hours = parts.get('BYHOUR')?.split(',');
  const minutes = parts.get('BYMINUTE')?.split(',') ?? ['0'];
  if (hours) {
    if (minutes.length !== 1) return null;
    words.push(`at ${and(hours.map((h) => `${pad(h)}:${pad(minutes[0])}`))}`);
  } else if (parts.has('BYMINUTE')) words.push(`at minute ${and(minutes)}`);
  const count = parts.get('COUNT');
  if (count) words.push(`${count} times`);
  return words.join(' ');
}

/** `0 2 * * 2` → `every Tuesday at 02:00`, `30 22 * * *` → `every day at 22:30`; null otherwise. */
export function cronInWords(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}(,\d{1,2})*$/.test(hour) || month !== '*') return null;
  const at = `at ${and(hour.split(',').map((h) => `${pad(h)}:${pad(minute)}`))}`;
  if (dayOfMonth === '*' && dayOfWeek === '*') return `every day ${at}`;
  if (dayOfMonth === '*' && /^[0-7](,[0-7])*$/.test(dayOfWeek))
    return `every ${and(dayOfWeek.split(',').map((d) => CRON_DAYS[Number(d)]))} ${at}`;
  if (dayOfWeek === '*' && /^\d{1,2}$/.test(dayOfMonth)) return `on day ${dayOfMonth} of every month ${at}`;
  return null;
}

/**
 * The schedule in one line: `once, <start> – <end>`, or the rule in words (or as written), its time
 * zone, the length of each occurrence, and its end if it has one.
 */
export function scheduleInWords(w: ScheduleFields, time: Time): string {
  if (w.kind === 'once') return `once, ${time(w.startsAt)} – ${w.endsAt ? time(w.endsAt) : '?'}`;
  const rule = w.kind === 'rrule' ? (w.rrule ?? '') : (w.cron ?? '');
  const words = (w.kind === 'rrule' ? rruleInWords(rule) : cronInWords(rule)) ?? `${w.kind} ${rule}`;
  const until = w.until ? `, until ${time(w.until)}` : '';
  return `${words} (${w.timezone ?? 'UTC'}), ${w.duration ?? '?'} each${until}`;
}

/** What a window covers: `checkout, api in sha · tier=batch`, or `everything`. */
export function scopeInWords(w: ScopeFields): string {
  const labels = Object.entries(w.labels).map(([k, v]) => `${k}=${v}`);
  if (!w.services.length && !w.idcs.length && !labels.length) return 'everything';
  const services = w.services.length ? w.services.join(', ') : 'every service';
  const idcs = w.idcs.length ? w.idcs.join(', ') : 'every IDC';
  return labels.length ? `${services} in ${idcs} · ${labels.join(', ')}` : `${services} in ${idcs}`;
}

/** `freeze and silence`, `freeze`, `silence`, or `none`. */
export function effectsInWords(w: { freeze: boolean; silence: boolean }): string {
  return w.freeze && w.silence ? 'freeze and silence' : w.freeze ? 'freeze' : w.silence ? 'silence' : 'none';
}
