import { weightSeries, type TrafficHistory, type TrafficPoint } from './weight-series';

const point = (fields: Partial<TrafficPoint> & Pick<TrafficPoint, 'at' | 'desired'>): TrafficPoint => ({
  kind: 'step',
  applied: null,
  override: null,
  actionId: null,
  reason: null,
  by: null,
  ...fields,
});
const history = (fields: Partial<TrafficHistory> & Pick<TrafficHistory, 'baseline'>): TrafficHistory => ({
  service: 'live',
  from: FROM,
  to: TO,
  lastChangeAt: null,
  start: point({ at: FROM, kind: 'start', desired: fields.baseline }),
  points: [],
  truncated: false,
  ...fields,
});

const FROM = '2026-12-02T10:00:00.000Z';
const TO = '2026-12-03T10:00:00.000Z';
const s = (iso: string) => Date.parse(iso) / 1000;

describe('traffic history', () => {
  it('draws the baseline from `from` to `to` when nothing changed', () => {
    expect(weightSeries(history({ baseline: { sha: 75, bjs: 25 } }))).toEqual({
      x: [s(FROM), s(TO)],
      idcs: ['sha', 'bjs'],
      values: [
        [75, 75],
        [25, 25],
      ],
    });
  });

  it('steps at each change, preferring the applied weights, and holds the last value to `to`', () => {
    const changes = history({
      baseline: { sha: 50, bjs: 50 },
      start: point({ at: FROM, kind: 'start', desired: { sha: 50, bjs: 50 }, applied: { sha: 50, bjs: 50 } }),
      points: [
        point({
          at: '2026-12-02T12:00:00.000Z',
          desired: { sha: 25, bjs: 75 },
          applied: { sha: 25, bjs: 75 },
          actionId: 'a1',
          reason: 'sha capacity',
        }),
        point({
          at: '2026-12-02T13:00:00.000Z',
          kind: 'override',
          desired: { sha: 0, bjs: 75, gz: 25 },
          override: { sha: 0, bjs: 75, gz: 25 },
          reason: 'maintenance',
          by: 'alice',
        }),
      ],
    });
    expect(weightSeries(changes)).toEqual({
      x: [s(FROM), s('2026-12-02T12:00:00.000Z'), s('2026-12-02T13:00:00.000Z'), s(TO)],
      idcs: ['sha', 'bjs', 'gz'],
      values: [
        [50, 25, 0, 0],
        [50, 75, 75, 75],
        [0, 0, 25, 25],
      ],
    });
  });
});
