import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import type Redis from 'ioredis';
import type { Registry } from 'prom-client';
import type { StoredConfig } from '@libs/config';
import { QUEUES, type ProbeTickJob, type ResultBatchJob } from '@libs/queue';
import { closeKeepalivePools } from '@libs/probes';
import { buildProbeTable, type CompileProbe, type ProbeTable } from './probe-table';
import { ProberMetrics } from './prober-metrics';
import { ResultBatcher } from './result-batcher';
import { ResultStreaks } from './result-streaks';
import { Semaphore } from './semaphore';
import { runTick } from './tick-runner';
import { VantageLoop } from './vantage-loop';

export interface ProberEngineOptions {
  proberId: string;
  /** The vantages to probe from; `'*'` (all-in-one): every IDC of the config. */
  serve: readonly string[] | '*';
  connection: Redis;
  prefix: string;
  registry: Registry;
  compile: CompileProbe;
  /** Probes in flight at once, across vantages. */
  concurrency: number;
  shards?: number;
  tickMs?: number;
  /**
   * Redis has a replica a failover promotes (Sentinel): each result batch is confirmed with WAIT, as
   * replication is asynchronous and a master lost before replicating would lose the batch.
   */
  confirmReplicas?: boolean;
}

/** How long a batch waits for a replica's acknowledgement before it is added again. */
const CONFIRM_MS = 500;

/**
 * Whether what this connection wrote is on a replica, or there is no replica to promote (then no
 * failover can lose it, and waiting would only slow every batch down to the WAIT timeout).
 */
async function replicated(connection: Redis): Promise<boolean> {
  if ((await connection.wait(1, CONFIRM_MS)) >= 1) return true;
  const info = await connection.info('replication');
  return /^connected_slaves:0\r?$/m.test(info);
}

/**
 * The prober: follows the config, runs the probes due in each tick of the vantages it serves,
 * and sends the results to the controllers in batches.
 */
export class ProberEngine {
  private table: ProbeTable | null = null;
  private readonly loops = new Map<string, VantageLoop>();
  /** The results queue of each vantage a result was sent for. */
  private readonly results = new Map<string, Queue<ResultBatchJob>>();
  private readonly batcher: ResultBatcher;
  private readonly streaks = new ResultStreaks();
  private readonly metrics: ProberMetrics;
  private readonly semaphore: Semaphore;
  private readonly shards: number;
  private readonly tickMs: number;
  /** Probes still running after their tick let its slot go: a stop waits for them. */
  private readonly running = new Set<Promise<unknown>>();
  private paused = false;
  private started = false;

  constructor(private readonly opts: ProberEngineOptions) {
    this.shards = opts.shards ?? 16;
    this.tickMs = opts.tickMs ?? 1000;
    this.metrics = new ProberMetrics(opts.registry);
    this.semaphore = new Semaphore(opts.concurrency);
    this.batcher = new ResultBatcher({
      queue: (vantage) => this.resultsQueue(vantage),
      proberId: opts.proberId,
      configVersion: () => this.table?.version ?? 0,
      registry: opts.registry,
      maxBatch: 1000,
      flushMs: 1000,
      earlyFlushMs: 20,
      highWater: 20_000,
      maxBacklog: 200,
      onPressure: (paused) => this.setPaused(paused),
      ...(opts.confirmReplicas ? { confirm: () => replicated(opts.connection) } : {}),
    });
    this.queueDepthGauge(opts.registry);
  }

  /** The config version being probed, or null before the first config. */
  get version(): number | null {
    return this.table?.version ?? null;
  }

  get vantages(): string[] {
    return [...this.loops.keys()];
  }

  async start(): Promise<void> {
    this.started = true;
    this.batcher.start();
    await this.syncLoops();
  }

  /** Switches to a new config version: the next ticks use it; ticks already running finish on the old one. */
  async setConfig(config: StoredConfig, version: number): Promise<void> {
    if (this.table && this.table.version >= version) return;
    this.table = buildProbeTable(config, version, this.opts.serve, this.shards, this.opts.compile);
    this.streaks.retain(
      new Set(
        config.services.flatMap((s) =>
          s.checks.flatMap((c) => s.endpoints.map((e) => `${s.name}/${c.name}|${s.name}.${e.name}`)),
        ),
      ),
    );
    this.metrics.tasks.reset();
    for (const vantage of this.table.vantages) {
      let count = 0;
      for (let s = 0; s < this.shards; s++) count += this.table.shard(vantage, s).length;
      this.metrics.tasks.set({ vantage }, count);
    }
    if (this.started) await this.syncLoops();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
    this.loops.clear();
    await Promise.all(this.running);
    await this.batcher.stop();
    await Promise.all([...this.results.values()].map((queue) => queue.close()));
    this.results.clear();
    await closeKeepalivePools();
  }

  private resultsQueue(vantage: string): Queue<ResultBatchJob> {
    let queue = this.results.get(vantage);
    if (!queue) {
      queue = new Queue(QUEUES.results(vantage), {
        connection: this.opts.connection,
        prefix: this.opts.prefix,
        defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 100 } },
      });
      this.results.set(vantage, queue);
    }
    return queue;
  }

  /** `vigil_queue_jobs{queue,state}`: read from Redis when scraped, so it costs nothing between scrapes. */
  private queueDepthGauge(registry: Registry): void {
    const { results, loops } = this;
    new Gauge({
      name: 'vigil_queue_jobs',
      help: 'Jobs in the probe tick and results queues of the vantages of this prober, by state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        const queues: Array<[string, Promise<Record<string, number>>]> = [
          ...[...results].map(([v, queue]): [string, Promise<Record<string, number>>] => [
            QUEUES.results(v),
            queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
          ]),
          ...[...loops].map(([v, loop]): [string, Promise<Record<string, number>>] => [
            QUEUES.probes(v),
            loop.jobCounts(),
          ]),
        ];
        for (const [queue, counts] of queues) {
          for (const [state, n] of Object.entries(await counts)) this.set({ queue, state }, n);
        }
      },
    });
  }

  /** Starts a loop for every vantage of the table and stops those no longer in it. */
  private async syncLoops(): Promise<void> {
    const wanted = new Set(this.table?.vantages ?? []);
    for (const [vantage, loop] of this.loops) {
      if (!wanted.has(vantage)) {
        this.loops.delete(vantage);
        await loop.stop();
      }
    }
    for (const vantage of wanted) {
      if (this.loops.has(vantage)) continue;
      const loop = new VantageLoop({
        vantage,
        proberId: this.opts.proberId,
        connection: this.opts.connection,
        prefix: this.opts.prefix,
        shards: this.shards,
        tickMs: this.tickMs,
        aheadMs: 2 * this.tickMs,
        leadMs: 200,
        // Two ticks (2 x shards jobs) are held around each tick's start; room for twice that, so a
        // lone replica never waits for a slot (at exactly 2 x shards it fell behind, measured).
        tickConcurrency: 4 * this.shards,
        lockMs: 5000,
        run: (job: ProbeTickJob) =>
          runTick(job, {
            table: () => this.table,
            semaphore: this.semaphore,
            metrics: this.metrics,
            emit: (result, task) => {
              this.batcher.add(result, this.streaks.observe(result, task));
              this.metrics.buffered.set(this.batcher.size);
            },
            staleAfterMs: 2 * this.tickMs,
            track: (probes) => {
              const done = probes.finally(() => this.running.delete(done));
              this.running.add(done);
            },
          }),
      });
      this.loops.set(vantage, loop);
      await loop.start();
      if (this.paused) loop.pause();
    }
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    for (const loop of this.loops.values()) {
      if (paused) loop.pause();
      else loop.resume();
    }
  }
}
