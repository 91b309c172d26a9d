import type { ProbeResult } from '@libs/queue';
import { ResultStreaks } from './result-streaks';

const T = { healthyThreshold: 2, unhealthyThreshold: 3 };
const r = (ok: boolean, endpoint = 'live.a', vantage = 'sha'): ProbeResult => ({
  check: 'live/healthz',
  endpoint,
  vantage,
  type: 'http',
  scheduledAt: 0,
  startedAt: 0,
  latencyMs: 1,
  ok,
});

describe('ResultStreaks', () => {
  it('marks the results of an outage up to the one that crosses the threshold, then none', () => {
    const s = new ResultStreaks();
    const seen = [true, true, true, true, false, false, false, false, false, true, true, true].map((ok) =>
      s.observe(r(ok), T),
    );
    // new key: 2 successes may take it out of UNKNOWN; steady; failures 1-3; long outage; successes 1-2
    expect(seen).toEqual([true, true, false, false, true, true, true, false, false, true, true, false]);
  });

  it('keeps one streak per (vantage, check, endpoint)', () => {
    const s = new ResultStreaks();
    for (let i = 0; i < 3; i++) s.observe(r(true, 'live.a', 'sha'), T);
    expect(s.observe(r(true, 'live.a', 'bjs'), T)).toBe(true);
    expect(s.observe(r(true, 'live.a', 'sha'), T)).toBe(false);
  });

  it('forgets the tasks a new config no longer has', () => {
    const s = new ResultStreaks();
    s.observe(r(true, 'live.a'), T);
    s.observe(r(true, 'live.b'), T);
    s.retain(new Set(['live/healthz|live.a']));
    expect(s.size).toBe(1);
  });
});
