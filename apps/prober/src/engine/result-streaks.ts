import { mayChangeTrack, nextStreak, type ResultStreak } from '@libs/domain';
import type { ProbeResult } from '@libs/queue';

export interface StreakThresholds {
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/**
 * The prober keeps no health state; this is the little it needs to tell which results may change a
 * (check, vantage) track on the controller: the run of equal outcomes it sent per (check, endpoint,
 * vantage). One small entry per probe task and vantage, pruned when the config changes.
 */
export class ResultStreaks {
  private readonly streaks = new Map<string, ResultStreak>();

  /** Records `result`; true when it may change its track (and so is worth sending at once). */
  observe(result: ProbeResult, t: StreakThresholds): boolean {
    const key = `${result.vantage}|${result.check}|${result.endpoint}`;
    const streak = nextStreak(this.streaks.get(key), result.ok);
    this.streaks.set(key, streak);
    return mayChangeTrack(streak, t);
  }

  /** Forgets the keys whose `<check>|<endpoint>` is not in `tasks` (the new config's). */
  retain(tasks: ReadonlySet<string>): void {
    for (const key of this.streaks.keys())
      if (!tasks.has(key.slice(key.indexOf('|') + 1))) this.streaks.delete(key);
  }

  get size(): number {
    return this.streaks.size;
  }
}
