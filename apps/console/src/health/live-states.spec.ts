import type { Schema } from '../api';
import { withLiveStates, type LiveIdcState } from './live-states';

const idc = (
  name: string,
  state: Schema<'IdcStatusDto'>['state'],
  since: number,
): Schema<'IdcStatusDto'> => ({
  idc: name,
  state,
  reason: 'capacity',
  score: 100,
  healthyRatio: 1,
  healthyCapacity: 4,
  totalCapacity: 4,
  weight: 50,
  since,
  endpoints: { UNKNOWN: 0, HEALTHY: 4, DEGRADED: 0, UNHEALTHY: 0 },
});

const status = (generatedAt: number): Schema<'StatusDto'> => ({
  generatedAt,
  configVersion: 1,
  stale: false,
  vantages: { live: ['bjs'], suspect: [] },
  services: [
    {
      service: 'web',
      endpoints: { UNKNOWN: 0, HEALTHY: 8, DEGRADED: 0, UNHEALTHY: 0 },
      idcs: [idc('bjs', 'HEALTHY', 1), idc('sha', 'HEALTHY', 1)],
    },
  ],
});

describe('withLiveStates', () => {
  const down: LiveIdcState = { state: 'UNHEALTHY', reason: 'capacity', since: 2_000 };

  it('shows an IDC change announced after the snapshot was written', () => {
    const shown = withLiveStates(status(1_000), new Map([['web/sha', down]]));
    expect(shown.services[0].idcs.map((i) => [i.idc, i.state])).toEqual([
      ['bjs', 'HEALTHY'],
      ['sha', 'UNHEALTHY'],
    ]);
    expect(shown.services[0].idcs[1].since).toBe(2_000);
  });

  it('lets a snapshot written after the event speak for itself', () => {
    const shown = withLiveStates(status(3_000), new Map([['web/sha', down]]));
    expect(shown.services[0].idcs[1].state).toBe('HEALTHY');
  });

  it('leaves the snapshot as it is without live states', () => {
    const snapshot = status(1_000);
    expect(withLiveStates(snapshot, new Map())).toBe(snapshot);
  });
});
