import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import type Redis from 'ioredis';
import { Counter, Histogram } from 'prom-client';
import { ENV, type Env } from '@libs/config';
import { bullPrefix, createBullConnection, QUEUES, type ResultBatchJob } from '@libs/queue';
import { MetricsService } from '@libs/runtime';

/**
 * Takes the probers' result batches off the `results` queue. Today it counts them (and how old they
 * are on arrival); the health model that scores them is the next piece of work.
 */
@Injectable()
export class ResultsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ResultsConsumer.name);
  private connection?: Redis;
  private worker?: Worker<ResultBatchJob>;
  private readonly received: Counter<'vantage'>;
  private readonly batches: Counter;
  private readonly lag: Histogram;

  constructor(
    @Inject(ENV) private readonly env: Env,
    metrics: MetricsService,
  ) {
    const registers = [metrics.registry];
    this.received = new Counter({
      name: 'vigil_results_received_total',
      help: 'Probe results the controller received, by vantage',
      labelNames: ['vantage'],
      registers,
    });
    this.batches = new Counter({
      name: 'vigil_result_batches_total',
      help: 'Result batches the controller received',
      registers,
    });
    this.lag = new Histogram({
      name: 'vigil_results_ingestion_lag_seconds',
      help: 'Age of a batch oldest result when the controller takes it',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.connection = createBullConnection(this.env, 'controller');
    this.worker = new Worker<ResultBatchJob>(QUEUES.results, async (job) => this.ingest(job.data), {
      connection: this.connection,
      prefix: bullPrefix(this.env),
      concurrency: 4,
    });
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`result batch ${job?.id} failed: ${err.message}`),
    );
    this.logger.log('controller started');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
    this.logger.log('controller stopped');
  }

  private ingest(batch: ResultBatchJob): number {
    this.batches.inc();
    let oldest = Infinity;
    const perVantage = new Map<string, number>();
    for (const result of batch.results) {
      perVantage.set(result.vantage, (perVantage.get(result.vantage) ?? 0) + 1);
      oldest = Math.min(oldest, result.startedAt);
    }
    for (const [vantage, count] of perVantage) this.received.inc({ vantage }, count);
    if (oldest !== Infinity) this.lag.observe((Date.now() - oldest) / 1000);
    return batch.results.length;
  }
}
