/**
 * For bench:failover: when the failed probe that took an IDC down ran, from the results the health
 * model took in, so each injection splits into the probes' own floor and Vigil's overhead after it.
 */
import type { HealthService } from '@apps/controller';
import type { ProbeResult } from '@libs/queue';

/** The decisive probe of one outage: the one whose result made the IDC's failure certain. */
export interface Crossing {
  /** When that probe started and when its result was known (start + its duration), epoch ms. */
  startedAt: number;
  knownAt: number;
}

/**
 * Keeps the failed results of the model's batches (by a wrapper around HealthEngine.ingest: the
 * bench runs Vigil in its own process) so `crossing` can replay an outage.
 */
export class FailureTap {
  private failures: ProbeResult[] = [];
  /** The failures of the endpoints of the last `crossing` call, for a report when none crossed. */
  last: ProbeResult[] = [];

  constructor(health: HealthService) {
    const engine = health.engine;
    const ingest = engine.ingest.bind(engine);
    engine.ingest = (results, now) => {
      for (const r of results) if (!r.ok) this.failures.push(r);
      return ingest(results, now);
    };
  }

  /**
   * The probe that crossed the threshold for an IDC whose endpoints all failed from `from` on: per
   * (endpoint, vantage), its `unhealthyThreshold`-th failure; per endpoint, the `quorum`-th of its
   * vantages; for the IDC, the `down`-th endpoint (the first count that puts its healthy capacity
   * below unhealthyBelow). Forgets the failures it was given.
   */
  crossing(
    endpoints: ReadonlySet<string>,
    from: number,
    t: { unhealthyThreshold: number; quorum: number; down: number },
  ): Crossing | undefined {
    const tracks = new Map<string, ProbeResult[]>();
    this.last = this.failures.filter((r) => endpoints.has(r.endpoint));
    for (const r of this.failures.splice(0)) {
      if (!endpoints.has(r.endpoint) || r.startedAt < from) continue;
      const key = `${r.endpoint}|${r.vantage}|${r.check}`;
      tracks.set(key, [...(tracks.get(key) ?? []), r]);
    }
    const perEndpoint = new Map<string, ProbeResult[]>();
    for (const results of tracks.values()) {
      const third = results.sort((a, b) => a.startedAt - b.startedAt)[t.unhealthyThreshold - 1];
      if (third) perEndpoint.set(third.endpoint, [...(perEndpoint.get(third.endpoint) ?? []), third]);
    }
    const known = (r: ProbeResult) => r.startedAt + r.latencyMs;
    const down = [...perEndpoint.values()]
      .map((rs) => rs.sort((a, b) => known(a) - known(b))[t.quorum - 1])
      .filter((r): r is ProbeResult => r !== undefined)
      .sort((a, b) => known(a) - known(b));
    const decisive = down[t.down - 1];
    return decisive && { startedAt: decisive.startedAt, knownAt: known(decisive) };
  }
}
