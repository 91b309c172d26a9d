import { Registry } from 'prom-client';
import type { ProbeResult } from '@libs/queue';
import type { ProbeTable, ProbeTask } from './probe-table';
import { ProberMetrics } from './prober-metrics';
import { Semaphore } from './semaphore';
import { runTick } from './tick-runner';

function task(id: string, phase: number, intervalMs = 5000): ProbeTask {
  return {
    id,
    check: 'svc/http',
    endpoint: `svc.${id}`,
    type: 'http',
    intervalMs,
    phase,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
    probe: async () => ({
      ok: id !== 'bad',
      latencyMs: 2,
      ...(id === 'bad' ? { errorKind: 'refused' as const } : {}),
    }),
  };
}

function table(tasks: ProbeTask[]): ProbeTable {
  return {
    version: 1,
    vantages: ['sha'],
    tasks: tasks.length,
    shard: (v, s) => (v === 'sha' && s === 0 ? tasks : []),
  };
}

describe('runTick', () => {
  const setup = (tasks: ProbeTask[], limit = 10) => {
    const results: ProbeResult[] = [];
    const metrics = new ProberMetrics(new Registry());
    const running: Array<Promise<unknown>> = [];
    const deps = {
      track: (probes: Promise<unknown>) => running.push(probes),
      table: () => table(tasks),
      semaphore: new Semaphore(limit),
      metrics,
      emit: (r: ProbeResult) => results.push(r),
      staleAfterMs: 2000,
    };
    /** Waits for the probes still running after their tick resolved. */
    const settled = () => Promise.all(running);
    return { results, metrics, deps, settled };
  };

  it('runs the tasks due in the tick, each at its due time, and reports them', async () => {
    const tick = Math.ceil(Date.now() / 1000) * 1000 - 1000; // the current second
    const tasks = [
      task('a', (tick % 5000) + 0),
      task('b', (tick % 5000) + 40),
      task('bad', (tick % 5000) + 80),
    ];
    tasks.push(task('later', ((tick % 5000) + 2000) % 5000)); // due in another tick
    const { results, metrics, deps, settled } = setup(tasks);
    const count = await runTick({ vantage: 'sha', shard: 0, tick, tickMs: 1000 }, deps);
    expect(count).toBe(3);
    await settled();
    expect(results.map((r) => [r.endpoint, r.scheduledAt - tick])).toEqual([
      ['svc.a', 0],
      ['svc.b', 40],
      ['svc.bad', 80],
    ]);
    for (const r of results) expect(r.startedAt).toBeGreaterThanOrEqual(r.scheduledAt);
    expect(results[2]).toMatchObject({
      ok: false,
      errorKind: 'refused',
      vantage: 'sha',
      check: 'svc/http',
      type: 'http',
    });
    const counted = await metrics.probes.get();
    expect(counted.values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { vantage: 'sha', type: 'http', result: 'ok' }, value: 2 }),
        expect.objectContaining({ labels: { vantage: 'sha', type: 'http', result: 'refused' }, value: 1 }),
      ]),
    );
  });

  it('skips a tick picked up long after it ended (a dead prober’s stalled job)', async () => {
    const { results, metrics, deps } = setup([task('a', 0)]);
    const count = await runTick({ vantage: 'sha', shard: 0, tick: Date.now() - 60_000, tickMs: 1000 }, deps);
    expect(count).toBe(0);
    expect(results).toEqual([]);
    expect((await metrics.ticksSkipped.get()).values[0]).toMatchObject({
      labels: { reason: 'stale' },
      value: 1,
    });
  });

  it('never runs more probes at once than the semaphore allows', async () => {
    let active = 0;
    let peak = 0;
    const slow: ProbeTask = {
      ...task('x', 0, 1000),
      probe: async () => {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setImmediate(r));
        active--;
        return { ok: true, latencyMs: 1 };
      },
    };
    const tasks = Array.from({ length: 20 }, (_, i) => ({ ...slow, id: `t${i}`, endpoint: `svc.t${i}` }));
    const { deps, settled } = setup(tasks, 3);
    const tick = Math.floor(Date.now() / 1000) * 1000 - 1000; // due times already passed: all at once
    expect(await runTick({ vantage: 'sha', shard: 0, tick, tickMs: 1000 }, deps)).toBe(20);
    await settled();
    expect(peak).toBe(3);
  });

  it('lets its tick go at its end, and hands the probes still running over to be awaited', async () => {
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const slow: ProbeTask = {
      ...task('slow', 0, 1000),
      probe: async () => {
        await hung;
        return { ok: true, latencyMs: 1 };
      },
    };
    const { results, deps, settled } = setup([slow, { ...task('fast', 0, 1000), id: 'fast' }]);
    const tick = Math.floor(Date.now() / 1000) * 1000 - 1000;
    expect(await runTick({ vantage: 'sha', shard: 0, tick, tickMs: 1000 }, deps)).toBe(2);
    expect(results.map((r) => r.endpoint)).not.toContain('svc.slow');
    release();
    await settled();
    expect(results.map((r) => r.endpoint).sort()).toEqual(['svc.fast', 'svc.slow']);
  });
});
