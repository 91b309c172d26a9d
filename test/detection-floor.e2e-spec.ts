import { fleetConfig, startFleet, type Fleet } from '@libs/fleet';
import { call } from './support/http';
import { poll, sample } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/**
 * Detection at the floor, end to end (fleet on loopback, every role of Vigil, checks 1 s x 3): the
 * prober sends the failures that move a track without waiting for its 1 s batch, and the controller
 * evaluates the IDC when that batch comes in, not at its next 1 s tick. Asserted by the mechanism
 * (the counters of both), not by a time bound a busy machine could cross.
 */
describe('detection at the floor (fleet, all roles)', () => {
  let fleet: Fleet;
  let vigil: VigilUnderTest;

  const metrics = async () => (await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken })).text;
  const counters = async () => {
    const text = await metrics();
    return {
      early: sample(text, 'vigil_probe_results_flushed_early_total') ?? 0,
      changed: sample(text, 'vigil_health_evaluations_total{kind="changed"}') ?? 0,
    };
  };
  const idcEvent = (idc: string, after: string) =>
    vigil.sql<{ at: Date }>(`SELECT at FROM health_events WHERE kind = 'idc' AND idc = $1 AND after = $2`, [
      idc,
      after,
    ]);

  beforeAll(async () => {
    // Fixed ports (this suite's range) below the ephemeral range: a closed port cannot be taken meanwhile.
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 2, basePort: 27720 });
    vigil = await startVigil();
    const doc = fleetConfig(fleet, {
      service: 'live',
      interval: '1s',
      timeout: '500ms',
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    });
    expect(
      (await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc })).status,
    ).toBe(200);
  });

  afterAll(async () => {
    await vigil?.close();
    await fleet?.close();
  });

  it('sends the failures that take an IDC down at once, and evaluates the IDC as soon as they arrive', async () => {
    for (const idc of ['sha', 'bjs', 'szx'])
      await poll(
        async () => ((await idcEvent(idc, 'HEALTHY')).length ? true : undefined),
        30_000,
        `${idc} HEALTHY`,
      );
    // Healthy and steady: only long runs of successes now, which wait for the 1 s batch, so the
    // early flushes stop (two reads 1.5 s apart agree).
    let last = -1;
    const before = await poll(
      async () => {
        const c = await counters();
        const steady = c.early === last;
        last = c.early;
        if (!steady) await new Promise((r) => setTimeout(r, 1500));
        return steady ? c : undefined;
      },
      30_000,
      'no more early flushes',
    );

    await fleet.set({ idc: 'bjs' }, 'refused');
    await poll(
      async () => ((await idcEvent('bjs', 'UNHEALTHY')).length ? true : undefined),
      30_000,
      'bjs UNHEALTHY',
    );
    const after = await counters();
    expect(after.early).toBeGreaterThan(before.early); // the prober did not hold the failures for 1 s
    expect(after.changed).toBeGreaterThan(before.changed); // the controller did not wait for its tick

    await fleet.set({ idc: 'bjs' }, 'up');
    await poll(
      async () => ((await idcEvent('bjs', 'HEALTHY')).length >= 2 ? true : undefined),
      30_000,
      'bjs HEALTHY again',
    );
  }, 120_000);
});
