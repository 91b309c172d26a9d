import { normalizeTrafficHistory, weightSeries } from './weight-series';

const FROM = '2026-12-02T10:00:00.000Z';
const TO = '2026-12-03T10:00:00.000Z';
const s = (iso: string) => Date.parse(iso) / 1000;

describe('traffic history', () => {
  it('reads the value at `from` from `start` or from `initial`', () => {
    const start = { at: FROM, kind: 'start', desired: { sha: 50, bjs: 50 }, applied: null, override: null };
    const a = normalizeTrafficHistory({
      service: 'live',
      from: FROM,
      to: TO,
      baseline: {},
      start,
      points: [],
    });
    const b = normalizeTrafficHistory({ service: 'live', from: FROM, to: TO, baseline: {}, initial: start });
    expect(a.start).toEqual(b.start);
    expect(a.start).toMatchObject({ kind: 'start', actionId: null, reason: null, by: null });
    expect(normalizeTrafficHistory({ from: FROM, to: TO, initial: null }).start).toBeNull();
  });

  it('draws the baseline from `from` to `to` when nothing changed', () => {
    const history = normalizeTrafficHistory({
      service: 'live',
      from: FROM,
      to: TO,
      baseline: { sha: 75, bjs: 25 },
      initial: null,
      points: [],
    });
    expect(weightSeries(history)).toEqual({
      x: [s(FROM), s(TO)],
      idcs: ['sha', 'bjs'],
      values: [
        [75, 75],
        [25, 25],
      ],
    });
  });

  it('steps at each change, preferring the applied weights, and holds the last value to `to`', () => {
    const history = normalizeTrafficHistory({
      service: 'live',
      from: FROM,
      to: TO,
      baseline: { sha: 50, bjs: 50 },
      start: { at: FROM, desired: { sha: 50, bjs: 50 }, applied: { sha: 50, bjs: 50 }, override: null },
      points: [
        {
          at: '2026-12-02T12:00:00.000Z',
          kind: 'step',
          desired: { sha: 25, bjs: 75 },
          applied: { sha: 25, bjs: 75 },
          override: null,
          actionId: 'a1',
          reason: 'sha capacity',
        },
        {
          at: '2026-12-02T13:00:00.000Z',
          kind: 'override',
          desired: { sha: 0, bjs: 75, gz: 25 },
          applied: null,
          override: { sha: 0, bjs: 75, gz: 25 },
          actionId: 'a2',
          reason: 'maintenance',
          by: 'alice',
        },
      ],
      truncated: false,
    });
    expect(weightSeries(history)).toEqual({
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
