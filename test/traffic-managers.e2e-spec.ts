import { fleetConfig, startFleet, type Fleet } from '@libs/fleet';
import { ADMIN } from '../libs/traffic/src/haproxy/runtime-api';
import { startHaproxy, type RunningHaproxy } from './support/haproxy';
import { resolveMany, startPowerDns, type PowerDnsUnderTest } from './support/powerdns';
import { call } from './support/http';
import { poll, sample } from './support/poll';
import { near, serversOf, settle, sharesOf, watchStates, type Shares } from './support/traffic-readings';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy, type ActionRow } from './support/waits';

// Ports 27650-27669: the fleet's endpoints 27650-27651 (on 127.0.{1,2,3}.1), HAProxy's frontend 27660,
// PowerDNS's DNS 27661 and API 27662, 27663 a port nobody listens on (an unreachable Runtime API).
const FLEET_PORT = 27650;
const HAPROXY_PORT = 27660;
const DNS_PORT = 27661;
const PDNS_API_PORT = 27662;
const CLOSED_PORT = 27663;

const PDNS_KEY = 'pdns-e2e-key';
const ZONE = 'vigil.test.';
const NAME = `names.${ZONE}`;
/** One (documentation) address per IDC: only the DNS answers are counted, nothing connects. */
const ADDRESSES = { sha: '192.0.2.1', bjs: '198.51.100.1', szx: '203.0.113.1' };
const IDC_OF_ADDRESS = Object.fromEntries(Object.entries(ADDRESSES).map(([idc, a]) => [a, idc]));
/** Points a DNS answer mix may be off the weights: 1,000 answers at 30% have a standard deviation of 1.5. */
const DNS_POINTS = 5;

const BASELINE = { sha: 40, bjs: 30, szx: 30 };
/** HAProxy's server weights at the baseline (Vigil's split: the largest server gets 256). */
const BASELINE_SERVER_WEIGHT = { sha: 256, bjs: 192, szx: 192 };
/** Read-back rounding: HAProxy shares are whole server weights out of at most 1,536. */
const TOLERANCE = 1;

interface TrafficView {
  applied: Shares | null;
  desired: Shares;
  drained: string[];
  trafficManager: { type: string; readsBack: boolean; drainsEndpoints: boolean };
  actual: { ok: boolean; weights?: Shares; drained?: string[]; detail: string } | null;
  drift: { reason: string; since: string } | null;
}

/** DNS answers per IDC, in percent of `n` real queries to PowerDNS. */
async function dnsMix(pdns: PowerDnsUnderTest, n: number): Promise<Shares> {
  const counts = await resolveMany(NAME, n, pdns.dnsAddress);
  const shares: Shares = { sha: 0, bjs: 0, szx: 0 };
  for (const [address, count] of Object.entries(counts)) {
    const idc = IDC_OF_ADDRESS[address];
    if (idc === undefined) throw new Error(`answer ${address} is no IDC's address`);
    shares[idc] += (count * 100) / n;
  }
  return shares;
}

/**
 * Vigil steering real traffic managers: a fleet of three IDCs behind a real HAProxy (service `web`, one
 * backend whose servers are the fleet's endpoints, driven through the Runtime API) and named by a real
 * PowerDNS (service `names`, a LUA record answering one address per IDC by weight). An IDC outage
 * moves both step by step and back; Vigil reads them back after each step and every second, sees a
 * weight changed behind its back, drains a server, and refuses a config whose target it cannot use.
 */
describe('traffic managers: a real HAProxy and a real PowerDNS steered by Vigil (fleet, all roles)', () => {
  let fleet: Fleet;
  let haproxy: RunningHaproxy;
  let pdns: PowerDnsUnderTest;
  let vigil: VigilUnderTest;

  const api = <T = any>(method: string, path: string, json?: unknown) =>
    call<T>(vigil.url, method, `/api/v1${path}`, { token: vigil.adminToken, json });
  const traffic = async (service: string) =>
    (await api<TrafficView>('GET', `/services/${service}/traffic`)).body;
  const actions = (where: string) =>
    vigil.sql<ActionRow>(`SELECT * FROM actions WHERE ${where} ORDER BY created_at`);
  const haproxyShares = async () => sharesOf((await serversOf(haproxy, 'be_web')).values());
  const metrics = async () => (await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken })).text;

  /**
   * The config: services `web` (through HAProxy) and `names` (through PowerDNS) on the fleet's endpoints
   * (capacity 50 each, IDCs of 100). `names` steps every 3 s so each step's answer mix can be sampled.
   */
  const config = (
    haproxyOverrides: Record<string, unknown> = {},
    powerDnsOverrides: Record<string, unknown> = {},
  ) => {
    const doc = fleetConfig(fleet, {
      service: 'web',
      interval: '1s',
      timeout: '500ms',
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      capacity: 50,
      policy: {
        maxStepPercent: 10,
        stepInterval: '1s',
        recoveryHold: '3s',
        cooldown: '1s',
        maxUtilization: 1,
      },
    }) as Record<string, any>;
    doc.services[0].weights = BASELINE;
    doc.services[0].trafficManager = {
      type: 'haproxy',
      runtimeApi: haproxy.runtimeApi[0],
      backend: 'be_web',
      ...haproxyOverrides,
    };
    const web = doc.services[0];
    doc.services.push({
      ...web,
      name: 'names',
      policy: { ...web.policy, stepInterval: '3s' },
      trafficManager: {
        type: 'powerdns',
        url: pdns.apiUrl,
        apiKey: { secretRef: 'VIGIL_REF_TEST_PDNS_KEY' },
        zone: ZONE,
        name: NAME,
        ttl: '1s',
        addresses: Object.fromEntries(Object.entries(ADDRESSES).map(([idc, a]) => [idc, [a]])),
        ...powerDnsOverrides,
      },
    });
    doc.rules = [
      {
        name: 'idc-down',
        when: 'idc.state == "UNHEALTHY"',
        for: '0s',
        mode: 'enforce',
        actions: [{ type: 'shift-away' }],
      },
    ];
    return doc;
  };

  /** Waits for the service's action of `kind` to complete; returns it. */
  const completed = (service: string, kind: string, deadlineMs: number) =>
    poll(
      async () => {
        const [row] = await actions(`kind = '${kind}' AND service = '${service}' AND state = 'completed'`);
        return row;
      },
      deadlineMs,
      `the ${kind} of ${service} to complete`,
    );

  /**
   * Samples the DNS answer mix over and over, recording each distinct level of sha's share among
   * `levels`: a sample within 3 points of one (400 answers at 40% have a standard deviation of 2.4);
   * a sample taken across a change may fit none and is skipped.
   */
  const watchDns = (levels: number[]) =>
    watchStates(
      async () => {
        const shares = await dnsMix(pdns, 400);
        return { sha: shares.sha, level: levels.find((l) => Math.abs(shares.sha - l) <= 3) };
      },
      ({ level }) => (level === undefined ? undefined : String(level)),
    );

  /** The LUA record as an operator set it up before handing it to Vigil: the baseline. */
  const writeBaselineRecord = async () => {
    const entries = Object.entries(ADDRESSES).map(
      ([idc, a]) => `{${BASELINE[idc as keyof typeof BASELINE] * 100},'${a}'}`,
    );
    const res = await fetch(`${pdns.apiUrl}/api/v1/servers/localhost/zones/${ZONE}`, {
      method: 'PATCH',
      headers: { 'x-api-key': PDNS_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        rrsets: [
          {
            name: NAME,
            type: 'LUA',
            ttl: 1,
            changetype: 'REPLACE',
            records: [{ content: `A "pickwrandom({${entries.join(',')}})"`, disabled: false }],
          },
        ],
      }),
    });
    expect(res.status).toBe(204);
  };

  beforeAll(async () => {
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 2, basePort: FLEET_PORT });
    haproxy = await startHaproxy({
      frontendPort: HAPROXY_PORT,
      backend: 'be_web',
      servers: fleet.endpoints.map((e) => ({
        name: e.id,
        address: e.address,
        weight: BASELINE_SERVER_WEIGHT[e.idc as keyof typeof BASELINE_SERVER_WEIGHT],
      })),
    });
    pdns = await startPowerDns({ dnsPort: DNS_PORT, apiPort: PDNS_API_PORT, apiKey: PDNS_KEY, zone: ZONE });
    await writeBaselineRecord();
    process.env.VIGIL_REF_TEST_PDNS_KEY = PDNS_KEY; // the secretRef of the PowerDNS API key
    vigil = await startVigil({ VIGIL_READBACK_INTERVAL_MS: '1000' });
    const applied = await api('PUT', '/config', config());
    expect(applied.status).toBe(200);
    await everyIdcHealthy(vigil, { service: 'web' });
    await everyIdcHealthy(vigil, { service: 'names' });
  });
  afterAll(async () => {
    await vigil?.close();
    await haproxy?.stop();
    await pdns?.stop();
    await fleet?.close();
  });

  /** The HAProxy states seen: from `from`, only through `plan`'s steps, in order, ending at its last. */
  const expectStepwise = (states: Shares[], from: Shares, plan: Shares[]) => {
    expect(states[0]).toEqual(from);
    expect(states.slice(1).every((s) => plan.some((p) => near(s, p, TOLERANCE)))).toBe(true);
    const order = states.slice(1).map((s) => plan.findIndex((p) => near(s, p, TOLERANCE)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(near(states.at(-1)!, plan.at(-1)!, TOLERANCE)).toBe(true);
    // At least two states strictly between the first and the last: the shift was visibly stepwise.
    expect(states.length - 2).toBeGreaterThanOrEqual(2);
  };
  /** sha's DNS share went from `from` to `to`, through at least two levels between. */
  const expectDnsStepwise = (seen: Array<{ level?: number }>, from: number, to: number) => {
    const levels = seen.map((s) => s.level);
    expect(levels[0]).toBe(from);
    expect(levels.at(-1)).toBe(to);
    expect(new Set(levels.filter((l) => l !== from && l !== to)).size).toBeGreaterThanOrEqual(2);
  };
  /** A DNS answer mix within DNS_POINTS of the weights (the mix shows in a failure). */
  const expectMix = (mix: Shares, weights: Shares) =>
    expect({ mix, near: near(mix, weights, DNS_POINTS) }).toEqual({ mix, near: true });
  /** Vigil's view of a service: what the traffic manager has (read back) is what it applied; no drift. */
  const expectInSync = async (service: string, applied: Shares, tolerance: number) => {
    const view = await traffic(service);
    expect(view.applied).toEqual(applied);
    expect(view.actual).toMatchObject({ ok: true, drained: [] });
    expect(near(view.actual!.weights!, applied, tolerance)).toBe(true);
    expect(view.drift).toBeNull();
    return view;
  };

  it('an IDC outage moves HAProxy weights and DNS answers away step by step; recovery moves them back', async () => {
    expect(await haproxyShares()).toEqual(BASELINE);
    const before = await dnsMix(pdns, 1000);
    expectMix(before, BASELINE);

    const webStates = watchStates(haproxyShares, (s) => JSON.stringify(s));
    const dnsStates = watchDns([40, 30, 20, 10, 0]);
    await fleet.set({ idc: 'sha' }, 'refused');
    const webShift = await completed('web', 'shift-away', 40_000);
    const away = await settle(webStates, (s) => near(s, webShift.plan.steps!.at(-1)!, TOLERANCE));
    const dnsShift = await completed('names', 'shift-away', 40_000);
    const dnsAway = await settle(dnsStates, (s) => s.level === 0);

    // HAProxy went through every planned step, in order, and only through them; sha's servers end at 0.
    const plan = webShift.plan.steps!;
    expect(plan.length).toBeGreaterThanOrEqual(3); // sha's 40% in steps of at most 10
    expect(plan.at(-1)).toEqual({ sha: 0, bjs: 50, szx: 50 });
    expectStepwise(away, BASELINE, plan);
    const servers = await serversOf(haproxy, 'be_web');
    expect(['sha-1', 'sha-2'].map((s) => servers.get(s)!.userWeight)).toEqual([0, 0]);
    const web = await expectInSync('web', plan.at(-1)!, TOLERANCE);
    expect(web.trafficManager).toMatchObject({ type: 'haproxy', readsBack: true, drainsEndpoints: true });

    // The DNS answers moved the same way, and no longer name sha at all.
    const dnsPlan = dnsShift.plan.steps!;
    expect(dnsPlan).toEqual(plan);
    expect(dnsPlan.map((p) => p.sha)).toEqual([30, 20, 10, 0]);
    expectDnsStepwise(dnsAway, BASELINE.sha, 0);
    const after = await dnsMix(pdns, 1000);
    expect(after.sha).toBe(0);
    expectMix(after, dnsPlan.at(-1)!);
    const names = await expectInSync('names', dnsPlan.at(-1)!, 0.5);
    expect(names.trafficManager).toMatchObject({
      type: 'powerdns',
      readsBack: true,
      drainsEndpoints: false,
      ttlSeconds: 1,
    });

    // Recovery: failback, step by step, to the baseline in both.
    const webBack = watchStates(haproxyShares, (s) => JSON.stringify(s));
    const dnsBack = watchDns([0, 10, 20, 30, 40]);
    await fleet.set({ idc: 'sha' }, 'up');
    const webFailback = await completed('web', 'failback', 40_000);
    const returned = await settle(webBack, (s) => near(s, BASELINE, TOLERANCE));
    const dnsFailback = await completed('names', 'failback', 40_000);
    const dnsReturned = await settle(dnsBack, (s) => s.level === BASELINE.sha);
    const backPlan = webFailback.plan.steps!;
    expect(backPlan.at(-1)).toEqual(BASELINE);
    expectStepwise(returned, plan.at(-1)!, backPlan);
    expect(await haproxyShares()).toEqual(BASELINE);
    await expectInSync('web', BASELINE, TOLERANCE);
    expect(dnsFailback.plan.steps!.at(-1)).toEqual(BASELINE);
    expect(dnsFailback.plan.steps!.map((p) => p.sha)).toEqual([10, 20, 30, 40]);
    expectDnsStepwise(dnsReturned, 0, BASELINE.sha);
    const back = await dnsMix(pdns, 1000);
    expectMix(back, BASELINE);
    await expectInSync('names', BASELINE, 0.5);
  }, 150_000);

  it('a weight changed behind Vigil’s back is drift (API, timeline, metric) until it is put back', async () => {
    const series = 'vigil_traffic_drift{service="web"}';
    await poll(async () => (sample(await metrics(), series) === 0 ? true : undefined), 10_000, 'drift 0');
    await haproxy.command('set server be_web/sha-1 weight 10');
    try {
      const drifting = await poll(
        async () => {
          const view = await traffic('web');
          return view.drift ? view : undefined;
        },
        10_000,
        'the drift to show',
      );
      expect(drifting.drift!.reason).toMatch(/weights differ: .*sha 40% applied/);
      expect(drifting.actual).toMatchObject({ ok: true });
      expect(drifting.actual!.weights!.sha).toBeLessThan(30);
      expect(drifting.applied).toEqual(BASELINE); // Vigil does not correct drift by itself
      expect(sample(await metrics(), series)).toBe(1);
      const events = (await api('GET', '/events?kind=traffic&service=web')).body.items;
      expect(events[0]).toMatchObject({ kind: 'traffic', service: 'web', before: 'in-sync', after: 'drift' });
      expect(events[0].reason).toBe(drifting.drift!.reason);
    } finally {
      await haproxy.command(`set server be_web/sha-1 weight ${BASELINE_SERVER_WEIGHT.sha}`);
    }
    await poll(
      async () => ((await traffic('web')).drift === null ? true : undefined),
      10_000,
      'the drift to clear',
    );
    expect(sample(await metrics(), series)).toBe(0);
    const events = (await api('GET', '/events?kind=traffic&service=web')).body.items;
    expect(events[0]).toMatchObject({ before: 'drift', after: 'in-sync' });
    expect(events).toHaveLength(2);
  });

  it('drains one endpoint into HAProxy drain and takes it back; PowerDNS cannot drain one (409)', async () => {
    const drain = await api('POST', '/services/web/endpoints/bjs-2/drain', { reason: 'kernel upgrade' });
    expect(`${drain.status} ${drain.text}`).toMatch(/^200 /);
    const done = async (id: string) =>
      poll(
        async () => {
          const a = (await api('GET', `/actions/${id}`)).body;
          return a.state === 'completed' ? a : undefined;
        },
        15_000,
        `action ${id} to complete`,
      );
    expect(await done(drain.body.id)).toMatchObject({ kind: 'drain-endpoint', stepsDone: 1 });
    let servers = await serversOf(haproxy, 'be_web');
    expect(servers.get('bjs-2')!.adminState & ADMIN.FDRAIN).toBe(ADMIN.FDRAIN);
    expect([...servers.values()].filter((s) => s.adminState !== 0).map((s) => s.name)).toEqual(['bjs-2']);
    expect(sharesOf(servers.values())).toEqual(BASELINE); // drain leaves the weights alone
    const view = await traffic('web');
    expect(view).toMatchObject({ drained: ['bjs-2'], actual: { ok: true, drained: ['bjs-2'] }, drift: null });

    const undrain = await api('POST', '/services/web/endpoints/bjs-2/undrain', { reason: 'done' });
    expect(`${undrain.status} ${undrain.text}`).toMatch(/^200 /);
    await done(undrain.body.id);
    servers = await serversOf(haproxy, 'be_web');
    expect([...servers.values()].map((s) => s.adminState)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await traffic('web')).toMatchObject({
      drained: [],
      actual: { ok: true, drained: [] },
      drift: null,
    });

    const refused = await api('POST', '/services/names/endpoints/bjs-2/drain', { reason: 'kernel upgrade' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('(powerdns) cannot drain single endpoints');
    expect(await actions(`service = 'names' AND kind = 'drain-endpoint'`)).toEqual([]);
  });

  it('refuses a config whose HAProxy or PowerDNS cannot be used, naming the field, and keeps the version', async () => {
    const versions = async () => (await api('GET', '/config/versions')).body.total as number;
    const before = await versions();
    const bad = [
      { backend: 'be_missing' },
      { runtimeApi: `tcp://127.0.0.1:${CLOSED_PORT}` },
      { runtimeApi: `unix:${haproxy.socketPath}.gone` },
    ];
    for (const overrides of bad) {
      const res = await api('PUT', '/config', config(overrides));
      expect({ overrides, status: res.status }).toEqual({ overrides, status: 400 });
      expect(res.body.details).toEqual([
        { path: 'services[0].trafficManager', message: expect.stringContaining('haproxy check failed') },
      ]);
    }
    const WRONG_KEY = 'wrong-pdns-key-6f1d';
    process.env.VIGIL_REF_TEST_PDNS_WRONG_KEY = WRONG_KEY;
    const res = await api(
      'PUT',
      '/config',
      config({}, { apiKey: { secretRef: 'VIGIL_REF_TEST_PDNS_WRONG_KEY' } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { path: 'services[1].trafficManager', message: expect.stringContaining('powerdns check failed') },
    ]);
    expect(res.text).not.toContain(WRONG_KEY);
    expect(res.text).not.toContain(PDNS_KEY);

    expect(await versions()).toBe(before);
    expect(await haproxyShares()).toEqual(BASELINE);
  });
});
