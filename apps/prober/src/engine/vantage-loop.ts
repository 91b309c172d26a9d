import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { tickStarts } from '@libs/domain';
import { JOBS, QUEUES, tickJobId, type ProbeTickJob } from '@libs/queue';

export interface VantageLoopOptions {
  vantage: string;
  /** This replica's prober id: the `processedBy` of the ticks it takes, so one can tell who holds a tick. */
  proberId: string;
  connection: Redis;
  prefix: string;
  shards: number;
  tickMs: number;
  /** Ticks are put in the queue this far ahead, so a replica that dies does not stop the schedule. */
  aheadMs: number;
  /** Ticks are delivered this long before they start, so the worker can set its timers in time. */
  leadMs: number;
  /** Ticks one replica holds at once (a tick is held from its delivery to its end). */
  tickConcurrency: number;
  /** How long a dead replica's tick stays locked before another replica may take it. */
  lockMs: number;
  run: (job: ProbeTickJob) => Promise<number>;
}

const SCHEDULE_EVERY_MS = 250;
/** Finished tick ids are kept this long so that replicas scheduling the same tick add it once. */
const KEEP_DONE_S = 60;

/**
 * Schedules and consumes the probe ticks of one vantage. Every replica of the vantage schedules
 * the same ticks under the same job ids, so they are added once (no double scheduling, no leader
 * needed), and BullMQ hands each tick to one replica; a replica that dies stalls its ticks, which
 * another one takes after `lockMs` (or skips as stale).
 */
export class VantageLoop {
  private readonly queue: Queue<ProbeTickJob>;
  private readonly worker: Worker<ProbeTickJob, number>;
  private readonly logger = new Logger(VantageLoop.name);
  private timer?: NodeJS.Timeout;
  private scheduledUntil = 0;

  constructor(private readonly opts: VantageLoopOptions) {
    const name = QUEUES.probes(opts.vantage);
    this.queue = new Queue(name, { connection: opts.connection, prefix: opts.prefix });
    this.worker = new Worker(name, (job) => opts.run(job.data), {
      connection: opts.connection,
      prefix: opts.prefix,
      name: opts.proberId,
      concurrency: opts.tickConcurrency,
      lockDuration: opts.lockMs,
      stalledInterval: opts.lockMs,
      maxStalledCount: 1,
      autorun: false,
    });
    // Without listeners BullMQ prints these (e.g. a lost lock after a stall) as unhandled errors.
    const warn = (err: Error) => this.logger.warn(`${name}: ${err.message}`);
    this.worker.on('error', warn);
    this.queue.on('error', warn);
  }

  async start(): Promise<void> {
    await this.schedule();
    this.timer = setInterval(() => void this.schedule().catch(() => undefined), SCHEDULE_EVERY_MS);
    void this.worker.run();
  }

  /** Jobs of this vantage's tick queue by state, for the queue-depth gauge. */
  jobCounts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
  }

  /** Stops taking new ticks (those running finish). */
  pause(): void {
    void this.worker.pause(true);
  }

  resume(): void {
    void this.worker.resume();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.worker.close();
    await this.queue.close();
  }

  private async schedule(): Promise<void> {
    const { tickMs, aheadMs, leadMs, shards, vantage } = this.opts;
    const now = Date.now();
    const ticks = tickStarts(now, tickMs, aheadMs).filter((t) => t >= this.scheduledUntil);
    if (ticks.length === 0) return;
    const jobs = ticks.flatMap((tick) =>
      Array.from({ length: shards }, (_, shard) => {
        const data: ProbeTickJob = { vantage, shard, tick, tickMs };
        return {
          name: JOBS.probeTick,
          data,
          opts: {
            jobId: tickJobId(data),
            delay: Math.max(0, tick - leadMs - now),
            removeOnComplete: { age: KEEP_DONE_S },
            removeOnFail: { age: KEEP_DONE_S },
          },
        };
      }),
    );
    await this.queue.addBulk(jobs);
    this.scheduledUntil = ticks[ticks.length - 1] + tickMs;
  }
}
