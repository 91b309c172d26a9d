import { Inject, Injectable, Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import type Redis from 'ioredis';
import { Counter } from 'prom-client';
import { ENV, type Env } from '@libs/config';
import { bullPrefix, createBullConnection, QUEUES, type ResultBatchJob } from '@libs/queue';
import { MetricsService, tracer } from '@libs/runtime';
import { withTimeout } from '../timers';
import { acceptedResults } from './accepted-results';

/** A step-down waits at most this long for the results workers to close. */
const CLOSE_MS = 2000;
/** A queue's forged results are logged at most once per this long (they are counted every time). */
const REJECT_LOG_MS = 60_000;

type Handle = (batch: ResultBatchJob) => number;

/**
 * The leader's consumer of the results queues, one BullMQ Worker per vantage (`results.<vantage>`),
 * on a connection of their own: started on a take-over, kept in step with the config's vantages,
 * stopped on a step-down. A provider, so the health model's unit tests can replace it.
 */
@Injectable()
export class ResultsWorker {
  private readonly logger = new Logger(ResultsWorker.name);
  private connection?: Redis;
  private handle?: Handle;
  private readonly workers = new Map<string, Worker<ResultBatchJob>>();
  private readonly rejected: Counter<'queue'>;
  /** Per queue: when its forged results were last logged, and how many came since. */
  private readonly rejectLog = new Map<string, { at: number; since: number }>();

  constructor(
    @Inject(ENV) private readonly env: Env,
    metrics: MetricsService,
  ) {
    this.rejected = new Counter({
      name: 'vigil_results_rejected_total',
      help: 'Results dropped because they claim another vantage than the results queue they came in',
      labelNames: ['queue'],
      registers: [metrics.registry],
    });
  }

  get running(): boolean {
    return this.handle !== undefined;
  }

  /** The vantages whose queue is consumed. */
  get vantages(): string[] {
    return [...this.workers.keys()];
  }

  /** Starts taking result batches of `vantages`; each queue one batch at a time, in order. */
  start(handle: Handle, vantages: Iterable<string>): void {
    if (this.handle) return;
    this.handle = handle;
    this.connection = createBullConnection(this.env, 'controller');
    this.sync(vantages);
  }

  /**
   * Consumes the queues of `vantages` and no others (the config changed). A queue no longer consumed
   * keeps its batches in Redis for a config that names the vantage again.
   */
  sync(vantages: Iterable<string>): void {
    if (!this.handle || !this.connection) return;
    const wanted = new Set(vantages);
    for (const [vantage, worker] of this.workers) {
      if (wanted.has(vantage)) continue;
      this.workers.delete(vantage);
      void this.close(worker, vantage);
    }
    for (const vantage of wanted)
      if (!this.workers.has(vantage)) this.consume(vantage, this.handle, this.connection);
  }

  /**
   * Stops without waiting on Redis: detached at once (a take-over may follow before this ends). The
   * workers are closed with force: a graceful close first waits for its blocking connection to end,
   * which never happens while that connection is reconnecting (it stayed pending after Redis was
   * back), and for the batch in progress, whose completion needs Redis too. A batch cut short stalls
   * and is taken again by the next leader. Then the connection is dropped, not quit: QUIT waits for a
   * reconnection.
   */
  async stop(): Promise<void> {
    const { connection } = this;
    const workers = [...this.workers];
    this.workers.clear();
    this.handle = undefined;
    this.connection = undefined;
    await Promise.all(workers.map(([vantage, worker]) => this.close(worker, vantage)));
    connection?.disconnect();
  }

  private consume(vantage: string, handle: Handle, connection: Redis): void {
    const queue = QUEUES.results(vantage);
    // Workers share the connection for commands; each opens its own blocking one.
    const worker = new Worker<ResultBatchJob>(
      queue,
      async (job) => {
        const { accepted, rejected } = acceptedResults(vantage, job.data.results);
        if (rejected > 0) this.reject(queue, job.data, rejected);
        const batch = rejected > 0 ? { ...job.data, results: accepted } : job.data;
        // Only a batch the prober traced (it may change a track) gets a span: steady batches cost none.
        if (!job.data.trace) return handle(batch);
        const attributes = {
          'vigil.vantage': vantage,
          'vigil.prober': job.data.prober,
          'vigil.batch.id': job.data.batch,
          'vigil.batch.results': accepted.length,
          'vigil.batch.rejected': rejected,
        };
        return tracer().inSpan(
          'vigil.results.ingest',
          { parent: job.data.trace, kind: 'consumer', attributes },
          (span) => {
            const taken = handle(batch);
            span.setAttributes({ 'vigil.batch.taken': taken });
            return taken;
          },
        );
      },
      { connection, prefix: bullPrefix(this.env), concurrency: 1 },
    );
    worker.on('error', (err) => this.logger.warn(`${queue} worker: ${err.message}`));
    worker.on('failed', (job, err) => this.logger.warn(`result batch ${job?.id} failed: ${err.message}`));
    this.workers.set(vantage, worker);
  }

  private reject(queue: string, batch: ResultBatchJob, n: number): void {
    this.rejected.inc({ queue }, n);
    const now = Date.now();
    const log = this.rejectLog.get(queue) ?? { at: 0, since: 0 };
    log.since += n;
    if (now - log.at >= REJECT_LOG_MS) {
      this.logger.warn(
        `${queue}: dropped ${log.since} results of another vantage (last from prober ${batch.prober}, batch ${batch.batch ?? '-'})`,
      );
      log.at = now;
      log.since = 0;
    }
    this.rejectLog.set(queue, log);
  }

  private async close(worker: Worker<ResultBatchJob>, vantage: string): Promise<void> {
    await withTimeout(worker.close(true), CLOSE_MS, `closing the ${QUEUES.results(vantage)} worker`).catch(
      (err: Error) => this.logger.warn(err.message),
    );
  }
}
