import {
  startFleet,
  startReceiver,
  startTrafficManager,
  type FakeTrafficManager,
  type Fleet,
  type Receiver,
} from '@libs/fleet';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { idcsTurnedHealthy, type ActionRow } from './support/waits';

/**
 * Automatic failover end to end: the fleet, every role, a rule that shifts traffic away from an
 * UNHEALTHY IDC, and a fake traffic manager (GSLB) that verifies signatures and dedupes steps.
 */
describe('automatic shift and failback (fleet, all roles, fake traffic manager)', () => {
  const SECRET = 'gslb-test-secret';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let vigil: VigilUnderTest;
  /** The on-call channel: a webhook told about actions and panics. */
  let pager: Receiver;
  const paged = (event: string) =>
    pager.requests.map((r) => JSON.parse(r.body)).filter((n: { event: string }) => n.event === event);
  const actions = (where = 'true') =>
    vigil.sql<ActionRow>(`SELECT * FROM actions WHERE ${where} ORDER BY created_at`);

  const config = (mode: 'enforce' | 'approval') => ({
    ...drillConfig(fleet, { gslbUrl: gslb.url, secretEnv: 'VIGIL_REF_TEST_GSLB_SECRET', mode }),
    channels: [{ name: 'pager', type: 'webhook', url: `${pager.url}/pager` }],
    notifications: {
      routes: [{ channels: ['pager'], events: ['action.proposed', 'action.executed', 'panic'] }],
    },
  });

  beforeAll(async () => {
    process.env.VIGIL_REF_TEST_GSLB_SECRET = SECRET; // the secretRef of the traffic manager
    // Fixed ports below the ephemeral range: a port closed for "refused" cannot be taken meanwhile.
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 23600 });
    gslb = await startTrafficManager({ secret: SECRET });
    pager = await startReceiver({ status: 204 });
    vigil = await startVigil();
  });
  afterAll(async () => {
    await vigil.close();
    await gslb.close();
    await pager.close();
    await fleet.close();
  });

  it('an IDC outage gives exactly one action whose steps reach the traffic manager as planned, then fails back', async () => {
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: config('enforce'),
    });
    expect(applied.status).toBe(200);
    await idcsTurnedHealthy(vigil, 3, 30_000);

    await fleet.set({ idc: 'szx' }, 'refused');
    const [action] = await poll(
      async () => {
        const rows = await actions(`kind = 'shift-away' AND state = 'completed'`);
        return rows.length ? rows : undefined;
      },
      30_000,
      'the shift to complete',
    );
    expect(await actions(`kind = 'shift-away'`)).toHaveLength(1);
    expect(action).toMatchObject({ idc: 'szx', mode: 'enforce' });
    const planned = action.plan.steps!;
    expect(planned.length).toBe(2); // szx's 20% in steps of at most 10%
    expect(planned[planned.length - 1].szx).toBe(0);
    // Every planned step reached the GSLB, in order, once each, signed.
    const sent = gslb.applied('live').map((c) => c.weights);
    expect(sent.slice(0, planned.length)).toEqual(planned);
    expect(gslb.unauthorized).toBe(0);
    for (let i = 1; i < planned.length; i++) {
      for (const idc of Object.keys(planned[i]))
        expect(Math.abs(planned[i][idc] - planned[i - 1][idc])).toBeLessThanOrEqual(10);
    }

    await fleet.set({ idc: 'szx' }, 'up');
    await poll(
      async () => {
        const rows = await actions(`kind = 'failback' AND state = 'completed'`);
        return rows.length ? rows : undefined;
      },
      40_000,
      'the failback to complete',
    );
    expect(gslb.weights('live')).toEqual({ sha: 40, bjs: 40, szx: 20 });
    // On-call was told of each action as it started and as it ended.
    const told = await poll(
      async () => (paged('action.executed').length === 2 ? paged('action.executed') : undefined),
      10_000,
      'both actions reported executed',
    );
    expect(told.map((n: { labels: { kind: string } }) => n.labels.kind)).toEqual(['shift-away', 'failback']);
    expect(paged('action.proposed').map((n: { labels: { kind: string } }) => n.labels.kind)).toEqual([
      'shift-away',
      'failback',
    ]);
    const traffic = await vigil.sql<{ desired: Record<string, number> }>(
      `SELECT desired FROM service_traffic WHERE service = 'live'`,
    );
    expect(traffic[0].desired).toEqual({ sha: 40, bjs: 40, szx: 20 });
  });

  it('every IDC down gives no shift: a refusal naming the panic guardrail', async () => {
    await vigil.sql(
      `UPDATE actions SET state = 'completed' WHERE state IN ('executing', 'held', 'awaiting-approval')`,
    );
    const before = gslb.applied('live').length;
    await fleet.set('all', 'refused');
    try {
      const [refusal] = await poll(
        async () => {
          const rows = await actions(`state = 'refused' AND reason LIKE 'panic:%'`);
          return rows.length ? rows : undefined;
        },
        30_000,
        'a panic refusal',
      );
      expect(refusal.plan.guardrail).toBe('panic');
      expect(gslb.applied('live').length).toBe(before);
      // Fail-static pages a human: a critical panic notice naming the refused action.
      const [panic] = await poll(
        async () => (paged('panic').length ? paged('panic') : undefined),
        10_000,
        'the panic notice',
      );
      expect(panic).toMatchObject({ severity: 'critical', labels: { service: 'live', action: refusal.id } });
    } finally {
      await fleet.set('all', 'up');
    }
  });
});
