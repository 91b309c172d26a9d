import {
  accountMaintenance,
  availabilityPercent,
  clipIntervals,
  mergeIntervals,
  minuteInMaintenance,
  overlapMs,
} from './report';

const M = 60_000;
const i = (start: number, end: number) => ({ start: start * M, end: end * M });

describe('report arithmetic', () => {
  it('merges, clips and overlaps intervals', () => {
    expect(mergeIntervals([i(5, 10), i(0, 2), i(2, 3), i(8, 12)])).toEqual([i(0, 3), i(5, 12)]);
    expect(clipIntervals([i(-5, 5), i(50, 70)], 0, 60 * M)).toEqual([i(0, 5), i(50, 60)]);
    expect(overlapMs([i(0, 10), i(20, 30)], [i(5, 25)])).toBe(10 * M);
    expect(overlapMs([], [i(0, 1)])).toBe(0);
  });

  it('counts maintenance apart, and downtime only outside it', () => {
    // One hour; a window 10-30 (and an overlapping occurrence 25-35); an incident 20-40 and one 50-ongoing.
    const account = accountMaintenance(i(0, 60), [i(10, 30), i(25, 35)], [i(20, 40), i(50, 60)]);
    expect(account).toEqual({
      maintenanceMs: 25 * M, // 10-35
      downtimeMs: 15 * M, // 35-40 and 50-60
      downtimeInMaintenanceMs: 15 * M, // 20-35
      measuredMs: 35 * M,
    });
  });

  it('a range all in maintenance measures nothing and has no downtime', () => {
    expect(accountMaintenance(i(0, 60), [i(-10, 70)], [i(0, 60)])).toEqual({
      maintenanceMs: 60 * M,
      downtimeMs: 0,
      downtimeInMaintenanceMs: 60 * M,
      measuredMs: 0,
    });
  });

  it('leaves maintenance probes out of the ratio, numerator and denominator alike', () => {
    // 400 probes, 100 of them in maintenance with 80 failures; 3 failures outside.
    expect(availabilityPercent(400 - 100, 3)).toBe(99);
    expect(availabilityPercent(0, 0)).toBeNull();
  });

  it('a minute belongs to maintenance when it starts inside a window (rounded up to the minute)', () => {
    const w = [{ start: 10 * M + 30_000, end: 12 * M }];
    expect([9, 10, 11, 12].map((m) => minuteInMaintenance(m * M, w))).toEqual([false, false, true, false]);
  });
});
