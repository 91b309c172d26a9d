import { dueTimes, phaseOf, shardOf, stableHash, tickStarts } from './schedule';

describe('stableHash', () => {
  it('is the FNV-1a value, the same in every process', () => {
    expect(stableHash('')).toBe(0x811c9dc5);
    expect(stableHash('a')).toBe(0xe40c292c);
    expect(stableHash('live-edge/healthz/sha-1')).toBe(stableHash('live-edge/healthz/sha-1'));
  });
});

describe('phaseOf', () => {
  it('stays inside the interval', () => {
    for (let i = 0; i < 1000; i++) {
      const phase = phaseOf(`svc/check/ep-${i}`, 5000);
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(5000);
    }
  });

  it('spreads 10,000 tasks at 10 s evenly: every second gets 1,000 +- 10%', () => {
    const perSecond = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) perSecond[Math.floor(phaseOf(`live/http/ep-${i}`, 10_000) / 1000)]++;
    for (const count of perSecond) {
      expect(count).toBeGreaterThan(900);
      expect(count).toBeLessThan(1100);
    }
  });

  it('spreads within a second too: no 100 ms slot gets more than twice its share', () => {
    const slots = new Array(100).fill(0);
    for (let i = 0; i < 10_000; i++) slots[Math.floor(phaseOf(`live/http/ep-${i}`, 10_000) / 100)]++;
    expect(Math.max(...slots)).toBeLessThan(200);
  });
});

describe('shardOf', () => {
  it('uses every shard and is independent of the phase', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf(`t-${i}`, 16)]++;
    for (const count of counts) expect(count).toBeGreaterThan(850);
  });
});

describe('dueTimes', () => {
  it.each([
    // phase, interval, from, to, expected
    [300, 1000, 0, 1000, [300]],
    [300, 1000, 1000, 2000, [1300]],
    [300, 1000, 1300, 2300, [1300]],
    [300, 1000, 1301, 2300, [2300].filter((t) => t < 2300)],
    [4500, 5000, 0, 1000, []],
    [4500, 5000, 4000, 5000, [4500]],
    [250, 500, 0, 1000, [250, 750]],
    [0, 2000, 2000, 3000, [2000]],
  ])('phase %d every %d ms in [%d, %d) -> %j', (phase, interval, from, to, expected) => {
    expect(dueTimes(phase, interval, from, to)).toEqual(expected);
  });

  it('gives each due time exactly once over consecutive windows', () => {
    const seen: number[] = [];
    for (let from = 0; from < 30_000; from += 1000) seen.push(...dueTimes(1234, 7000, from, from + 1000));
    expect(seen).toEqual([1234, 8234, 15234, 22234, 29234]);
  });
});

describe('tickStarts', () => {
  it('covers the window ahead, aligned to the tick', () => {
    expect(tickStarts(10_250, 1000, 2000)).toEqual([10_000, 11_000, 12_000]);
    expect(tickStarts(10_000, 1000, 2000)).toEqual([10_000, 11_000]);
  });
});
