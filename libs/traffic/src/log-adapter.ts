import { AdapterLog, AdapterResult, checkWeightChange, Fence, TrafficAdapter, WeightChange } from './adapter';

export interface LogAdapterOptions {
  /** Where each change is logged; nothing is logged without one. */
  log?: AdapterLog;
  /** Changes kept in memory, newest last. Default 100. */
  limit?: number;
  /** The clock (epoch ms), for tests. */
  now?: () => number;
}

/** A change the log adapter recorded, with the time it did. */
export interface RecordedChange extends WeightChange {
  at: number;
}

/**
 * The `log` traffic adapter (the default when a service has no traffic manager): it moves no traffic,
 * only records what would have been applied, so rules and the executor can be tried safely. Keeps the
 * last `limit` changes in memory (oldest dropped first) and logs each one. Idempotent like a real
 * target: a key still in memory is answered with its first result and not recorded again.
 */
export class LogAdapter implements TrafficAdapter {
  readonly kind = 'log';
  readonly drainsEndpoints = true;
  private readonly limit: number;
  private readonly now: () => number;
  private readonly records: RecordedChange[] = [];

  constructor(private readonly options: LogAdapterOptions = {}) {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be an integer ≥ 1, got ${limit}`);
    this.limit = limit;
    this.now = options.now ?? Date.now;
  }

  async apply(req: WeightChange, signal?: AbortSignal, fence?: Fence): Promise<AdapterResult> {
    const invalid = checkWeightChange(req);
    if (invalid !== undefined) return { ok: false, attempts: 0, detail: `invalid weight change: ${invalid}` };
    if (signal?.aborted) return { ok: false, attempts: 0, detail: 'aborted before recording' };
    if (fence && !(await fence().catch(() => false))) {
      return {
        ok: false,
        attempts: 0,
        detail: 'not recorded: this controller no longer leads',
        fenced: true,
      };
    }
    const earlier = this.records.find((r) => r.idempotencyKey === req.idempotencyKey);
    if (earlier !== undefined) return this.result(earlier, 'already recorded under this idempotency key');
    const record: RecordedChange = { ...req, weights: { ...req.weights }, at: this.now() };
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    this.options.log?.('traffic weights (log only, no traffic manager)', {
      service: req.service,
      weights: record.weights,
      actionId: req.actionId,
      step: req.step,
      key: req.idempotencyKey,
      ...(req.reason === undefined ? {} : { reason: req.reason }),
    });
    return this.result(record, 'logged only: no traffic manager configured');
  }

  /** The recorded changes, oldest first; only `service`'s when given. Copies. */
  recent(service?: string): RecordedChange[] {
    return this.records
      .filter((r) => service === undefined || r.service === service)
      .map((r) => ({ ...r, weights: { ...r.weights } }));
  }

  private result(record: RecordedChange, detail: string): AdapterResult {
    return { ok: true, attempts: 1, detail, appliedAt: record.at };
  }
}
