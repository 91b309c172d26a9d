import { idcShares, MAX_SERVER_WEIGHT, serverWeights } from './server-weights';

const endpoints = [
  { name: 'sha-1', idc: 'sha', capacity: 1 },
  { name: 'sha-2', idc: 'sha', capacity: 3 },
  { name: 'bj-1', idc: 'bj', capacity: 1 },
  { name: 'bj-2', idc: 'bj', capacity: 1 },
];

describe('serverWeights', () => {
  it('splits an IDC by capacity and scales the largest share to 256', () => {
    const w = serverWeights({ sha: 50, bj: 50 }, endpoints);
    // shares 12.5, 37.5, 25, 25 → ×256/37.5
    expect(Object.fromEntries(w)).toEqual({ 'sha-1': 85, 'sha-2': 256, 'bj-1': 171, 'bj-2': 171 });
  });

  it('gives 0 to an IDC at 0 and to an IDC not named', () => {
    expect(Object.fromEntries(serverWeights({ sha: 100, bj: 0 }, endpoints))).toEqual({
      'sha-1': 85,
      'sha-2': 256,
      'bj-1': 0,
      'bj-2': 0,
    });
    expect(serverWeights({ sha: 100 }, endpoints).get('bj-1')).toBe(0);
  });

  it('never rounds a non-zero share to 0', () => {
    const w = serverWeights({ sha: 99.9, bj: 0.1 }, endpoints);
    expect(w.get('bj-1')).toBe(1);
    expect(w.get('bj-2')).toBe(1);
    expect(w.get('sha-2')).toBe(MAX_SERVER_WEIGHT);
  });

  it('keeps every weight an integer in 0..256', () => {
    for (const sha of [0, 0.01, 1, 33.33, 50, 66.67, 99.99, 100]) {
      for (const w of serverWeights({ sha, bj: 100 - sha }, endpoints).values()) {
        expect(Number.isInteger(w)).toBe(true);
        expect(w).toBeGreaterThanOrEqual(0);
        expect(w).toBeLessThanOrEqual(256);
      }
    }
  });

  it('refuses an IDC with weight but no endpoint', () => {
    expect(() => serverWeights({ sha: 50, gz: 50 }, endpoints)).toThrow(
      'no endpoint in gz to take its weight',
    );
    expect(serverWeights({ sha: 100, gz: 0 }, endpoints).size).toBe(4);
  });
});

describe('idcShares', () => {
  it('turns server weights back into IDC percent', () => {
    const read = idcShares(
      endpoints,
      new Map([
        ['sha-1', 64],
        ['sha-2', 192],
        ['bj-1', 128],
        ['bj-2', 128],
      ]),
    );
    expect(read?.weights).toEqual({ sha: 50, bj: 50 });
    expect(read?.tolerance).toBe(0.79); // 100 × 4 servers / 512
  });

  it('reads what serverWeights wrote within the tolerance, for many splits', () => {
    const three = [
      ...endpoints,
      { name: 'gz-1', idc: 'gz', capacity: 2 },
      { name: 'gz-2', idc: 'gz', capacity: 0.5 },
    ];
    for (const [sha, bj] of [
      [33.33, 33.33],
      [0.1, 0.1],
      [99.8, 0.1],
      [10, 80],
      [0, 0],
      [50, 50],
    ]) {
      const want = { sha, bj, gz: Math.round((100 - sha - bj) * 100) / 100 };
      const read = idcShares(three, serverWeights(want, three))!;
      for (const idc of Object.keys(want) as (keyof typeof want)[]) {
        expect(Math.abs(read.weights[idc] - want[idc])).toBeLessThanOrEqual(read.tolerance);
      }
      expect(read.tolerance).toBeLessThan(2.5);
    }
  });

  it('is undefined when every weight is 0, and floors the divisor at 256', () => {
    expect(idcShares(endpoints, new Map())).toBeUndefined();
    expect(
      idcShares(
        endpoints,
        new Map([
          ['sha-1', 1],
          ['bj-1', 1],
        ]),
      ),
    ).toEqual({
      weights: { sha: 50, bj: 50 },
      tolerance: 0.79,
    });
  });
});
