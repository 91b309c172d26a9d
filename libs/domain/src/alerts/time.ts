/** RFC 3339 date-time: date, `T`, time, optional fraction (any digits), then `Z` or an offset. */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Go's zero time (0001-01-01T00:00:00Z), which Alertmanager and Grafana send for "no end time", as
 * epoch ms: whatever form it is written in (`.000Z`, `+00:00`), it means none.
 */
export const ZERO_TIME_MS = -62_135_596_800_000;

const MIN_MS = ZERO_TIME_MS;
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const daysIn = (year: number, month: number) =>
  [
    31,
    year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ][month - 1];

/**
 * Epoch milliseconds of an RFC 3339 timestamp (`2026-11-23T00:32:21.733469864Z`,
 * `2021-10-12T09:51:03.157076+02:00`), or null when it is not one. Fractions beyond milliseconds are
 * truncated; a leap second (:60) is refused, as Go refuses it. Not Date.parse: that accepts many
 * other forms and reads years 0-99 as 1900-1999.
 */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (!m[8]) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, fraction);
  const ms = date.getTime() - offsetMinutes * 60_000;
  // Years 1-9999 in UTC too (an offset can move 0001-01-01 into year 0, which Postgres has not).
  return ms >= MIN_MS && ms <= MAX_MS ? ms : null;
}
