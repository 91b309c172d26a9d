import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { fleetConfig, startFleet, startReceiver, type Fleet, type Receiver } from '@libs/fleet';
import { bullPrefix, HEALTH_KEYS, JOBS, QUEUES, type ProbeResult, type StatusSnapshot } from '@libs/queue';
import { call } from './support/http';
import { poll } from './support/poll';
import { HealthService } from '../apps/controller/src/health/health.service';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

interface EventRow {
  kind: string;
  service: string | null;
  idc: string | null;
  endpoint: string | null;
  vantage: string | null;
  before: string;
  after: string;
  reason: string;
  details: Record<string, unknown>;
  at: Date;
}

/**
 * The health model end to end: the fleet on loopback, every role of Vigil, probes from three IDCs
 * every 2 s with a 1.5 s timeout, unhealthyThreshold 2. Margins a busy machine cannot cross: the
 * fleet, the probers and the controller share one starved event loop there, and a tight timeout (or a
 * staleness horizon of 3 short intervals) would make the healthy fleet flap on its own. A fourth vantage, "hkg", is played by the test: it sends its
 * own results to its own queue (`results.hkg`, consumed while its heartbeat is live), to show what one vantage alone can and cannot do.
 */
describe('health model (fleet, all roles)', () => {
  let fleet: Fleet;
  let vigil: VigilUnderTest;
  let redis: Redis;
  let results: Queue;
  /** On-call's webhook, told about suspect vantages. */
  let pager: Receiver;
  const THRESHOLD = 2;

  const snapshot = async () =>
    JSON.parse(
      (await redis.get(`${vigil.env.VIGIL_REDIS_PREFIX}:${HEALTH_KEYS.status}`)) ?? 'null',
    ) as StatusSnapshot | null;
  const idcState = async (idc: string) => (await snapshot())?.services[0]?.idcs.find((i) => i.idc === idc);
  const events = (where: string, params: unknown[] = []) =>
    vigil.sql<EventRow>(`SELECT * FROM health_events WHERE ${where} ORDER BY id`, params);
  const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000) =>
    poll(probe, ms, what);

  /** Sends results from the test's own vantage, as a prober there would. */
  const fromHkg = async (endpointIds: string[], ok: boolean) => {
    const now = Date.now();
    const batch: ProbeResult[] = endpointIds.map((id) => ({
      check: 'live/healthz',
      endpoint: `live.${id}`,
      vantage: 'hkg',
      type: 'http',
      scheduledAt: now,
      startedAt: now,
      latencyMs: 1,
      ok,
      ...(ok ? {} : { errorKind: 'timeout' as const }),
    }));
    await results.add(JOBS.resultBatch, { prober: 'test-hkg', configVersion: 1, results: batch });
  };

  beforeAll(async () => {
    // Fixed ports below the ephemeral range: a port closed for "refused" cannot be taken meanwhile.
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 23400 });
    vigil = await startVigil();
    redis = new Redis(vigil.env.REDIS_URL, { maxRetriesPerRequest: null });
    results = new Queue(QUEUES.results('hkg'), { connection: redis, prefix: bullPrefix(vigil.env) });
    pager = await startReceiver({ status: 200 });
    const doc = {
      ...fleetConfig(fleet, {
        service: 'live',
        interval: '2s',
        timeout: '1500ms',
        healthyThreshold: THRESHOLD,
        unhealthyThreshold: THRESHOLD,
      }),
      channels: [{ name: 'pager', type: 'webhook', url: `${pager.url}/pager` }],
      notifications: { groupWait: '1s', routes: [{ channels: ['pager'], events: ['vantage.suspect'] }] },
    };
    expect(
      (await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc })).status,
    ).toBe(200);
  });

  afterAll(async () => {
    await results.close();
    await redis.quit();
    await vigil.close();
    await pager.close();
    await fleet.close();
  });

  it('sees every IDC HEALTHY once the thresholds are met', async () => {
    await waitFor('all IDCs HEALTHY', async () => {
      const s = await snapshot();
      return s?.services[0]?.idcs.every((i) => i.state === 'HEALTHY') ? s : undefined;
    });
    const s = (await snapshot())!;
    expect(s.vantages.live).toEqual(expect.arrayContaining(['bjs', 'sha', 'szx']));
    const sha = s.services[0].idcs.find((i) => i.idc === 'sha')!;
    expect(sha).toMatchObject({ healthyRatio: 1, totalCapacity: 4 });
    expect(s.services[0].idcs.reduce((sum, i) => sum + i.weight, 0)).toBe(100); // percentages of the traffic
    expect(sha.score).toBeGreaterThanOrEqual(90);
    expect(s.services[0].endpoints.HEALTHY).toBe(12);
  });

  it('a failure seen from one vantage only is DEGRADED (path), never UNHEALTHY', async () => {
    await redis.set(`${vigil.env.VIGIL_REDIS_PREFIX}:probers:hkg:test`, 'now', 'PX', 60_000);
    await waitFor('hkg live', async () =>
      (await snapshot())?.vantages.live.includes('hkg') ? true : undefined,
    );
    for (let i = 0; i < 3; i++) await fromHkg(['szx-1'], false);
    const [degraded] = await waitFor('szx-1 DEGRADED', async () => {
      const rows = await events(`endpoint = 'live.szx-1' AND after = 'DEGRADED'`);
      return rows.length ? rows : undefined;
    });
    expect(degraded).toMatchObject({ reason: 'path' });
    expect(degraded.details.downFrom).toEqual(['hkg']);
    expect(await events(`endpoint = 'live.szx-1' AND after = 'UNHEALTHY'`)).toEqual([]);
    for (let i = 0; i < 3; i++) await fromHkg(['szx-1'], true);
    await waitFor('szx-1 HEALTHY', async () => {
      const rows = await events(`endpoint = 'live.szx-1' AND after = 'HEALTHY' AND before = 'DEGRADED'`);
      return rows.length ? rows : undefined;
    });
  });

  // Before the outage below: suspicion compares hkg's failure rate with the other vantages' over the last
  // minute, and the outage's failures (more of them the more a busy machine stretches it) count there.
  it('a vantage that sees everything down is marked suspect and changes no verdict', async () => {
    const all = fleet.endpoints.map((e) => e.id);
    const before = (await events(`kind IN ('endpoint', 'idc')`)).length;
    for (let i = 0; i < 4; i++) await fromHkg(all, false);
    const [suspect] = await waitFor('hkg suspect', async () => {
      const rows = await events(`kind = 'vantage' AND vantage = 'hkg' AND after = 'SUSPECT'`);
      return rows.length ? rows : undefined;
    });
    expect(suspect.reason).toMatch(/fails \d+ of \d+ probes/);
    expect((await snapshot())!.vantages.suspect).toEqual(['hkg']);
    // Two more evaluations: still no endpoint or IDC changed state because of hkg.
    await waitFor('two more snapshots', async () =>
      (await snapshot())!.generatedAt > suspect.at.getTime() + 2000 ? true : undefined,
    );
    const changed = (await events(`kind IN ('endpoint', 'idc')`)).slice(before);
    expect(changed.filter((e) => e.after !== 'HEALTHY')).toEqual([]);
    // On-call hears of it once (a vantage incident), not of what it alone claims is down.
    const [told] = await waitFor('the suspect-vantage notice', async () =>
      pager.requests.length ? pager.requests.map((r) => JSON.parse(r.body)) : undefined,
    );
    expect(told).toMatchObject({ event: 'vantage.suspect', phase: 'trigger', labels: { vantage: 'hkg' } });
  });

  // How soon (threshold probes, then one evaluation) is HealthEngine's unit test, on its own clock: here
  // a busy machine may delay any step, so this shows what is detected and in which order, not how fast.
  it('an IDC going down is UNHEALTHY after its failures, with one event each, and recovers', async () => {
    await fleet.set({ idc: 'bjs' }, 'refused');
    const [idcDown] = await waitFor('the bjs UNHEALTHY event', async () => {
      const rows = await events(`kind = 'idc' AND idc = 'bjs' AND after = 'UNHEALTHY'`);
      return rows.length ? rows : undefined;
    });
    expect(idcDown.details.firstFailureAt).toEqual(expect.any(Number));
    expect(idcDown.at.getTime()).toBeGreaterThan(idcDown.details.firstFailureAt as number);
    const endpointDown = await waitFor('every bjs endpoint UNHEALTHY', async () => {
      const rows = await events(`kind = 'endpoint' AND idc = 'bjs' AND after = 'UNHEALTHY'`);
      return rows.length === 4 ? rows : undefined;
    });
    expect(endpointDown.map((e) => e.endpoint).sort()).toEqual([
      'live.bjs-1',
      'live.bjs-2',
      'live.bjs-3',
      'live.bjs-4',
    ]);
    expect(endpointDown.every((e) => e.reason === 'down')).toBe(true);
    expect((await idcState('sha'))?.state).toBe('HEALTHY');

    await fleet.set({ idc: 'bjs' }, 'up');
    // The event, not the status: the status is published before the evaluation's events are recorded.
    const changes = await waitFor('bjs HEALTHY again', async () => {
      const rows = (await events(`kind = 'idc' AND idc = 'bjs'`)).map((e) => `${e.before}->${e.after}`);
      return rows.length > 1 && rows[rows.length - 1].endsWith('->HEALTHY') ? rows : undefined;
    });
    // Endpoints come back one by one, so the IDC may pass through DEGRADED on the way up.
    expect(changes[0]).toBe('UNKNOWN->HEALTHY');
    // Down the same way: through DEGRADED when its endpoints' probes (at their own phases) fail apart.
    expect(changes.filter((c) => c.endsWith('->UNHEALTHY'))).toEqual([
      expect.stringMatching(/^(HEALTHY|DEGRADED)->UNHEALTHY$/),
    ]);
    expect((await idcState('bjs'))?.state).toBe('HEALTHY');
  });

  it('an evaluation slower than the 1 s timer delays the next one: they never overlap', async () => {
    // A listener as slow as the rules engine on a starved machine: overlapping evaluations would hand
    // the listeners (the notifier among them) their events out of order.
    let running = 0;
    let most = 0;
    let done = 0;
    vigil.app.get(HealthService).onEvaluated(async () => {
      running++;
      most = Math.max(most, running);
      if (done < 3) await new Promise((r) => setTimeout(r, 2500)); // two 1 s ticks or more each
      running--;
      done++;
    });
    await waitFor('three slow evaluations', async () => (done >= 3 ? true : undefined), 60_000);
    expect(most).toBe(1);
  }, 90_000);
});
