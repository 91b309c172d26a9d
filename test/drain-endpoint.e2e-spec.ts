import { startFleet, startTrafficManager, type FakeTrafficManager, type Fleet } from '@libs/fleet';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { idcsTurnedHealthy, type ActionRow } from './support/waits';

/**
 * drain-endpoint end to end: a rule takes a failing endpoint out of rotation through the traffic
 * manager (the signed webhook carries `drained`), and puts it back once it has been HEALTHY for the
 * recovery hold; what an operator drains stays drained; a traffic manager that cannot drain is
 * refused at apply and by the API.
 */
describe('drain-endpoint (fleet, all roles, fake traffic manager)', () => {
  const SECRET = 'gslb-drain-secret';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let vigil: VigilUnderTest;
  const actions = (where: string) =>
    vigil.sql<ActionRow & { endpoint: string | null }>(
      `SELECT * FROM actions WHERE ${where} ORDER BY created_at`,
    );
  const drained = async () =>
    (await vigil.sql<{ drained: string[] }>(`SELECT drained FROM service_traffic WHERE service = 'live'`))[0]
      ?.drained ?? [];
  const lastSent = () => gslb.applied('live').at(-1);

  const config = () => {
    const doc = drillConfig(fleet, {
      gslbUrl: gslb.url,
      secretEnv: 'VIGIL_REF_TEST_DRAIN_SECRET',
      mode: 'enforce',
    });
    doc.rules = [
      {
        name: 'endpoint-down',
        when: 'endpoint.state == "UNHEALTHY"',
        for: '0s',
        cooldown: '1s',
        mode: 'enforce',
        actions: [{ type: 'drain-endpoint' }],
      },
    ];
    return doc;
  };

  beforeAll(async () => {
    process.env.VIGIL_REF_TEST_DRAIN_SECRET = SECRET;
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 27700 });
    gslb = await startTrafficManager({ secret: SECRET });
    vigil = await startVigil();
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: config(),
    });
    expect(applied.status).toBe(200);
    await idcsTurnedHealthy(vigil, 3, 30_000);
  });
  afterAll(async () => {
    await vigil.close();
    await gslb.close();
    await fleet.close();
  });

  it('a rule drains a down endpoint, keeping the weights, and puts it back once HEALTHY for the hold', async () => {
    const victim = fleet.endpoints.find((e) => e.idc === 'sha')!.id;
    await fleet.set({ endpoint: victim }, 'refused');
    const [drain] = await poll(
      async () => {
        const rows = await actions(`kind = 'drain-endpoint' AND state = 'completed'`);
        return rows.length ? rows : undefined;
      },
      30_000,
      'the drain to complete',
    );
    expect(drain).toMatchObject({ endpoint: victim, idc: 'sha', mode: 'enforce', rule: 'endpoint-down' });
    expect(await drained()).toEqual([victim]);
    // The traffic manager got the endpoint in `drained` and the weights unchanged.
    expect(lastSent()).toMatchObject({ drained: [victim], weights: { sha: 40, bjs: 40, szx: 20 } });
    // One endpoint of four down is not an IDC outage: no shift.
    expect(await actions(`kind = 'shift-away'`)).toHaveLength(0);
    // Drained endpoints are shown with the service's traffic.
    const view = await call(vigil.url, 'GET', '/api/v1/services/live/traffic', { token: vigil.adminToken });
    expect(view.body).toMatchObject({
      drained: [victim],
      trafficManager: { type: 'webhook', readsBack: false, drainsEndpoints: true },
    });

    await fleet.set({ endpoint: victim }, 'up');
    const [undrain] = await poll(
      async () => {
        const rows = await actions(`kind = 'undrain-endpoint' AND state = 'completed'`);
        return rows.length ? rows : undefined;
      },
      30_000,
      'the automatic undrain to complete',
    );
    expect(undrain).toMatchObject({ endpoint: victim, mode: 'enforce' });
    expect(await drained()).toEqual([]);
    expect(lastSent()).toMatchObject({ drained: [], weights: { sha: 40, bjs: 40, szx: 20 } });
    expect(await actions(`kind = 'drain-endpoint'`)).toHaveLength(1);
  });

  it("an operator's drain stays until an operator undrains it, and a rollback undoes it", async () => {
    const target = fleet.endpoints.find((e) => e.idc === 'bjs')!.id;
    const drain = await call(vigil.url, 'POST', `/api/v1/services/live/endpoints/${target}/drain`, {
      token: vigil.adminToken,
      json: { reason: 'kernel upgrade' },
    });
    expect(drain.status).toBe(200);
    const id = (drain.body as { id: string }).id;
    await poll(async () => ((await drained()).includes(target) ? true : undefined), 15_000, 'the drain');
    const again = await call(vigil.url, 'POST', `/api/v1/services/live/endpoints/${target}/drain`, {
      token: vigil.adminToken,
      json: { reason: 'twice' },
    });
    expect(again.status).toBe(409);
    // HEALTHY all along, and still drained once evaluations went past the recovery hold (3 s).
    const since = Date.now();
    await poll(
      async () => {
        const status = await call(vigil.url, 'GET', '/api/v1/status', { token: vigil.adminToken });
        return (status.body as { generatedAt: number }).generatedAt > since + 5000 ? true : undefined;
      },
      20_000,
      'evaluations past the recovery hold',
    );
    expect(await actions(`kind = 'undrain-endpoint' AND endpoint = '${target}'`)).toHaveLength(0);
    expect(await drained()).toContain(target);

    const rollback = await call(vigil.url, 'POST', `/api/v1/actions/${id}/rollback`, {
      token: vigil.adminToken,
      json: { reason: 'done' },
    });
    expect(rollback.status).toBe(201);
    expect(rollback.body).toMatchObject({ kind: 'undrain-endpoint', endpoint: target });
    await poll(async () => ((await drained()).includes(target) ? undefined : true), 15_000, 'the undrain');
  });

  it('refuses at apply a drain-endpoint rule over a service whose traffic manager cannot drain', async () => {
    const doc = config();
    doc.services[0].trafficManager = {
      type: 'powerdns',
      url: 'http://127.0.0.1:9',
      apiKey: { value: 'k' },
      zone: 'example.org.',
      name: 'live.example.org.',
      addresses: { sha: ['192.0.2.1'], bjs: ['192.0.2.2'], szx: ['192.0.2.3'] },
    };
    const version = (await vigil.sql<{ v: number }>(`SELECT max(version)::int AS v FROM config_versions`))[0]
      .v;
    const refused = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
    expect(refused.status).toBe(400);
    expect((refused.body as { details: Array<{ path: string; message: string }> }).details).toContainEqual({
      path: 'rules[0].actions[0].type',
      message: expect.stringContaining('live (powerdns) cannot drain single endpoints'),
    });
    expect((await vigil.sql<{ v: number }>(`SELECT max(version)::int AS v FROM config_versions`))[0].v).toBe(
      version,
    );
  });
});
