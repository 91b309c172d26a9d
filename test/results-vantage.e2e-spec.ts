/**
 * One results queue per vantage: the controller leader applies a result taken off `results.<v>` only
 * if it is of vantage `<v>`. A prober's ACL user can add to its own vantage's queue only, so results
 * claiming another vantage there are forged: dropped and counted, never applied.
 *
 * Vigil (api + controller, no prober: only the test's results arrive) on the shared Redis; the test
 * plays the probers of sha and bjs (heartbeats and batches), and the endpoints are never probed.
 */
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { bullPrefix, JOBS, QUEUES, type ProbeResult, type ResultBatchJob } from '@libs/queue';
import { call } from './support/http';
import { poll, sample } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

interface EndpointHealth {
  downFrom: string[];
  lastResults: Array<{ vantage: string; at: number; ok: boolean }>;
}

describe('results queues per vantage (real controller, real Redis)', () => {
  let vigil: VigilUnderTest;
  let redis: Redis;
  const queues = new Map<string, Queue<ResultBatchJob>>();

  const queue = (vantage: string) => {
    if (!queues.has(vantage))
      queues.set(
        vantage,
        new Queue(QUEUES.results(vantage), { connection: redis, prefix: bullPrefix(vigil.env) }),
      );
    return queues.get(vantage)!;
  };
  const result = (vantage: string, at: number, ok: boolean): ProbeResult => ({
    check: 'live/http',
    endpoint: 'live.sha-1',
    vantage,
    type: 'http',
    scheduledAt: at,
    startedAt: at,
    latencyMs: 2,
    ok,
    ...(ok ? {} : { errorKind: 'refused' as const }),
  });
  const health = async () =>
    (
      await call<EndpointHealth>(vigil.url, 'GET', '/api/v1/endpoints/live.sha-1/health', {
        token: vigil.adminToken,
      })
    ).body;
  const rejected = async (queueName: string) =>
    sample(
      (await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken })).text,
      `vigil_results_rejected_total{queue="${queueName}"}`,
    ) ?? 0;
  /** Waits until the endpoint's newest results hold the one of `vantage` at `at`: its batch was taken. */
  const applied = (vantage: string, at: number) =>
    poll(
      async () => {
        const h = await health();
        return h.lastResults?.some((r) => r.vantage === vantage && r.at === at) ? h : undefined;
      },
      30_000,
      `the ${vantage} result at ${at} applied`,
    );

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api,controller' });
    redis = new Redis(vigil.env.REDIS_URL, { maxRetriesPerRequest: null });
    const doc = {
      apiVersion: 'vigil/v1',
      idcs: [
        { name: 'sha', capacity: 1 },
        { name: 'bjs', capacity: 1 },
      ],
      services: [
        {
          name: 'live',
          endpoints: [
            { idc: 'sha', name: 'sha-1', url: 'http://127.0.0.1:9/healthz' },
            { idc: 'bjs', name: 'bjs-1', url: 'http://127.0.0.1:9/healthz' },
          ],
          checks: [{ name: 'http', type: 'http', interval: '5s', timeout: '2s' }],
        },
      ],
    };
    const res = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
    expect(res.status).toBe(200);
    for (const v of ['sha', 'bjs'])
      await redis.set(`${vigil.env.VIGIL_REDIS_PREFIX}:probers:${v}:test`, 'x', 'PX', 300_000);
  }, 60_000);

  afterAll(async () => {
    for (const q of queues.values()) await q.close();
    await redis.quit();
    await vigil.close();
  });

  it("applies each vantage's results taken off its own queue", async () => {
    const at = Date.now();
    await queue('sha').add(JOBS.resultBatch, {
      batch: 'sha-prober.1',
      prober: 'sha-prober',
      configVersion: 1,
      results: [result('sha', at, true)],
    });
    await queue('bjs').add(JOBS.resultBatch, {
      batch: 'bjs-prober.1',
      prober: 'bjs-prober',
      configVersion: 1,
      results: [result('bjs', at, true)],
    });
    await applied('sha', at);
    await applied('bjs', at);
    expect(await rejected(QUEUES.results('sha'))).toBe(0);
  });

  it('drops and counts the results in results.sha that claim bjs: the endpoint as bjs sees it does not change', async () => {
    const before = await health();
    const at = Date.now() + 1000;
    // The sha prober's ACL user forges bjs failures (enough to pass any threshold) in its own queue,
    // with one result of its own, which stays valid.
    const forged = Array.from({ length: 5 }, (_, i) => result('bjs', at + i, false));
    await queue('sha').add(JOBS.resultBatch, {
      batch: 'sha-prober.2',
      prober: 'sha-prober',
      configVersion: 1,
      results: [...forged, result('sha', at, true)],
    });
    const after = await applied('sha', at); // the batch was taken
    expect(after.lastResults.filter((r) => r.vantage === 'bjs' && !r.ok)).toEqual([]);
    expect(after.downFrom).not.toContain('bjs');
    expect(after.downFrom).toEqual(before.downFrom);
    expect(await rejected(QUEUES.results('sha'))).toBe(5);
    expect(await rejected(QUEUES.results('bjs'))).toBe(0);
  });
});
