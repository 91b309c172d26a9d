import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { QUEUES, type ProbeResult, type ResultBatchJob } from '@libs/queue';

/** A result with the prober that sent it (its batch's `prober`). */
export type CollectedResult = ProbeResult & { prober: string };

/**
 * Takes result batches off a prefix's results queues (`results.<vantage>` of each of `vantages`), as
 * the controller would, and keeps them for assertions.
 */
export class ResultCollector {
  readonly results: CollectedResult[] = [];
  /** Batches taken so far. */
  batches = 0;
  private readonly connection: Redis;
  private readonly workers: Array<Worker<ResultBatchJob>>;
  private readonly waiters: Array<() => void> = [];

  constructor(redisUrl: string, prefix: string, vantages: readonly string[]) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.workers = vantages.map(
      (vantage) =>
        new Worker<ResultBatchJob>(
          QUEUES.results(vantage),
          async (job) => {
            this.batches++;
            for (const r of job.data.results) this.results.push({ ...r, prober: job.data.prober });
            for (const wake of this.waiters.splice(0)) wake();
          },
          { connection: this.connection, prefix },
        ),
    );
  }

  /** Waits, batch by batch, until `done(results)` holds; fails at the deadline. */
  async until(done: (results: ProbeResult[]) => boolean, deadlineMs: number, what: string): Promise<void> {
    const end = Date.now() + deadlineMs;
    while (!done(this.results)) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (${this.results.length} results)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.connection.quit();
  }
}
