import type { Queue } from 'bullmq';
import { Counter, type Registry } from 'prom-client';
import { JOBS, type ProbeResult, type ResultBatchJob } from '@libs/queue';
import { tracer, type VigilSpan } from '@libs/runtime';

export interface ResultBatcherOptions {
  /** The results queue of a vantage (`results.<vantage>`): a batch holds results of one vantage. */
  queue: (vantage: string) => Queue<ResultBatchJob>;
  proberId: string;
  configVersion: () => number;
  registry: Registry;
  /** A batch is sent when it has this many results, or after `flushMs`. */
  maxBatch: number;
  flushMs: number;
  /**
   * A result that may change a track (`add(result, true)`) is sent within this long rather than
   * with the next `flushMs` batch: one timer for all such results in the window, not a send each.
   */
  earlyFlushMs: number;
  /**
   * Above this many buffered results the prober stops taking ticks (back-pressure); past twice
   * that the oldest results are dropped, so memory stays bounded whatever happens.
   */
  highWater: number;
  /** Sending waits while the controller has this many batches not yet taken. */
  maxBacklog: number;
  /** Called with true when the prober should stop taking work, false when it may go on. */
  onPressure: (paused: boolean) => void;
  /**
   * Whether what was just written reached a replica (Redis WAIT), when Redis has replicas that a
   * failover promotes: an unconfirmed batch is added again at the next flush, under the same id.
   */
  confirm?: () => Promise<boolean>;
}

/** An unconfirmed batch is added again this many times at most (then left to Redis, and counted). */
const CONFIRM_TRIES = 3;

interface Pending {
  job: ResultBatchJob;
  tries: number;
  /** The batch's span (tracing on, an urgent result in it): ended once the batch is settled. */
  span?: VigilSpan;
}

/** A batch span names at most this many of its urgent results. */
const URGENT_NAMED = 10;

/**
 * Sends probe results to the controllers in batches (one BullMQ job per batch, not per probe).
 * When the controllers lag, batches wait here; when too many wait, the prober pauses its tick
 * workers until the backlog drains, instead of buffering without bound.
 */
export class ResultBatcher {
  private buffer: ProbeResult[] = [];
  private timer?: NodeJS.Timeout;
  private earlyTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private paused = false;
  private readonly dropped: Counter;
  private readonly sent: Counter;
  private readonly unconfirmed: Counter;
  private readonly early: Counter;
  /** The batch being delivered: out of the buffer, not yet in Redis for sure. */
  private pending?: Pending;
  private sequence = 0;
  /** Results added as urgent, while tracing is on: their batch gets a span (steady results get none). */
  private readonly urgent = new WeakSet<ProbeResult>();

  constructor(private readonly opts: ResultBatcherOptions) {
    this.dropped = new Counter({
      name: 'vigil_probe_results_dropped_total',
      help: 'Probe results dropped because the controllers lagged too far behind',
      registers: [opts.registry],
    });
    this.sent = new Counter({
      name: 'vigil_probe_results_sent_total',
      help: 'Probe results sent to the controllers',
      registers: [opts.registry],
    });
    this.unconfirmed = new Counter({
      name: 'vigil_probe_result_batches_unconfirmed_total',
      help: `Result batches no replica confirmed after ${CONFIRM_TRIES} tries (a failover then may lose them)`,
      registers: [opts.registry],
    });
    this.early = new Counter({
      name: 'vigil_probe_results_flushed_early_total',
      help: 'Batches sent before the batch timer because they held a result that may change a track',
      registers: [opts.registry],
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.flushMs);
  }

  /** `urgent`: the result may change its track (see mayChangeTrack), so it goes out within `earlyFlushMs`. */
  add(result: ProbeResult, urgent = false): void {
    this.buffer.push(result);
    if (urgent && tracer().enabled) this.urgent.add(result);
    if (urgent) this.earlyTimer ??= setTimeout(() => this.flushEarly(), this.opts.earlyFlushMs);
    const overflow = this.buffer.length - 2 * this.opts.highWater;
    if (overflow > 0) {
      this.buffer.splice(0, overflow);
      this.dropped.inc(overflow);
    }
    if (!this.paused && this.buffer.length >= this.opts.highWater) this.setPaused(true);
    if (this.buffer.length >= this.opts.maxBatch) void this.flush();
  }

  get size(): number {
    return this.buffer.length;
  }

  /** Sends what is buffered (as far as the backlog allows); concurrent calls share one run. */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.cancelEarly();
    await this.flush();
  }

  private flushEarly(): void {
    this.earlyTimer = undefined;
    if (this.buffer.length === 0) return; // a send in progress took them
    this.early.inc();
    void this.flush();
  }

  private cancelEarly(): void {
    clearTimeout(this.earlyTimer);
    this.earlyTimer = undefined;
  }

  private async send(): Promise<void> {
    this.cancelEarly(); // this send takes the urgent results too
    try {
      if (this.pending) await this.deliver(this.pending);
      while (this.buffer.length > 0) {
        const { vantage } = this.buffer[0];
        if ((await this.opts.queue(vantage).getWaitingCount()) >= this.opts.maxBacklog) break;
        const batch = `${this.opts.proberId}.${++this.sequence}`;
        const results = this.take(vantage);
        const span = this.batchSpan(batch, vantage, results);
        const job: ResultBatchJob = {
          batch,
          prober: this.opts.proberId,
          configVersion: this.opts.configVersion(),
          results,
          ...(span?.traceparent ? { trace: span.traceparent } : {}),
        };
        this.pending = { job, tries: 0, span };
        await this.deliver(this.pending);
      }
    } catch {
      // Redis is unreachable or failing over: the pending batch and the buffer (bounded above) wait
      // for the next flush.
    }
    if (this.paused && this.buffer.length < this.opts.highWater / 2) this.setPaused(false);
  }

  /**
   * Adds the batch under its id (again: a repeat of a job still queued is a no-op, one already taken
   * is dropped by the controller) and, when asked to, waits for a replica to have it. Throws to stop
   * this flush while the batch is not settled.
   */
  private async deliver(pending: Pending): Promise<void> {
    const { job } = pending;
    await this.opts.queue(job.results[0].vantage).add(JOBS.resultBatch, job, { jobId: job.batch });
    if (pending.tries++ === 0) this.sent.inc(job.results.length);
    if (this.opts.confirm && !(await this.opts.confirm())) {
      if (pending.tries < CONFIRM_TRIES) throw new Error(`batch ${job.batch} not confirmed by a replica`);
      this.unconfirmed.inc();
    }
    pending.span?.setAttributes({ 'vigil.batch.tries': pending.tries });
    pending.span?.end();
    this.pending = undefined;
  }

  /**
   * The span of a batch holding results that may change a track (mayChangeTrack): where the trace of a
   * health decision starts. A batch of steady results gets none, so probing costs no trace per batch.
   */
  private batchSpan(batch: string, vantage: string, results: readonly ProbeResult[]): VigilSpan | undefined {
    const urgent = results.filter((r) => this.urgent.has(r));
    if (urgent.length === 0) return undefined;
    return tracer().start('vigil.probe.batch', {
      kind: 'producer',
      attributes: {
        'vigil.prober': this.opts.proberId,
        'vigil.vantage': vantage,
        'vigil.batch.id': batch,
        'vigil.batch.results': results.length,
        'vigil.batch.urgent': urgent.length,
        'vigil.batch.urgent_results': urgent
          .slice(0, URGENT_NAMED)
          .map((r) => `${r.check} ${r.endpoint} ${r.ok ? 'ok' : (r.errorKind ?? 'failed')}`),
      },
    });
  }

  /**
   * Up to `maxBatch` of the buffered results of `vantage`, oldest first, out of the buffer: a batch
   * goes to that vantage's queue (an all-in-one prober serves several).
   */
  private take(vantage: string): ProbeResult[] {
    if (this.buffer.every((r) => r.vantage === vantage)) return this.buffer.splice(0, this.opts.maxBatch);
    const taken: ProbeResult[] = [];
    const rest: ProbeResult[] = [];
    for (const r of this.buffer)
      (r.vantage === vantage && taken.length < this.opts.maxBatch ? taken : rest).push(r);
    this.buffer = rest;
    return taken;
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    this.opts.onPressure(paused);
  }
}
