import Redis from 'ioredis';
import { fleetConfig, startFleet, type Fleet } from '@libs/fleet';
import { call } from './support/http';
import { poll, sample } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/** A short lease, so that a lease taken away is noticed within a second. */
const LEASE_TTL_MS = 3000;

/**
 * What a Prometheus user scrapes from a running Vigil (every role, one process, VIGIL_METRICS_PUBLIC
 * on): per-endpoint health as the controller decides it, series that follow the config, and gauges
 * of the health model that only the leader exports.
 */
describe('metrics of a running Vigil', () => {
  let fleet: Fleet;
  let vigil: VigilUnderTest;
  let config: Record<string, any>;

  /** /metrics, without any key. */
  const scrape = async () => {
    const res = await call(vigil.url, 'GET', '/metrics');
    expect(res.status).toBe(200);
    return res.text;
  };
  const up = (text: string, endpoint: string, idc: string) =>
    sample(text, `vigil_endpoint_up{service="web",idc="${idc}",endpoint="${endpoint}"}`);
  const until = (what: string, check: (text: string) => boolean) =>
    poll(async () => (check(await scrape()) ? true : undefined), 30_000, what);

  beforeAll(async () => {
    // Ports of this suite's fixed range (27940-27959): one per endpoint slot, on each IDC's address.
    fleet = await startFleet({ idcs: ['sha', 'bjs'], endpointsPerIdc: 2, basePort: 27940 });
    vigil = await startVigil({
      VIGIL_METRICS_PUBLIC: 'true',
      VIGIL_REVISION: 'abc123',
      VIGIL_LEASE_TTL_MS: String(LEASE_TTL_MS),
    });
    config = fleetConfig(fleet, {
      service: 'web',
      interval: '1s',
      timeout: '500ms',
      healthyThreshold: 1,
      unhealthyThreshold: 1,
    }) as Record<string, any>;
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: config });
    expect(applied.status).toBe(200);
  });
  afterAll(async () => {
    await vigil?.close();
    await fleet?.close();
  });

  it('serves /metrics without a key under VIGIL_METRICS_PUBLIC=true, naming its build', async () => {
    const text = await scrape();
    expect(text).toMatch(/^vigil_build_info\{version="[^"]+",revision="abc123",node_version="v[^"]+"\} 1$/m);
    // Only /metrics opens: the API still wants a key.
    expect((await call(vigil.url, 'GET', '/api/v1/status')).status).toBe(401);
  });

  it('exports each endpoint up or down as the controller decides, and drops those that left the config', async () => {
    await until('every endpoint up', (t) => fleet.endpoints.every((e) => up(t, e.id, e.idc) === 1));
    let text = await scrape();
    expect(sample(text, 'vigil_idc_score_ratio{service="web",idc="sha"}')).toBeLessThanOrEqual(1);
    expect(sample(text, 'vigil_idc_state{service="web",idc="sha",state="HEALTHY"}')).toBe(1);
    expect(sample(text, 'vigil_service_weight{service="web",idc="sha"}')).toBe(50);
    expect(sample(text, 'vigil_vantage_live{vantage="sha"}')).toBe(1);
    expect(sample(text, 'vigil_controller_leader')).toBe(1);

    await fleet.set({ endpoint: 'bjs-2' }, 'refused');
    await until('bjs-2 down', (t) => up(t, 'bjs-2', 'bjs') === 0);
    expect(up(await scrape(), 'bjs-1', 'bjs')).toBe(1);

    const smaller = structuredClone(config);
    smaller.services[0].endpoints = smaller.services[0].endpoints.filter(
      (e: { name: string }) => e.name !== 'bjs-2',
    );
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: smaller,
    });
    expect(applied.status).toBe(200);
    await until('bjs-2 gone', (t) => !t.includes('endpoint="bjs-2"'));
    text = await scrape();
    expect(up(text, 'bjs-1', 'bjs')).toBe(1);
  });

  it("clears the leader's gauges once its lease is taken away, and exports them again once it leads", async () => {
    await until('IDC states', (t) => /^vigil_idc_state\{/m.test(t));
    const redis = new Redis(vigil.env.REDIS_URL);
    const key = `${vigil.env.VIGIL_REDIS_PREFIX}:leader:controller`;
    try {
      // Another controller holds the lease now: this one fails to renew it and steps down.
      await redis.set(key, 'another-controller', 'PX', 60_000);
      await until('no leader-only series', (t) => sample(t, 'vigil_controller_leader') === 0);
      const text = await scrape();
      for (const name of [
        'vigil_idc_state',
        'vigil_idc_score_ratio',
        'vigil_idc_healthy_ratio',
        'vigil_endpoint_up',
        'vigil_endpoint_states',
        'vigil_service_weight',
        'vigil_vantage_live',
        'vigil_ingestion_lag_seconds',
        'vigil_freezes_active',
      ])
        expect(text).not.toMatch(new RegExp(`^${name}[{ ]`, 'm'));
      // Nor in any scrape over the next three evaluation periods (1 s each): an evaluation that was
      // in flight, or the follower's loop, must not bring them back.
      for (const end = Date.now() + 3000; Date.now() < end;) {
        const later = await scrape();
        expect(later).not.toMatch(/^vigil_(idc_state|endpoint_up)\{/m);
        expect(sample(later, 'vigil_controller_leader')).toBe(0);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
    await until(
      'IDC states again',
      (t) => /^vigil_idc_state\{/m.test(t) && /^vigil_freezes_active 0$/m.test(t),
    );
  });
});
