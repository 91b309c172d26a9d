import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { configVantages, ENV, type Env, type StoredConfig } from '@libs/config';
import type { EndpointStatus, HealthEvent } from '@libs/domain';
import { scanKeys, type ResultBatchJob, type StatusSnapshot } from '@libs/queue';
import {
  ConfigFollower,
  MetricsService,
  REDIS,
  redisKey,
  TraceCauses,
  TraceMemory,
  tracer,
} from '@libs/runtime';
import { ControllerLease } from '../controller-lease';
import { every } from '../timers';
import { TrafficWeights } from '../traffic-weights';
import { BatchLedger } from './batch-ledger';
import { HealthEngine } from './health-engine';
import { HealthMetrics } from './health-metrics';
import { HealthStore } from './health-store';
import { ResultsWorker } from './results-worker';

const EVALUATE_MS = 1000;
/** An evaluation's state changes get a span each up to this many (IDC changes first). */
const MAX_DECISION_SPANS = 32;
/**
 * `full`: the 1 s tick, every endpoint and (service, IDC), staleness and suspect vantages.
 * `changed`: only the (service, IDC)s where a result batch just changed a track, at once.
 */
type EvaluationKind = 'full' | 'changed';
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

/**
 * The controller's health model. Partitioned ownership with one partition: only the leader (a Redis
 * lease with a fencing token) takes result batches and keeps the model in memory; it publishes the
 * status and every endpoint's state to Redis each second, which is also what the next leader starts
 * from after a failover or restart. Why not shared state in Redis per result: 20,000 results/s would
 * mean 20,000 Redis read-modify-writes per second; one owner keeps them in memory, and the rules
 * engine needs a single leader anyway.
 */
@Injectable()
export class HealthService implements OnModuleInit {
  private readonly logger = new Logger(HealthService.name);
  readonly engine = new HealthEngine();
  private readonly metrics: HealthMetrics;
  private timers: NodeJS.Timeout[] = [];
  private config: { config: StoredConfig; version: number } | null = null;
  /** The evaluation in progress (with its listeners): what it is and when it started. */
  private evaluating?: { kind: EvaluationKind; since: number };
  /** What to run once it ends: a track change seen meanwhile, or a tick that came behind a targeted one. */
  private pending?: EvaluationKind;
  private readonly evaluated: EvaluatedListener[] = [];
  private endpoints: ReadonlyMap<string, readonly EndpointStatus[]> = new Map();
  private readonly applied = new BatchLedger();
  /** Vantages with a prober heartbeat, as of the last evaluation. */
  private live: ReadonlySet<string> = new Set();
  /** Traced result batches that changed a track since the last evaluation: what it follows from. */
  private readonly causes = new TraceCauses();
  /** The span of each (service, IDC)'s last state change (`<service>|<idc>`), for the rules acting on it. */
  private readonly decisions = new TraceMemory();

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly store: HealthStore,
    metrics: MetricsService,
    private readonly follower: ConfigFollower,
    private readonly lease: ControllerLease,
    private readonly weights: TrafficWeights,
    private readonly results: ResultsWorker,
  ) {
    this.metrics = new HealthMetrics(metrics.registry, () => lease.leadership());
  }

  /** Follows the config, and leads (takes the results, evaluates) while this controller has the lease. */
  onModuleInit(): void {
    this.follower.onConfig(async (config, version) => {
      this.config = { config, version };
      this.engine.setConfig(config, version, Date.now());
      this.results.sync(this.resultVantages()); // a no-op unless leading
      if (this.lease.isLeader) await this.store.pruneDetails(new Set(this.endpointIds(config)));
    });
    this.lease.on('acquired', (token) => this.lead(token));
    this.lease.on('lost', () => this.follow());
  }

  /** Each service's endpoint statuses as of the last evaluation (what endpoint rules see). */
  endpointStatuses(): ReadonlyMap<string, readonly EndpointStatus[]> {
    return this.endpoints;
  }

  /**
   * The `traceparent` of the span that decided the current state of `service`'s `idc` (tracing on and
   * decided by this leader), for a rule acting on it now or later (a rule's `for:`).
   */
  decisionTrace(service: string, idc: string): string | undefined {
    return this.decisions.get(`${service}|${idc}`);
  }

  /** Runs after each evaluation on the leader, with the snapshot just published and the events of this evaluation. */
  onEvaluated(listener: EvaluatedListener): void {
    this.evaluated.push(listener);
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
    if (this.results.running) return;
    this.results.start((batch) => this.ingest(batch), this.resultVantages());
    const warn = (message: string) => this.logger.warn(message);
    every(this.timers, EVALUATE_MS, () => this.evaluate('full'), warn);
    every(this.timers, ROLLUPS_MS, () => this.store.writeRollups(this.engine.takeRollups(Date.now())), warn);
    every(this.timers, RETENTION_MS, () => this.retention(), warn);
  }

  /**
   * Steps down without waiting on Redis: everything is detached at once (a take-over may follow
   * before this ends); ResultsWorker.stop says how the worker goes.
   */
  private async follow(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.metrics.clear();
    if (!this.results.running) return;
    this.logger.log('no longer leading the controllers');
    await this.results.stop();
  }

  private ingest(batch: ResultBatchJob): number {
    if (!this.applied.first(batch.batch)) {
      this.metrics.repeated.inc();
      return 0;
    }
    const now = Date.now();
    const taken = this.engine.ingest(batch.results, now);
    const perVantage = new Map<string, number>();
    let newest = 0;
    for (const r of batch.results) {
      perVantage.set(r.vantage, (perVantage.get(r.vantage) ?? 0) + 1);
      newest = Math.max(newest, r.startedAt);
    }
    for (const [vantage, n] of perVantage) this.metrics.ingested.inc({ vantage }, n);
    if (newest && this.lease.isLeader) this.metrics.lag.set((now - newest) / 1000);
    // A track moved: its (service, IDC) is evaluated now, not at the next tick (up to 1 s later).
    if (this.engine.hasChanges) {
      this.causes.add(tracer().active()); // the batch's span, when it was traced
      this.evaluateSoon('changed');
    }
    return taken;
  }

  /**
   * One evaluation at a time. On a busy machine one can outlast the 1 s timer; overlapping ones would
   * record their events and hand them to the listeners out of order (a recovery seen before the
   * outage it ends: the notifier would resolve, then open the incident again). A tick that finds a
   * full evaluation running is skipped: it loses nothing, the next one looks at the whole model. Any
   * other request (a track change, a tick behind a targeted evaluation) runs right after the one in
   * progress, at most one waiting. One stuck for good must not stop health.
   */
  private async evaluate(kind: EvaluationKind): Promise<void> {
    if (!this.lease.isLeader || !this.config) return;
    const current = this.evaluating;
    if (current && Date.now() - current.since < EVALUATION_STUCK_MS) {
      if (kind === 'full' && current.kind === 'full') return;
      this.pending = kind === 'full' || this.pending === 'full' ? 'full' : 'changed';
      return;
    }
    if (current) this.logger.warn(`an evaluation has run since ${new Date(current.since).toISOString()}`);
    const running = { kind, since: Date.now() };
    this.evaluating = running;
    try {
      await this.evaluateOnce(kind);
    } finally {
      if (this.evaluating === running) {
        this.evaluating = undefined;
        const next = this.pending;
        this.pending = undefined;
        if (next) this.evaluateSoon(next);
      }
    }
  }

  /** Starts an evaluation outside the timer (its errors are logged, as the timer's are). */
  private evaluateSoon(kind: EvaluationKind): void {
    this.evaluate(kind).catch((err: unknown) =>
      this.logger.warn(`evaluation failed: ${(err as Error).message}`),
    );
  }

  private async evaluateOnce(kind: EvaluationKind): Promise<void> {
    let events: HealthEvent[];
    let now: number;
    if (kind === 'full') {
      await this.refreshVantages(); // a few keys: cheap, and a new prober counts at once
      now = Date.now();
      events = this.engine.evaluate(now);
    } else {
      now = Date.now();
      events = this.engine.evaluate(now, this.engine.takeChanged());
      // No state changed: nothing to announce, and the next tick publishes the rest.
      if (events.length === 0) return;
    }
    this.metrics.evaluations.inc({ kind });
    // Only an evaluation that changed a state is traced: the 1 s ticks of a steady model are not. A
    // track change that decided nothing yet (a quorum, damping) stays a cause of the decision to come.
    if (events.length === 0) return this.publish(now, events);
    const causes = this.causes.take();
    const attributes = { 'vigil.evaluation': kind, 'vigil.health.events': events.length };
    await tracer().inSpan(
      'vigil.health.evaluate',
      { parent: causes.parent ?? null, links: causes.links, attributes },
      async () => {
        this.traceDecisions(events);
        await this.publish(now, events);
      },
    );
  }

  /**
   * One span per state change (at most MAX_DECISION_SPANS; the evaluation's span counts them all), and
   * the latest of each (service, IDC) remembered for the rules that act on it.
   */
  private traceDecisions(events: readonly HealthEvent[]): void {
    if (!tracer().enabled) return;
    const traced = [...events.filter((e) => e.kind === 'idc'), ...events.filter((e) => e.kind !== 'idc')];
    for (const e of traced.slice(0, MAX_DECISION_SPANS)) {
      const span = tracer().start('vigil.health.decision', {
        attributes: {
          'vigil.event.kind': e.kind,
          'vigil.service': e.service,
          'vigil.idc': e.idc,
          'vigil.endpoint': e.endpoint,
          'vigil.vantage': e.vantage,
          'vigil.state.before': e.before,
          'vigil.state.after': e.after,
          'vigil.reason': e.reason,
        },
      });
      span.end();
      if (e.kind === 'idc' && e.service && e.idc)
        this.decisions.set(`${e.service}|${e.idc}`, span.traceparent);
    }
  }

  /** Publishes the evaluation's snapshot and events, and hands them to the listeners (rules, notifier). */
  private async publish(now: number, events: HealthEvent[]): Promise<void> {
    const snapshot = this.engine.snapshot(now, this.weights.get());
    this.endpoints = this.engine.serviceEndpoints();
    await this.store.publishStatus(snapshot, this.endpoints, this.engine.takeDirtyDetails(now, DETAILS_MS));
    await this.store.recordEvents(events);
    this.metrics.count(events);
    // A step-down during this evaluation cleared the gauges: a follower shows none.
    if (this.lease.isLeader)
      this.metrics.observe({ snapshot, endpoints: this.endpoints, vantages: this.resultVantages() });
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
    const prefixParts = redisKey(this.env, 'probers').split(':').length;
    for await (const k of scanKeys(this.redis, redisKey(this.env, 'probers', '*')))
      live.add(k.split(':')[prefixParts]);
    this.engine.setLiveVantages(live);
    this.live = live;
    this.results.sync(this.resultVantages());
  }

  /**
   * The vantages whose results queue the leader consumes: those the config probes from, and any with
   * a live prober (its ACL user may write that vantage's heartbeat only), whose results the model
   * takes as it always did.
   */
  private resultVantages(): string[] {
    return [...new Set([...(this.config ? configVantages(this.config.config) : []), ...this.live])];
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
