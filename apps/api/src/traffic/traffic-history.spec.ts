import { trafficHistory, type AppliedStepRow, type OverrideRow } from './traffic-history';

const BASELINE = { bjs: 25, sha: 75 };
const t = (s: number) => new Date(s * 1000);
const step = (at: number, weights: Record<string, number>, actionId = 'a1'): AppliedStepRow => ({
  kind: 'step',
  at: t(at),
  actionId,
  actionKind: 'shift-away',
  reason: 'sha is UNHEALTHY',
  index: 0,
  weights,
});
const set = (at: number, weights: Record<string, number>): OverrideRow => ({
  kind: 'override',
  at: t(at),
  by: 'ops',
  weights,
  reason: 'drill',
  actionId: 'm1',
});
const release = (at: number): OverrideRow => ({
  kind: 'release',
  at: t(at),
  by: 'ops',
  weights: null,
  reason: 'drill',
  actionId: null,
});

describe('trafficHistory', () => {
  it('starts from the baseline, nothing applied, when nothing changed before `from`', () => {
    const { start, lastChangeAt, points } = trafficHistory(
      BASELINE,
      t(100),
      { step: null, override: null },
      [],
    );
    expect(start).toEqual({
      at: t(100),
      kind: 'start',
      desired: BASELINE,
      applied: null,
      override: null,
      actionId: null,
      reason: null,
      by: null,
    });
    expect(lastChangeAt).toBeNull();
    expect(points).toEqual([]);
  });

  it('starts from the last step and the override still set before `from`', () => {
    const { start, lastChangeAt } = trafficHistory(
      BASELINE,
      t(100),
      { step: step(50, { bjs: 100, sha: 0 }, 'm1'), override: set(40, { bjs: 100, sha: 0 }) },
      [],
    );
    expect(start).toMatchObject({
      desired: { bjs: 100, sha: 0 },
      applied: { bjs: 100, sha: 0 },
      override: { bjs: 100, sha: 0 },
      actionId: 'm1',
    });
    expect(lastChangeAt).toEqual(t(50));
    const released = trafficHistory(BASELINE, t(100), { step: null, override: release(60) }, []);
    expect(released.start).toMatchObject({ override: null, desired: BASELINE, reason: 'drill' });
  });

  it('carries the weights through override, step and release, one point each', () => {
    const { points } = trafficHistory(BASELINE, t(0), { step: null, override: null }, [
      set(10, { bjs: 100, sha: 0 }),
      step(11, { bjs: 100, sha: 0 }, 'm1'),
      release(20),
    ]);
    expect(points.map((p) => [p.kind, p.desired, p.applied, p.override, p.actionId, p.by])).toEqual([
      ['override', BASELINE, null, { bjs: 100, sha: 0 }, 'm1', 'ops'],
      ['step', { bjs: 100, sha: 0 }, { bjs: 100, sha: 0 }, { bjs: 100, sha: 0 }, 'm1', null],
      ['release', { bjs: 100, sha: 0 }, { bjs: 100, sha: 0 }, null, null, 'ops'],
    ]);
  });
});
