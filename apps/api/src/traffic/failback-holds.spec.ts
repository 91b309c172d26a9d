import type { IdcStatus } from '@libs/queue';
import { failbackHolds } from './failback-holds';

const NOW = 1_700_000_000_000;
const status = (idc: string, state: IdcStatus['state'], since: number, outages?: number[]): IdcStatus => ({
  idc,
  state,
  reason: 'test',
  score: 100,
  healthyRatio: 1,
  healthyCapacity: 1,
  totalCapacity: 1,
  weight: 0,
  since,
  endpoints: { UNKNOWN: 0, HEALTHY: 1, DEGRADED: 0, UNHEALTHY: 0 },
  ...(outages ? { outages } : {}),
});
const BASELINE = { bjs: 40, sha: 40, szx: 20 };
const POLICY = { recoveryHold: '10s', failbackBackoff: { window: '1h', maxHold: '1h' } };

describe('failbackHolds', () => {
  it('gives each IDC its hold, and the failback time of a drained HEALTHY one', () => {
    const holds = failbackHolds(
      { policy: POLICY },
      BASELINE,
      { bjs: 60, sha: 0, szx: 40 },
      [
        // sha: 3rd outage in the hour, HEALTHY for 12 s, drained: fails back 40 s after it recovered.
        status('sha', 'HEALTHY', NOW - 12_000, [NOW - 1_800_000, NOW - 600_000, NOW - 30_000]),
        status('bjs', 'HEALTHY', NOW - 7_200_000),
        status('szx', 'UNHEALTHY', NOW - 5_000, [NOW - 5_000]),
      ],
      NOW,
    );
    expect(holds).toEqual({
      bjs: {
        outages: 1,
        holdMs: 10_000,
        explanation: 'recoveryHold: no earlier outage within 1h',
        healthySince: new Date(NOW - 7_200_000),
      },
      sha: {
        outages: 3,
        holdMs: 40_000,
        explanation: 'recoveryHold 10s × 2^2: 3rd outage within 1h',
        healthySince: new Date(NOW - 12_000),
        failbackAt: new Date(NOW + 28_000),
      },
      szx: { outages: 1, holdMs: 10_000, explanation: 'recoveryHold: no earlier outage within 1h' },
    });
  });

  it('applies the defaults to a policy stored before failbackBackoff, and to an IDC not in the snapshot', () => {
    const holds = failbackHolds({ policy: { recoveryHold: '5m' } }, { sha: 100 }, { sha: 100 }, [], NOW);
    expect(holds).toEqual({
      sha: { outages: 1, holdMs: 300_000, explanation: 'recoveryHold: no earlier outage within 1h' },
    });
  });
});
