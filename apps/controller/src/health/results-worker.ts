import { Inject, Injectable, Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import type Redis from 'ioredis';
import { ENV, type Env } from '@libs/config';
import { bullPrefix, createBullConnection, QUEUES, type ResultBatchJob } from '@libs/queue';
import { withTimeout } from '../timers';

/** A step-down waits at most this long for the results worker to close. */
const CLOSE_MS = 2000;

/**
 * The leader's consumer of the results queue, on a connection of its own: started on a take-over,
 * stopped on a step-down. A provider, so the health model's unit tests can replace it.
 */
@Injectable()
export class ResultsWorker {
  private readonly logger = new Logger(ResultsWorker.name);
  private connection?: Redis;
  private worker?: Worker<ResultBatchJob>;

  constructor(@Inject(ENV) private readonly env: Env) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Takes result batches one at a time, in order (the model is one in-memory state). */
  start(handle: (batch: ResultBatchJob) => number): void {
    if (this.worker) return;
    this.connection = createBullConnection(this.env, 'controller');
    this.worker = new Worker<ResultBatchJob>(QUEUES.results, async (job) => handle(job.data), {
      connection: this.connection,
      prefix: bullPrefix(this.env),
      concurrency: 1,
    });
    this.worker.on('error', (err) => this.logger.warn(`results worker: ${err.message}`));
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`result batch ${job?.id} failed: ${err.message}`),
    );
  }

  /**
   * Stops without waiting on Redis: detached at once (a take-over may follow before this ends). The
   * worker is closed with force: a graceful close first waits for its blocking connection to end,
   * which never happens while that connection is reconnecting (it stayed pending after Redis was
   * back), and for the batch in progress, whose completion needs Redis too. A batch cut short stalls
   * and is taken again by the next leader. Then the connection is dropped, not quit: QUIT waits for a
   * reconnection.
   */
  async stop(): Promise<void> {
    const { worker, connection } = this;
    this.worker = undefined;
    this.connection = undefined;
    if (!worker) return;
    await withTimeout(worker.close(true), CLOSE_MS, 'closing the results worker').catch((err: Error) =>
      this.logger.warn(err.message),
    );
    connection?.disconnect();
  }
}
