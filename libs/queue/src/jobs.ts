import type { ErrorKind, ProbePhases } from '@libs/probes';

/**
 * One tick of one shard of one vantage: "run the probes of this shard that are due in
 * [tick, tick + tickMs)". The job carries no check list: every prober derives the due checks from
 * the config version it has, so a tick costs a few Redis calls whatever the number of checks.
 * The job id `<tick>.<shard>` makes scheduling idempotent across replicas.
 */
export interface ProbeTickJob {
  vantage: string;
  shard: number;
  /** Start of the tick, epoch ms. */
  tick: number;
  tickMs: number;
}

/** One probe's result, as the controller receives it. */
export interface ProbeResult {
  /** `<service>/<check>` */
  check: string;
  /** Endpoint id, `<service>.<endpoint>` */
  endpoint: string;
  vantage: string;
  type: string;
  /** When the probe was due (epoch ms) and when it started: the difference is the schedule lateness. */
  scheduledAt: number;
  startedAt: number;
  latencyMs: number;
  ok: boolean;
  statusCode?: number;
  errorKind?: ErrorKind;
  detail?: string;
  phases?: ProbePhases;
}

/** Results of one vantage from one prober, sent to `results.<vantage>` at most every second or every N results. */
export interface ResultBatchJob {
  /**
   * `<prober>.<n>`, also the job id: a batch sent again (Redis failed over before it was confirmed)
   * or delivered again (its worker stalled) is applied once. Absent in batches of older probers.
   */
  batch?: string;
  prober: string;
  configVersion: number;
  results: ProbeResult[];
  /**
   * W3C `traceparent` of the prober's span for this batch, when tracing is on and the batch holds a
   * result that may change a track: the controller's spans for it join that trace.
   */
  trace?: string;
}

export const tickJobId = (job: Pick<ProbeTickJob, 'tick' | 'shard'>) => `${job.tick}.${job.shard}`;

/** Deliver one notification (a row of `notifications`, which holds the message and the channel). */
export interface NotificationJob {
  notificationId: string;
  /**
   * Set when the send succeeded but marking the row delivered did not (Postgres): the job's retry
   * only records the delivery (`at`, epoch ms, and the row's note), it does not send again.
   */
  sent?: { at: number; note?: string };
}
