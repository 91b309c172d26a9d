import { readBackMismatch, type TrafficAdapter } from '@libs/traffic';
import type { ActualTraffic } from '@libs/persistence';
import type { Weights } from '@libs/domain';
import { actualOf } from './read-back';

/** What Vigil believes the traffic manager of a service has in force, and the drift last seen. */
export interface TrafficBelief {
  /** The weights last applied; the baseline when nothing was. */
  weights: Weights;
  drained: readonly string[];
  /** Changes whenever a step is recorded: a read taken across a step is not compared. */
  version: string;
  /**
   * A step of the service is being sent (`applying`): the traffic manager may already hold it while
   * `weights` do not yet, so a read taken now is not compared either.
   */
  stepInFlight: boolean;
  /** The drift last recorded, or null. */
  drift: string | null;
}

export interface DriftWatchDeps {
  /** The services whose adapter can be read back, with it. */
  adapters: () => ReadonlyMap<string, TrafficAdapter>;
  belief: (service: string) => Promise<TrafficBelief>;
  /** Records the read-back (and the drift, null when none) under the leader's token; false when fenced off. */
  record: (service: string, actual: ActualTraffic, drift: string | null, token: number) => Promise<boolean>;
  /** Told when drift starts or ends (timeline, notification), after it was recorded. */
  changed: (
    service: string,
    drift: string | null,
    previous: string | null,
    actual: ActualTraffic,
  ) => Promise<void>;
  /** Per read-back: its outcome, for the metrics. */
  observed: (service: string, outcome: 'in-sync' | 'drift' | 'unreadable') => void;
  fencingToken: () => number | null;
  warn: (message: string) => void;
}

/** Read-backs in flight at most: a slow traffic manager must not hold up the others' reads for long. */
const CONCURRENCY = 8;

/**
 * The leader's periodic read-back of every traffic manager that can be read: weights (or drained
 * endpoints) that differ from what Vigil applied, changed behind its back, are drift; a target that
 * cannot be read is drift too (Vigil can no longer vouch for its weights). Drift is recorded, told
 * once when it starts and once when it ends, and never corrected automatically: a human may have had
 * a reason, and re-applying is one PUT /services/{name}/weights away.
 */
export class DriftWatch {
  private busy = false;

  constructor(private readonly deps: DriftWatchDeps) {}

  async tick(): Promise<void> {
    const token = this.deps.fencingToken();
    if (token === null || this.busy) return;
    this.busy = true;
    try {
      const queue = [...this.deps.adapters()].filter(([, adapter]) => adapter.read);
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          if (this.deps.fencingToken() !== token) return;
          await this.check(next[0], next[1], token).catch((err: unknown) =>
            this.deps.warn(`read-back of ${next[0]} not recorded: ${(err as Error).message}`),
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    } finally {
      this.busy = false;
    }
  }

  private async check(service: string, adapter: TrafficAdapter, token: number): Promise<void> {
    const before = await this.deps.belief(service);
    const read = await adapter.read!();
    const after = await this.deps.belief(service);
    // A step landed or was being sent meanwhile: look again next time.
    if (after.version !== before.version || before.stepInFlight || after.stepInFlight) return;
    const actual = actualOf(read);
    const expected = {
      weights: after.weights,
      ...(adapter.drainsEndpoints ? { drained: after.drained } : {}),
    };
    const drift = read.ok
      ? (readBackMismatch(expected, read) ?? null)
      : `cannot read the traffic manager back: ${read.detail}`;
    this.deps.observed(service, !read.ok ? 'unreadable' : drift ? 'drift' : 'in-sync');
    if (!(await this.deps.record(service, actual, drift, token))) return;
    if ((drift === null) !== (after.drift === null))
      await this.deps.changed(service, drift, after.drift, actual);
  }
}
