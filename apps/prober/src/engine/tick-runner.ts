import { dueTimes } from '@libs/domain';
import type { ProbeResult, ProbeTickJob } from '@libs/queue';
import type { ProbeTable, ProbeTask } from './probe-table';
import type { ProberMetrics } from './prober-metrics';
import type { Semaphore } from './semaphore';

export interface TickDeps {
  table: () => ProbeTable | null;
  semaphore: Semaphore;
  metrics: ProberMetrics;
  emit: (result: ProbeResult, task: ProbeTask) => void;
  /** Takes the probes still running when the tick hands its slot back, so a shutdown can wait for them. */
  track: (probes: Promise<unknown>) => void;
  /** A tick picked up later than this after its end (a dead prober's stalled job) is skipped. */
  staleAfterMs: number;
  now?: () => number;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one tick: every task of the shard that is due inside the tick starts at its due time (its
 * phase), so the load is as even as the phases. Resolves at the tick's end (its probes may still
 * run): a tick holds its replica's slot for as long as the tick lasts, however slow its probes.
 */
export async function runTick(job: ProbeTickJob, deps: TickDeps): Promise<number> {
  const now = deps.now ?? Date.now;
  const table = deps.table();
  if (!table) return 0;
  const end = job.tick + job.tickMs;
  if (now() > end + deps.staleAfterMs) {
    deps.metrics.ticksSkipped.inc({ vantage: job.vantage, reason: 'stale' });
    return 0;
  }
  const runs: Promise<void>[] = [];
  for (const task of table.shard(job.vantage, job.shard)) {
    for (const due of dueTimes(task.phase, task.intervalMs, job.tick, end)) {
      runs.push(runAt(task, due, job.vantage, deps, now));
    }
  }
  deps.track(Promise.all(runs));
  // Held to the tick's end, not longer: a lagging replica (probes that start late) does not hold
  // the next ticks back, which would make its lag last.
  await wait(end - now());
  return runs.length;
}

async function runAt(task: ProbeTask, due: number, vantage: string, deps: TickDeps, now: () => number) {
  const delay = due - now();
  if (delay > 0) await wait(delay);
  await deps.semaphore.run(async () => {
    const startedAt = now();
    const outcome = await task.probe();
    const { metrics } = deps;
    metrics.lateness.observe({ vantage }, Math.max(0, startedAt - due) / 1000);
    metrics.duration.observe({ vantage, type: task.type }, outcome.latencyMs / 1000);
    metrics.probes.inc({
      vantage,
      type: task.type,
      result: outcome.ok ? 'ok' : (outcome.errorKind ?? 'other'),
    });
    deps.emit(
      {
        check: task.check,
        endpoint: task.endpoint,
        vantage,
        type: task.type,
        scheduledAt: due,
        startedAt,
        ...outcome,
      },
      task,
    );
  });
}
