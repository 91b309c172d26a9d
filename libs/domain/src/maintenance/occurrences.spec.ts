import { MaintenanceCalendar, activeWindows } from './calendar';
import { nextOccurrences, occurrences } from './occurrences';
import { scopeCovers } from './scope';
import type { MaintenanceWindow } from './types';

const utc = (s: string) => Date.parse(s);
const H = 3_600_000;
const spans = (xs: Array<{ start: number; end: number }>) =>
  xs.map((x) => `${new Date(x.start).toISOString()}/${new Date(x.end).toISOString()}`);

const weekly: MaintenanceWindow = {
  id: 'w1',
  version: 1,
  reason: 'patch Tuesday',
  schedule: {
    kind: 'rrule',
    rule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0',
    timezone: 'Europe/Berlin',
    durationMs: 2 * H,
    startsAt: utc('2026-03-01T00:00:00Z'),
  },
  scope: { services: [], idcs: [], labels: {} },
  effects: { freeze: true, silence: true },
};

describe('occurrences', () => {
  it('lists whole occurrences overlapping the range, one in progress at its start included', () => {
    expect(spans(occurrences(weekly, utc('2026-03-24T02:00:00Z'), utc('2026-04-01T00:00:00Z')))).toEqual([
      '2026-03-24T01:00:00.000Z/2026-03-24T03:00:00.000Z',
      '2026-03-31T00:00:00.000Z/2026-03-31T02:00:00.000Z',
    ]);
  });

  it('ends at until and at a cancellation (one in progress is cut there)', () => {
    const until = {
      ...weekly,
      schedule: { ...weekly.schedule, until: utc('2026-03-30T00:00:00Z') },
    } as MaintenanceWindow;
    expect(spans(occurrences(until, utc('2026-03-20T00:00:00Z'), utc('2026-04-20T00:00:00Z')))).toEqual([
      '2026-03-24T01:00:00.000Z/2026-03-24T03:00:00.000Z',
    ]);
    const cancelled = { ...weekly, cancelledAt: utc('2026-03-24T02:00:00Z') };
    expect(spans(occurrences(cancelled, utc('2026-03-20T00:00:00Z'), utc('2026-04-20T00:00:00Z')))).toEqual([
      '2026-03-24T01:00:00.000Z/2026-03-24T02:00:00.000Z',
    ]);
  });

  it('gives a one-off window as it is', () => {
    const once: MaintenanceWindow = {
      ...weekly,
      schedule: { kind: 'once', startsAt: utc('2026-05-01T10:00:00Z'), endsAt: utc('2026-05-01T12:00:00Z') },
    };
    expect(occurrences(once, utc('2026-05-01T11:00:00Z'), utc('2026-05-02T00:00:00Z'))).toHaveLength(1);
    expect(occurrences(once, utc('2026-05-01T12:00:00Z'), utc('2026-05-02T00:00:00Z'))).toHaveLength(0);
  });

  it('a 02:30 local window for 1h on a spring-forward night lasts 1h from 03:30 CEST', () => {
    const w: MaintenanceWindow = {
      ...weekly,
      schedule: { kind: 'cron', rule: '30 2 * * *', timezone: 'Europe/Berlin', durationMs: H, startsAt: 0 },
    };
    expect(spans(occurrences(w, utc('2026-03-29T00:00:00Z'), utc('2026-03-29T12:00:00Z')))).toEqual([
      '2026-03-29T01:30:00.000Z/2026-03-29T02:30:00.000Z',
    ]);
  });

  it('lists the next occurrences from now, the current one first', () => {
    expect(spans(nextOccurrences(weekly, utc('2026-03-24T02:00:00Z'), 2))).toEqual([
      '2026-03-24T01:00:00.000Z/2026-03-24T03:00:00.000Z',
      '2026-03-31T00:00:00.000Z/2026-03-31T02:00:00.000Z',
    ]);
  });
});

describe('scopeCovers', () => {
  const scope = { services: ['web'], idcs: [], labels: { tier: 'gold' } };
  it.each([
    [{ service: 'web', idc: 'sha', serviceLabels: { tier: 'gold' } }, true],
    [{ service: 'web', idc: 'sha', serviceLabels: { tier: 'bronze' } }, false],
    [{ service: 'api', idc: 'sha', serviceLabels: { tier: 'gold' } }, false],
    [{ idc: 'sha' }, false],
  ])('%j -> %s', (target, covered) => expect(scopeCovers(scope, target)).toBe(covered));

  it('an empty scope covers everything, even what names no service', () => {
    expect(scopeCovers({ services: [], idcs: [], labels: {} }, {})).toBe(true);
    expect(scopeCovers({ services: [], idcs: ['sha'], labels: {} }, { idc: 'sha' })).toBe(true);
    expect(scopeCovers({ services: [], idcs: ['sha'], labels: {} }, { idc: 'bjs' })).toBe(false);
  });
});

describe('active windows', () => {
  const inside = utc('2026-03-24T02:00:00Z');
  const outside = utc('2026-03-24T04:00:00Z');
  const silenceOnly = { ...weekly, id: 'w2', effects: { freeze: false, silence: true } };

  it('activeWindows: those in an occurrence now, with the effect asked for', () => {
    expect(activeWindows([weekly, silenceOnly], {}, inside).map((a) => a.window.id)).toEqual(['w1', 'w2']);
    expect(activeWindows([weekly, silenceOnly], {}, inside, 'freeze').map((a) => a.window.id)).toEqual([
      'w1',
    ]);
    expect(activeWindows([weekly], {}, outside)).toEqual([]);
  });

  it('the calendar answers the same, compiling each (id, version) once', () => {
    const calendar = new MaintenanceCalendar();
    calendar.set([weekly, silenceOnly]);
    for (let t = inside; t < inside + 60_000; t += 1000) {
      expect(calendar.active('freeze', { service: 'web', idc: 'sha' }, t).map((a) => a.window.id)).toEqual([
        'w1',
      ]);
    }
    expect(calendar.active('silence', {}, outside)).toEqual([]);
    calendar.set([weekly, silenceOnly]);
    expect(calendar.compilations).toBe(2);
    calendar.set([{ ...weekly, version: 2, cancelledAt: inside + 1 }]);
    expect(calendar.compilations).toBe(3);
    expect(calendar.active('freeze', {}, inside + 2)).toEqual([]);
    expect(calendar.active('silence', {}, inside)).toHaveLength(1);
  });

  it('the calendar counts the windows in force, whatever their scope and effects', () => {
    const calendar = new MaintenanceCalendar();
    calendar.set([weekly, silenceOnly]);
    expect(calendar.inForce(inside)).toBe(2);
    expect(calendar.inForce(outside)).toBe(0);
  });
});
