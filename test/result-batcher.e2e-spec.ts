import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { ResultBatcher } from '@apps/prober';
import { loadEnv } from '@libs/config';
import { QUEUES, type ProbeResult, type ResultBatchJob } from '@libs/queue';
import { ResultCollector } from './support/result-collector';

const env = loadEnv();
const result = (i: number, vantage = 'sha'): ProbeResult => ({
  check: 'live/healthz',
  endpoint: `live.ep-${i}`,
  vantage,
  type: 'http',
  scheduledAt: i,
  startedAt: i,
  latencyMs: 1,
  ok: true,
});

describe('result batches and back-pressure (real Redis)', () => {
  let prefix: string;
  let connection: Redis;
  let queue: Queue<ResultBatchJob>;
  /** The results queue of each vantage the batcher sent to (`queue` is sha's). */
  let queues: Map<string, Queue<ResultBatchJob>>;
  const queueOf = (vantage: string) => {
    if (!queues.has(vantage))
      queues.set(
        vantage,
        new Queue(QUEUES.results(vantage), {
          connection,
          prefix,
          defaultJobOptions: { removeOnComplete: true },
        }),
      );
    return queues.get(vantage)!;
  };
  const pressure: boolean[] = [];
  let batcher: ResultBatcher;
  let registry: Registry;

  beforeEach(() => {
    prefix = `vigil-e2e-${randomBytes(4).toString('hex')}:bull`;
    connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    queues = new Map();
    queue = queueOf('sha');
    pressure.length = 0;
    registry = new Registry();
    batcher = new ResultBatcher({
      queue: queueOf,
      proberId: 'p1',
      configVersion: () => 7,
      registry,
      maxBatch: 100,
      flushMs: 60_000, // flushes are driven by the test (and by full batches)
      earlyFlushMs: 50,
      highWater: 500,
      maxBacklog: 3,
      onPressure: (paused) => pressure.push(paused),
    });
  });

  afterEach(async () => {
    for (const q of queues.values()) {
      await q.obliterate({ force: true });
      await q.close();
    }
    await connection.quit();
  });

  it('sends full batches of at most maxBatch results, with the prober and config version', async () => {
    for (let i = 0; i < 250; i++) batcher.add(result(i));
    await batcher.flush();
    const jobs = await queue.getWaiting();
    expect(jobs.map((j) => j.data.results.length).sort()).toEqual([100, 100, 50]);
    expect(jobs[0].data).toMatchObject({ prober: 'p1', configVersion: 7 });
    expect(batcher.size).toBe(0);
  });

  it("sends each vantage's results to its own queue, oldest first, under one sequence of batch ids", async () => {
    // An all-in-one prober: its results of sha and bjs interleave in the buffer.
    for (let i = 0; i < 250; i++) batcher.add(result(i, i % 5 === 0 ? 'bjs' : 'sha'));
    await batcher.flush();
    const sha = await queueOf('sha').getWaiting();
    const bjs = await queueOf('bjs').getWaiting();
    expect(sha.every((j) => j.data.results.every((r) => r.vantage === 'sha'))).toBe(true);
    expect(bjs.every((j) => j.data.results.every((r) => r.vantage === 'bjs'))).toBe(true);
    expect(sha.map((j) => j.data.results.length).sort()).toEqual([100, 100]);
    expect(bjs.map((j) => j.data.results.length)).toEqual([50]);
    const seq = (id?: string) => Number(id!.split('.')[1]);
    const shaOrder = sha
      .sort((a, b) => seq(a.id) - seq(b.id))
      .flatMap((j) => j.data.results.map((r) => r.scheduledAt));
    expect(shaOrder).toEqual([...shaOrder].sort((a, b) => a - b));
    const ids = [...sha, ...bjs].map((j) => j.id).sort();
    expect(ids).toEqual(['p1.1', 'p1.2', 'p1.3']);
    expect(batcher.size).toBe(0);
  });

  it('holds batches while the controllers lag, pauses the prober, and resumes once they catch up', async () => {
    for (let i = 0; i < 600; i++) batcher.add(result(i));
    await batcher.flush();
    expect(await queue.getWaitingCount()).toBe(3); // maxBacklog: the rest waits here
    expect(batcher.size).toBe(300);
    expect(pressure).toEqual([true]); // 500 buffered at one point: stop taking ticks

    const collector = new ResultCollector(env.REDIS_URL, prefix, ['sha']);
    try {
      while (batcher.size > 0) {
        await collector.until((rs) => rs.length >= 600 - batcher.size, 10_000, 'the controller to drain');
        await batcher.flush();
      }
      await collector.until((rs) => rs.length === 600, 10_000, 'every result');
      expect(new Set(collector.results.map((r) => r.endpoint)).size).toBe(600);
      expect(pressure).toEqual([true, false]);
    } finally {
      await collector.close();
    }
  });

  it('sends a batch holding a result that may change a track without waiting for the batch timer', async () => {
    const collector = new ResultCollector(env.REDIS_URL, prefix, ['sha']);
    try {
      for (let i = 0; i < 5; i++) batcher.add(result(i)); // steady state: these wait for the timer...
      for (let i = 5; i < 8; i++) batcher.add({ ...result(i), ok: false }, true); // ...until a change comes
      // flushMs is 60 s: only the early flush can send them, and one timer for the three of them.
      await collector.until((rs) => rs.length === 8, 10_000, 'the early batch');
      expect(collector.batches).toBe(1);
      const early = await registry.getSingleMetric('vigil_probe_results_flushed_early_total')!.get();
      expect(early.values[0].value).toBe(1);
    } finally {
      await collector.close();
    }
  });

  it('drops the oldest results past twice the high-water mark, so memory stays bounded', async () => {
    await queue.pause(); // nothing can be sent...
    for (let i = 0; i < 3 + 1200; i++) batcher.add(result(i)); // ...and the backlog fills at once
    expect(batcher.size).toBeLessThanOrEqual(1000);
    const dropped = await registry.getSingleMetric('vigil_probe_results_dropped_total')!.get();
    expect(dropped.values[0].value).toBeGreaterThan(0);
  });

  it('adds a batch no replica confirmed again under the same id, and gives up after three tries', async () => {
    const answers = [false, false, true, false, false, false];
    const counted = new Registry();
    const confirmed = new ResultBatcher({
      queue: queueOf,
      proberId: 'p2',
      configVersion: () => 7,
      registry: counted,
      maxBatch: 100,
      flushMs: 60_000,
      earlyFlushMs: 20,
      highWater: 500,
      maxBacklog: 10,
      onPressure: () => undefined,
      confirm: async () => answers.shift()!,
    });
    for (let i = 0; i < 10; i++) confirmed.add(result(i));
    await confirmed.flush(); // added, not confirmed
    await confirmed.flush(); // added again: the same job id, so still one job
    expect((await queue.getWaiting()).map((j) => [j.id, j.data.batch])).toEqual([['p2.1', 'p2.1']]);
    await confirmed.flush(); // confirmed
    confirmed.add(result(10));
    await confirmed.flush();
    await confirmed.flush();
    await confirmed.flush(); // third try unconfirmed: left to Redis, counted
    const jobs = await queue.getWaiting();
    expect(jobs.map((j) => j.id).sort()).toEqual(['p2.1', 'p2.2']);
    expect(jobs.find((j) => j.id === 'p2.2')!.data.results).toHaveLength(1);
    expect(answers).toEqual([]);
    const unconfirmed = await counted.getSingleMetric('vigil_probe_result_batches_unconfirmed_total')!.get();
    expect(unconfirmed.values[0].value).toBe(1);
    const sent = await counted.getSingleMetric('vigil_probe_results_sent_total')!.get();
    expect(sent.values[0].value).toBe(11); // each result counted once, however often its batch went
  });
});
