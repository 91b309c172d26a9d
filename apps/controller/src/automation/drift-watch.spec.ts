import type { ReadBack, TrafficAdapter } from '@libs/traffic';
import type { ActualTraffic } from '@libs/persistence';
import { DriftWatch, type TrafficBelief } from './drift-watch';

/** An adapter whose read-backs are scripted, one per call. */
function readable(...reads: ReadBack[]): TrafficAdapter {
  return {
    kind: 'haproxy',
    drainsEndpoints: true,
    apply: () => Promise.reject(new Error('not used')),
    read: () => Promise.resolve(reads.shift() ?? { ok: false, detail: 'no more reads' }),
  };
}

const inForce = (weights: Record<string, number>, drained: string[] = []): ReadBack => ({
  ok: true,
  weights,
  drained,
  tolerance: 0.5,
  detail: 'show servers state be_live',
});

function setup(adapters: Record<string, TrafficAdapter>, beliefs: TrafficBelief[] = []) {
  const recorded: Array<{ service: string; drift: string | null; actual: ActualTraffic }> = [];
  const changes: Array<{ service: string; drift: string | null; previous: string | null }> = [];
  const outcomes: string[] = [];
  let drift: string | null = null;
  let token: number | null = 7;
  const watch = new DriftWatch({
    adapters: () => new Map(Object.entries(adapters)),
    belief: () =>
      Promise.resolve(
        beliefs.shift() ?? {
          weights: { a: 50, b: 50 },
          drained: [],
          version: 'v1',
          stepInFlight: false,
          drift,
        },
      ),
    record: (service, actual, next) => {
      recorded.push({ service, drift: next, actual });
      drift = next;
      return Promise.resolve(token !== null);
    },
    changed: (service, next, previous) => {
      changes.push({ service, drift: next, previous });
      return Promise.resolve();
    },
    observed: (service, outcome) => outcomes.push(`${service}:${outcome}`),
    fencingToken: () => token,
    warn: () => undefined,
  });
  return { watch, recorded, changes, outcomes, lose: () => (token = null) };
}

describe('DriftWatch', () => {
  it('records an agreeing read-back and tells nothing', async () => {
    const { watch, recorded, changes, outcomes } = setup({ live: readable(inForce({ a: 50.2, b: 49.8 })) });
    await watch.tick();
    expect(recorded).toEqual([expect.objectContaining({ service: 'live', drift: null })]);
    expect(recorded[0].actual).toMatchObject({ ok: true, weights: { a: 50.2, b: 49.8 } });
    expect(changes).toEqual([]);
    expect(outcomes).toEqual(['live:in-sync']);
  });

  it('tells once when drift starts and once when it ends', async () => {
    const adapter = readable(inForce({ a: 100, b: 0 }), inForce({ a: 100, b: 0 }), inForce({ a: 50, b: 50 }));
    const { watch, changes, outcomes } = setup({ live: adapter });
    await watch.tick();
    await watch.tick();
    await watch.tick();
    expect(changes).toEqual([
      {
        service: 'live',
        drift: 'weights differ: a 50% applied, 100% in force; b 50% applied, 0% in force',
        previous: null,
      },
      { service: 'live', drift: null, previous: expect.stringContaining('weights differ') },
    ]);
    expect(outcomes).toEqual(['live:drift', 'live:drift', 'live:in-sync']);
  });

  it('counts a target that cannot be read as drift, and compares drained endpoints', async () => {
    const { watch, recorded } = setup({
      down: readable({ ok: false, detail: 'connect ECONNREFUSED /run/haproxy.sock' }),
      drained: readable(inForce({ a: 50, b: 50 }, ['a-1'])),
    });
    await watch.tick();
    const drift = Object.fromEntries(recorded.map((r) => [r.service, r.drift]));
    expect(drift).toEqual({
      down: 'cannot read the traffic manager back: connect ECONNREFUSED /run/haproxy.sock',
      drained: 'in drain although not drained by Vigil: a-1',
    });
  });

  it('does not compare a read taken while a step landed', async () => {
    const before = {
      weights: { a: 50, b: 50 },
      drained: [],
      version: 'v1',
      stepInFlight: false,
      drift: null,
    };
    const after = { weights: { a: 0, b: 100 }, drained: [], version: 'v2', stepInFlight: false, drift: null };
    const { watch, recorded } = setup({ live: readable(inForce({ a: 0, b: 100 })) }, [before, after]);
    await watch.tick();
    expect(recorded).toEqual([]);
  });

  it('does not compare a read taken while a step was being sent (it may be in force, not yet recorded)', async () => {
    const before = {
      weights: { a: 50, b: 50 },
      drained: [],
      version: 'v1',
      stepInFlight: false,
      drift: null,
    };
    const sending = { ...before, stepInFlight: true };
    const { watch, recorded, changes } = setup({ live: readable(inForce({ a: 40, b: 60 })) }, [
      before,
      sending,
    ]);
    await watch.tick();
    expect(recorded).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('reads nothing while it does not lead, and skips adapters that cannot read', async () => {
    const webhook: TrafficAdapter = {
      kind: 'webhook',
      drainsEndpoints: true,
      apply: () => Promise.reject(new Error()),
    };
    const { watch, recorded, lose } = setup({ hook: webhook, live: readable(inForce({ a: 50, b: 50 })) });
    await watch.tick();
    expect(recorded.map((r) => r.service)).toEqual(['live']);
    lose();
    await watch.tick();
    expect(recorded).toHaveLength(1);
  });
});
