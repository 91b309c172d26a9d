import { fromWallTime, isTimeZone, offsetAt, toWallTime } from './zoned-time';

const utc = (s: string) => Date.parse(s);
const wall = (s: string) => Date.parse(`${s}Z`);

describe('zoned time', () => {
  it('knows IANA zones and refuses the rest', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('reads an instant as the local wall time, with the offset of the day', () => {
    expect(toWallTime(utc('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(wall('2026-01-15T13:00:00'));
    expect(toWallTime(utc('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(wall('2026-07-15T14:00:00'));
    expect(offsetAt(utc('2026-07-15T12:00:00Z'), 'Asia/Shanghai')).toBe(8 * 3_600_000);
  });

  it('turns a wall time into an instant, both ways round', () => {
    expect(fromWallTime(wall('2026-01-15T13:00:00'), 'Europe/Berlin')).toBe(utc('2026-01-15T12:00:00Z'));
    expect(fromWallTime(wall('2026-07-15T02:00:00'), 'America/New_York')).toBe(utc('2026-07-15T06:00:00Z'));
  });

  it('reads a time skipped by spring-forward with the offset before the gap (RFC 5545)', () => {
    // Europe/Berlin 2026-03-29: 02:00 CET -> 03:00 CEST; 02:30 does not exist.
    expect(fromWallTime(wall('2026-03-29T02:30:00'), 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00Z'));
    expect(toWallTime(utc('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toBe(wall('2026-03-29T03:30:00'));
    // America/New_York 2026-03-08: 02:30 EST would be 07:30Z, shown as 03:30 EDT.
    expect(fromWallTime(wall('2026-03-08T02:30:00'), 'America/New_York')).toBe(utc('2026-03-08T07:30:00Z'));
  });

  it('reads a time repeated by fall-back as the first of the two', () => {
    // America/New_York 2026-11-01: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    expect(fromWallTime(wall('2026-11-01T01:30:00'), 'America/New_York')).toBe(utc('2026-11-01T05:30:00Z'));
  });
});
