import { WeightChange } from './adapter';
import { LogAdapter } from './log-adapter';

const change = (step: number, service = 'edge'): WeightChange => ({
  service,
  weights: { sha: 100 - step * 10, bjs: step * 10 },
  actionId: 'act-1',
  step,
  idempotencyKey: `act-1/${service}/${step}`,
});

describe('LogAdapter', () => {
  it('records and logs each change, and returns ok', async () => {
    const logged: Array<[string, Record<string, unknown>]> = [];
    const adapter = new LogAdapter({ log: (m, f) => logged.push([m, f]), now: () => 1234 });
    const result = await adapter.apply({ ...change(1), reason: 'drill' });
    expect(result).toEqual({
      ok: true,
      attempts: 1,
      detail: 'logged only: no traffic manager configured',
      appliedAt: 1234,
    });
    expect(adapter.kind).toBe('log');
    expect(adapter.recent()).toEqual([{ ...change(1), reason: 'drill', at: 1234 }]);
    expect(logged).toEqual([
      [
        'traffic weights (log only, no traffic manager)',
        {
          service: 'edge',
          weights: { sha: 90, bjs: 10 },
          actionId: 'act-1',
          step: 1,
          key: 'act-1/edge/1',
          reason: 'drill',
        },
      ],
    ]);
  });

  it('keeps only the last `limit` changes, oldest dropped first; filters by service', async () => {
    const adapter = new LogAdapter({ limit: 3 });
    for (let step = 1; step <= 5; step++) await adapter.apply(change(step, step % 2 ? 'edge' : 'api'));
    expect(adapter.recent().map((r) => r.step)).toEqual([3, 4, 5]);
    expect(adapter.recent('api').map((r) => r.step)).toEqual([4]);
  });

  it('records a repeated idempotency key once and answers it with the first result', async () => {
    let now = 1000;
    const adapter = new LogAdapter({ now: () => now });
    const first = await adapter.apply(change(1));
    now = 2000;
    const again = await adapter.apply(change(1));
    expect(again).toMatchObject({ ok: true, appliedAt: first.appliedAt });
    expect(adapter.recent()).toHaveLength(1);
  });

  it('refuses invalid changes and aborted calls; its copies cannot change its records', async () => {
    const adapter = new LogAdapter();
    const invalid = await adapter.apply({ ...change(1), weights: { sha: -5, bjs: 105 } });
    expect(invalid).toMatchObject({ ok: false, attempts: 0, detail: expect.stringMatching(/weight of sha/) });
    const aborted = await adapter.apply(change(2), AbortSignal.abort());
    expect(aborted).toMatchObject({ ok: false, attempts: 0 });
    const fenced = await adapter.apply(change(2), undefined, () => Promise.resolve(false));
    expect(fenced).toMatchObject({ ok: false, attempts: 0, fenced: true });
    await adapter.apply(change(3));
    adapter.recent()[0].weights.sha = 0;
    expect(adapter.recent()[0].weights.sha).toBe(70);
    expect(() => new LogAdapter({ limit: 0 })).toThrow(/limit/);
  });
});
