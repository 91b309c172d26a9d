import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENV, type Env, type StoredConfig } from '@libs/config';
import { leadership, type HealthEvent, type Leadership } from '@libs/domain';
import {
  bullPrefix,
  createBullConnection,
  QUEUES,
  type ResultBatchJob,
  type StatusSnapshot,
} from '@libs/queue';
import { ConfigFollower, MetricsService, Readiness, REDIS, redisKey } from '@libs/runtime';
import { LeaderLease } from '../leader-lease';
import { withTimeout } from '../with-timeout';
import { HealthEngine } from './health-engine';
import { HealthMetrics } from './health-metrics';
import { HealthStore } from './health-store';

const EVALUATE_MS = 1000;
/** An evaluation still running after this long is stuck (a query that never returns): the next one starts anyway. */
const EVALUATION_STUCK_MS = 30_000;

/** What runs after each evaluation: the rules engine, the notifier. */
export type EvaluatedListener = (
  snapshot: StatusSnapshot,
  now: number,
  events: readonly HealthEvent[],
) => Promise<void>;
/** Endpoint details without a state change are republished at most this often. */
const DETAILS_MS = 5000;
const ROLLUPS_MS = 10_000;
const RETENTION_MS = 3_600_000;
/** A step-down waits at most this long for the results worker to close. */
const CLOSE_MS = 2000;

/**
 * The controller's health model. Partitioned ownership with one partition: only the leader (a Redis
 * lease with a fencing token) takes result batches and keeps the model in memory; it publishes the
 * status and every endpoint's state to Redis each second, which is also what the next leader starts
 * from after a failover or restart. Why not shared state in Redis per result: 20,000 results/s would
 * mean 20,000 Redis read-modify-writes per second; one owner keeps them in memory, and the rules
 * engine needs a single leader anyway.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HealthService.name);
  private readonly instanceId = randomUUID();
  readonly engine = new HealthEngine();
  private readonly store: HealthStore;
  private readonly metrics: HealthMetrics;
  private readonly lease: LeaderLease;
  private connection?: Redis;
  private worker?: Worker<ResultBatchJob>;
  private timers: NodeJS.Timeout[] = [];
  private config: { config: StoredConfig; version: number } | null = null;
  /** When the evaluation in progress (with its listeners) started: the next one waits for a later tick. */
  private evaluatingSince?: number;
  private readonly evaluated: EvaluatedListener[] = [];
  /** The weights in force per service, kept up to date by the executor; the status shows them. */
  currentWeights: ReadonlyMap<string, Record<string, number>> = new Map();

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectDataSource() db: DataSource,
    metrics: MetricsService,
    private readonly follower: ConfigFollower,
    readiness: Readiness,
  ) {
    const key = (name: string) => redisKey(env, name);
    this.store = new HealthStore(redis, db, key);
    this.metrics = new HealthMetrics(metrics.registry, () => this.leadership());
    this.lease = new LeaderLease({
      redis,
      key: key('leader:controller'),
      holder: this.instanceId,
      ttlMs: env.VIGIL_LEASE_TTL_MS,
      onChange: (token) => (token === null ? this.follow() : this.lead(token)),
      onError: (err) => this.logger.warn(err.message),
    });
    readiness.add('leader', () => {
      const { ready, ...detail } = this.leadership();
      return {
        up: ready,
        detail: ready
          ? detail
          : { ...detail, message: 'no controller has held the leader lease for too long' },
      };
    });
    follower.onConfig(async (config, version) => {
      this.config = { config, version };
      this.engine.setConfig(config, version, Date.now());
      if (this.lease.isLeader) await this.store.pruneDetails(new Set(this.endpointIds(config)));
    });
  }

  get isLeader(): boolean {
    return this.lease.isLeader;
  }

  get fencingToken(): number | null {
    return this.lease.fencingToken;
  }

  /** Who leads the controllers as this replica last saw the lease, and whether one is missing too long. */
  leadership(): Leadership {
    return leadership(this.lease.sighting, this.lease.isLeader, Date.now(), this.env.VIGIL_LEASE_TTL_MS);
  }

  /**
   * Redis writes of the leader's state, done only while it still holds the lease under fencing token
   * `token` (by default the current one; see LeaderLease).
   */
  setIfLeader(entries: Readonly<Record<string, string>>, token?: number): Promise<boolean> {
    return this.lease.setIfLeader(entries, token);
  }

  /** Whether this controller still holds the lease under `token`, asked of Redis (LeaderLease.holds). */
  holdsLease(token: number): Promise<boolean> {
    return this.lease.holds(token);
  }

  /** Runs after each evaluation on the leader, with the snapshot just published and the events of this evaluation. */
  onEvaluated(listener: EvaluatedListener): void {
    this.evaluated.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.lease.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lease.stop();
  }

  /**
   * Takes over: the state first, then the worker and timers, started only if this leadership still
   * holds once everything is loaded (a step-down may have run meanwhile, or a later take-over).
   */
  private async lead(token: number): Promise<void> {
    const current = () => this.lease.fencingToken === token;
    this.logger.log(`leading the controllers (fencing token ${token})`);
    await this.follower.refresh(); // the config first: state is restored per endpoint of it
    const status = await this.store.loadStatus();
    if (!current()) return;
    if (status) this.engine.restoreStatus(status);
    const details = await this.store.loadDetails();
    if (!current()) return;
    const restored = this.engine.restore(details);
    if (restored) this.logger.log(`took over the state of ${restored} endpoints`);
    // Live vantages are not read here: each evaluation reads them first, and the SCAN takes seconds
    // on a large keyspace, which would hold the take-over past its bound.
    if (this.worker) return;
    this.connection = createBullConnection(this.env, 'controller');
    this.worker = new Worker<ResultBatchJob>(QUEUES.results, async (job) => this.ingest(job.data), {
      connection: this.connection,
      prefix: bullPrefix(this.env),
      concurrency: 1, // the model is one in-memory state: batches in order, one at a time
    });
    this.worker.on('error', (err) => this.logger.warn(`results worker: ${err.message}`));
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`result batch ${job?.id} failed: ${err.message}`),
    );
    const every = (ms: number, task: () => Promise<void>) =>
      this.timers.push(
        setInterval(() => void task().catch((err: unknown) => this.logger.warn((err as Error).message)), ms),
      );
    every(EVALUATE_MS, () => this.evaluate());
    every(ROLLUPS_MS, () => this.store.writeRollups(this.engine.takeRollups(Date.now())));
    every(RETENTION_MS, () => this.retention());
  }

  /**
   * Steps down without waiting on Redis: everything is detached at once (a take-over may follow
   * before this ends). The worker is closed with force: a graceful close first waits for its
   * blocking connection to end, which never happens while that connection is reconnecting (it
   * stayed pending after Redis was back), and for the batch in progress, whose completion needs Redis
   * too. A batch cut short stalls and is taken again by the next leader. Then the connection is
   * dropped, not quit: QUIT waits for a reconnection.
   */
  private async follow(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const { worker, connection } = this;
    this.worker = undefined;
    this.connection = undefined;
    if (!worker) return;
    this.logger.log('no longer leading the controllers');
    await withTimeout(worker.close(true), CLOSE_MS, 'closing the results worker').catch((err: Error) =>
      this.logger.warn(err.message),
    );
    connection?.disconnect();
  }

  private ingest(batch: ResultBatchJob): number {
    const now = Date.now();
    const taken = this.engine.ingest(batch.results, now);
    const perVantage = new Map<string, number>();
    let newest = 0;
    for (const r of batch.results) {
      perVantage.set(r.vantage, (perVantage.get(r.vantage) ?? 0) + 1);
      newest = Math.max(newest, r.startedAt);
    }
    for (const [vantage, n] of perVantage) this.metrics.ingested.inc({ vantage }, n);
    if (newest) this.metrics.lag.set((now - newest) / 1000);
    return taken;
  }

  /**
   * One evaluation at a time. On a busy machine one can outlast the 1 s timer; overlapping ones would
   * record their events and hand them to the listeners out of order (a recovery seen before the
   * outage it ends: the notifier would resolve, then open the incident again). A skipped tick loses
   * nothing: the next evaluation looks at the whole model. One stuck for good must not stop health.
   */
  private async evaluate(): Promise<void> {
    if (!this.lease.isLeader || !this.config) return;
    const since = this.evaluatingSince;
    if (since !== undefined && Date.now() - since < EVALUATION_STUCK_MS) return;
    if (since !== undefined) this.logger.warn(`an evaluation has run since ${new Date(since).toISOString()}`);
    const started = Date.now();
    this.evaluatingSince = started;
    try {
      await this.evaluateOnce();
    } finally {
      if (this.evaluatingSince === started) this.evaluatingSince = undefined;
    }
  }

  private async evaluateOnce(): Promise<void> {
    await this.refreshVantages(); // a few keys: cheap, and a new prober counts at once
    const now = Date.now();
    const events = this.engine.evaluate(now);
    const snapshot = this.engine.snapshot(now, this.currentWeights);
    await this.store.publishStatus(
      snapshot,
      this.engine.serviceEndpoints(),
      this.engine.takeDirtyDetails(now, DETAILS_MS),
    );
    await this.store.recordEvents(events);
    this.metrics.observe(snapshot, events);
    for (const listener of this.evaluated) await listener(snapshot, now, events);
    for (const e of events.filter((e) => e.kind !== 'endpoint')) {
      this.logger.log(
        `${e.kind} ${e.service ?? ''}${e.idc ? `/${e.idc}` : ''}${e.vantage ?? ''}: ${e.before} -> ${e.after} (${e.reason})`,
      );
    }
  }

  /** Live vantages are those with a prober heartbeat (`<prefix>:probers:<vantage>:<id>`). */
  private async refreshVantages(): Promise<void> {
    const live = new Set<string>();
    const stream = this.redis.scanStream({ match: redisKey(this.env, 'probers', '*'), count: 200 });
    const prefixParts = redisKey(this.env, 'probers').split(':').length;
    for await (const keys of stream as AsyncIterable<string[]>)
      for (const k of keys) live.add(k.split(':')[prefixParts]);
    this.engine.setLiveVantages(live);
  }

  private async retention(): Promise<void> {
    const day = 86_400_000;
    const now = Date.now();
    const deleted = await this.store.applyRetention(
      new Date(now - this.env.VIGIL_ROLLUP_RETENTION_DAYS * day),
      new Date(now - this.env.VIGIL_EVENT_RETENTION_DAYS * day),
    );
    if (deleted) this.logger.log(`retention removed ${deleted} old rows`);
  }

  private endpointIds(config: StoredConfig): string[] {
    return config.services.flatMap((s) => s.endpoints.map((e) => `${s.name}.${e.name}`));
  }
}
