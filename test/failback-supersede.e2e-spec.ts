import { startFleet, startTrafficManager, type FakeTrafficManager, type Fleet } from '@libs/fleet';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { idcsTurnedHealthy, type ActionRow } from './support/waits';

/**
 * The way out is never damped: an IDC that fails again while its failback runs loses its traffic
 * at once. The failback is superseded (it would be held on its receiver and block the shift for
 * good), and neither the policy's cooldown nor the rule's stops the new shift away.
 */
describe('a failback interrupted by a new outage (fleet, all roles, fake traffic manager)', () => {
  const SECRET = 'gslb-supersede-secret';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let vigil: VigilUnderTest;
  const actions = (where = 'true') =>
    vigil.sql<ActionRow>(`SELECT * FROM actions WHERE ${where} ORDER BY created_at`);
  const until = <T>(what: string, ms: number, probe: () => Promise<T[]>) =>
    poll(async () => ((await probe()).length ? probe() : undefined), ms, what);

  beforeAll(async () => {
    process.env.VIGIL_REF_TEST_SUPERSEDE_SECRET = SECRET;
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 27100 });
    gslb = await startTrafficManager({ secret: SECRET });
    vigil = await startVigil();
  });
  afterAll(async () => {
    await vigil?.close();
    await gslb?.close();
    await fleet?.close();
  });

  it('supersedes the failback and shifts away again at once, through both cooldowns', async () => {
    // Steps 10 s apart so that the failback is still under way when szx fails again; a policy
    // cooldown of 20 s and the rule's default of 5m, both longer than the test gives them.
    const config = drillConfig(fleet, {
      gslbUrl: gslb.url,
      secretEnv: 'VIGIL_REF_TEST_SUPERSEDE_SECRET',
      mode: 'enforce',
      policy: { stepInterval: '10s', cooldown: '20s' },
    });
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: config });
    expect(applied.status).toBe(200);
    await idcsTurnedHealthy(vigil, 3, 20_000);

    await fleet.set({ idc: 'szx' }, 'refused');
    await until('the first shift away to complete', 25_000, () =>
      actions(`kind = 'shift-away' AND state = 'completed'`),
    );
    await fleet.set({ idc: 'szx' }, 'up');
    // The failback waits for the hold (3 s) and for the cooldown after the shift away (20 s).
    const [failback] = await until('the failback to apply its first step', 35_000, () =>
      actions(`kind = 'failback' AND steps_done = 1`),
    );
    expect(failback.reason).toMatch(/^szx HEALTHY for the failback hold of 3s \(recoveryHold/);

    await fleet.set({ idc: 'szx' }, 'refused');
    const [, again] = await until('the second shift away to complete', 15_000, async () => {
      const rows = await actions(`kind = 'shift-away' AND state = 'completed'`);
      return rows.length === 2 ? rows : [];
    });
    const [superseded] = await actions(`id = '${failback.id}'`);
    expect(superseded).toMatchObject({ state: 'cancelled', steps_done: 1 });
    expect(superseded.error).toMatch(/^superseded: szx UNHEALTHY .* again during failback; rule idc-down/);
    // From the weights the failback left: szx had 10 of its 20 back.
    expect(again).toMatchObject({ idc: 'szx', weights_before: expect.objectContaining({ szx: 10 }) });
    expect(again.guardrails).toContain('cooldown');
    expect(gslb.weights('live')?.szx).toBe(0);
    expect(await actions(`state = 'refused'`)).toEqual([]);
  });
});
