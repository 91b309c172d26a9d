import type { StoredConfig } from '@libs/config';
import type { ProbeResult } from '@libs/queue';
import { HealthEngine } from './health-engine';
import { twoIdcConfig } from '../testing/two-idc-config';

const config = twoIdcConfig(
  {},
  {
    name: 'http',
    type: 'http',
    interval: '1s',
    timeout: '500ms',
    healthyThreshold: 1,
    unhealthyThreshold: 2,
  },
);

const T0 = 1_800_000_000_000; // a minute boundary
const result = (endpoint: string, vantage: string, at: number, ok: boolean): ProbeResult => ({
  check: 'live/http',
  endpoint: `live.${endpoint}`,
  vantage,
  type: 'http',
  scheduledAt: at,
  startedAt: at,
  latencyMs: 10,
  ok,
  ...(ok ? {} : { errorKind: 'refused' as const }),
});

function engine(): HealthEngine {
  const e = new HealthEngine();
  e.setConfig(config, 1, T0);
  e.setLiveVantages(['sha', 'bjs']);
  return e;
}

/** One probe of every endpoint from every vantage at `at`. */
const round = (at: number, ok: (endpoint: string) => boolean) =>
  ['a', 'b'].flatMap((ep) => ['sha', 'bjs'].map((v) => result(ep, v, at, ok(ep))));

describe('HealthEngine', () => {
  it('starts UNKNOWN, goes HEALTHY, and reports an endpoint and its IDC going down once each', () => {
    const e = engine();
    expect(e.evaluate(T0)).toEqual([]); // everything starts UNKNOWN: no event
    e.ingest(
      round(T0, () => true),
      T0,
    );
    const up = e.evaluate(T0 + 100);
    expect(
      up
        .filter((x) => x.kind === 'idc')
        .map((x) => `${x.idc}:${x.after}`)
        .sort(),
    ).toEqual(['bjs:HEALTHY', 'sha:HEALTHY']);
    e.ingest(
      round(T0 + 1000, (ep) => ep !== 'b'),
      T0 + 1000,
    );
    expect(e.evaluate(T0 + 1100)).toEqual([]); // one failure: below unhealthyThreshold
    e.ingest(
      round(T0 + 2000, (ep) => ep !== 'b'),
      T0 + 2000,
    );
    const down = e.evaluate(T0 + 2100);
    expect(down.map((x) => [x.kind, x.endpoint ?? x.idc, x.after, x.reason])).toEqual([
      ['endpoint', 'live.b', 'UNHEALTHY', 'down'],
      ['idc', 'bjs', 'UNHEALTHY', 'capacity'],
    ]);
    expect(down[0].details).toMatchObject({ downFrom: ['bjs', 'sha'], firstFailureAt: T0 + 1000 });
    expect(e.evaluate(T0 + 2200)).toEqual([]); // no repeat
  });

  it('marks the (service, IDC)s whose tracks changed state, and evaluates only those with the events a full evaluation gives', () => {
    const targeted = engine();
    const full = engine();
    for (const e of [targeted, full]) {
      e.ingest(
        round(T0, () => true),
        T0,
      );
      e.evaluate(T0 + 100);
    }
    expect(targeted.hasChanges).toBe(false); // the full evaluation took them

    for (const e of [targeted, full]) {
      e.ingest(
        round(T0 + 1000, (ep) => ep !== 'b'),
        T0 + 1000,
      );
    }
    expect(targeted.hasChanges).toBe(false); // one failure: no track moved, nothing to evaluate early

    for (const e of [targeted, full]) {
      e.ingest(
        round(T0 + 2000, (ep) => ep !== 'b'),
        T0 + 2000,
      );
    }
    expect(targeted.hasChanges).toBe(true);
    const only = targeted.takeChanged();
    expect([...only]).toEqual(['live|bjs']); // b's tracks, wherever probed from
    expect(targeted.hasChanges).toBe(false);
    const early = targeted.evaluate(T0 + 2050, only);
    expect(early).toEqual(full.evaluate(T0 + 2050));
    expect(early.map((x) => `${x.kind}:${x.endpoint ?? x.idc}:${x.after}`)).toEqual([
      'endpoint:live.b:UNHEALTHY',
      'idc:bjs:UNHEALTHY',
    ]);
    expect(targeted.snapshot(T0 + 2050)).toEqual(full.snapshot(T0 + 2050));
    expect(targeted.evaluate(T0 + 2100)).toEqual([]); // the next full one does not repeat them
  });

  it('never keeps HEALTHY on old data: no fresh result for 3 intervals makes it UNKNOWN (stale)', () => {
    const e = engine();
    e.ingest(
      round(T0, () => true),
      T0,
    );
    e.evaluate(T0 + 100);
    const stale = e.evaluate(T0 + 3_500);
    expect(
      stale.filter((x) => x.kind === 'endpoint').every((x) => x.after === 'UNKNOWN' && x.reason === 'stale'),
    ).toBe(true);
    expect(e.snapshot(T0 + 3_500).services[0].idcs.every((i) => i.state === 'UNKNOWN')).toBe(true);
  });

  it('rolls probes up per endpoint and minute, once', () => {
    const e = engine();
    e.ingest(
      round(T0 + 1000, (ep) => ep === 'a'),
      T0 + 1000,
    );
    e.ingest(
      round(T0 + 2000, () => true),
      T0 + 2000,
    );
    expect(e.takeRollups(T0 + 30_000)).toEqual([]); // the minute is not over
    const rows = e.takeRollups(T0 + 60_000);
    expect(rows.map((r) => [r.endpoint, r.count, r.failures, r.p50])).toEqual([
      ['live.a', 4, 0, 10],
      ['live.b', 4, 2, 10],
    ]);
    expect(rows[0]).toMatchObject({ service: 'live', idc: 'sha', minute: T0 });
    expect(e.takeRollups(T0 + 61_000)).toEqual([]);
  });

  it('a new leader restores the published state: no event for what did not change', () => {
    const first = engine();
    first.ingest(
      round(T0, () => true),
      T0,
    );
    first.evaluate(T0 + 100);
    const published = first.takeDirtyDetails(T0 + 100, 5000);
    expect(published.map((d) => [d.id, d.state])).toEqual([
      ['live.a', 'HEALTHY'],
      ['live.b', 'HEALTHY'],
    ]);
    const next = engine();
    expect(next.restore(published)).toBe(2);
    next.ingest(
      round(T0 + 1000, () => true),
      T0 + 1000,
    );
    expect(next.evaluate(T0 + 1100).filter((x) => x.kind === 'endpoint')).toEqual([]);
  });

  it('follows a config change: removed endpoints go, kept ones keep their state', () => {
    const e = engine();
    e.ingest(
      round(T0, () => true),
      T0,
    );
    e.evaluate(T0 + 100);
    const smaller = {
      ...config,
      services: [{ ...config.services[0], endpoints: [config.services[0].endpoints[0]] }],
    };
    e.setConfig(smaller as StoredConfig, 2, T0 + 200);
    expect(e.endpointCount).toBe(1);
    expect(e.serviceEndpoints().get('live')).toEqual([
      expect.objectContaining({ id: 'live.a', state: 'HEALTHY' }),
    ]);
  });

  describe('flap damping delays the way back, never the way out', () => {
    const S = 1000;
    /** One round at second `k` (endpoint b always ok), then an evaluation 100 ms later. */
    const step = (e: HealthEngine, k: number, aOk: boolean) => {
      e.ingest(
        round(T0 + k * S, (ep) => ep === 'b' || aOk),
        T0 + k * S,
      );
      return e.evaluate(T0 + k * S + 100);
    };
    const sha = (e: HealthEngine, k: number) =>
      e.snapshot(T0 + k * S + 100).services[0].idcs.find((i) => i.idc === 'sha')!;
    const endpointA = (e: HealthEngine) =>
      e
        .serviceEndpoints()
        .get('live')!
        .find((x) => x.id === 'live.a')!;

    /** Up at 0, then down/up three times: 7 raw changes by second 9, more than 5 in 5m. */
    const flaky = (): HealthEngine => {
      const e = engine();
      [true, false, false, true, false, false, true, false, false, true].forEach((ok, k) => step(e, k, ok));
      expect(endpointA(e)).toMatchObject({ state: 'DEGRADED', reason: 'flapping' });
      return e;
    };

    it('a flaky endpoint that goes hard down is UNHEALTHY at once, and so is its IDC', () => {
      const e = flaky();
      for (let k = 10; k <= 15; k++) step(e, k, true);
      expect(sha(e, 15)).toMatchObject({ state: 'DEGRADED', reason: 'capacity', healthyRatio: 0.8 });
      expect(step(e, 16, false)).toEqual([]); // one failure: below unhealthyThreshold
      const down = step(e, 17, false);
      expect(down.map((x) => [x.kind, x.endpoint ?? x.idc, x.after, x.reason])).toEqual([
        ['endpoint', 'live.a', 'UNHEALTHY', 'down'],
        ['idc', 'sha', 'UNHEALTHY', 'capacity'],
      ]);
      expect(sha(e, 17)).toMatchObject({ state: 'UNHEALTHY', healthyRatio: 0, healthyCapacity: 0 });
      const detail = e.takeDirtyDetails(T0 + 17 * S + 100, 0).find((d) => d.id === 'live.a');
      expect(detail).toMatchObject({ state: 'UNHEALTHY', reason: 'down', flapping: true });
    });

    it('a flaky endpoint that is up counts by its recent success share', () => {
      const e = flaky();
      // Isolated failures: the tracks stay UP, 7 of the last 10 rounds (20 results) succeed.
      [true, false, true, true, false, true, true, false, true, true].forEach((ok, i) => step(e, 10 + i, ok));
      expect(endpointA(e)).toMatchObject({ state: 'DEGRADED', reason: 'flapping' });
      const idc = sha(e, 19);
      expect(idc).toMatchObject({ state: 'DEGRADED', reason: 'capacity' });
      expect(idc.healthyRatio).toBeCloseTo(0.7, 10);
      expect(idc.healthyCapacity).toBeCloseTo(0.7, 10);
    });

    it('keeps a flaky endpoint out of HEALTHY until the hold has passed without flapping', () => {
      const e = flaky(); // the last raw change was at 9.1 s; hold 2m
      const healthyAt: number[] = [];
      for (let k = 10; k <= 130; k++)
        for (const x of step(e, k, true))
          if (x.kind === 'endpoint' && x.after === 'HEALTHY') healthyAt.push(x.at);
      expect(healthyAt).toEqual([T0 + 129 * S + 100]);
      // Fully successful again but still held: DEGRADED 'flapping' with all its capacity.
      const e2 = flaky();
      for (let k = 10; k <= 20; k++) step(e2, k, true);
      expect(sha(e2, 20)).toMatchObject({ state: 'DEGRADED', reason: 'flapping', healthyRatio: 1 });
    });

    it('occasional failures that do not make it flap change nothing', () => {
      const e = engine();
      for (let k = 0; k < 20; k++) step(e, k, k % 5 !== 4);
      expect(endpointA(e)).toMatchObject({ state: 'HEALTHY', reason: 'ok' });
      expect(sha(e, 19)).toMatchObject({ state: 'HEALTHY', healthyRatio: 1 });
    });
  });

  describe('outages per (service, IDC)', () => {
    const S = 1000;
    const step = (e: HealthEngine, k: number, aOk: boolean) => {
      e.ingest(
        round(T0 + k * S, (ep) => ep === 'b' || aOk),
        T0 + k * S,
      );
      return e.evaluate(T0 + k * S + 100);
    };
    const outages = (e: HealthEngine, now: number) =>
      Object.fromEntries(e.snapshot(now).services[0].idcs.map((i) => [i.idc, i.outages]));

    it('records each time an IDC goes UNHEALTHY, prunes them to the window and restores them', () => {
      const e = engine();
      [true, false, false, false, true, false, false, false].forEach((ok, k) => step(e, k, ok));
      const down = [T0 + 2 * S + 100, T0 + 6 * S + 100];
      expect(outages(e, T0 + 8 * S)).toEqual({ sha: down, bjs: [] });

      // failbackBackoff.window defaults to 1h: the first one drops out on the next evaluation after it.
      e.evaluate(down[0] + 3_600_000);
      expect(outages(e, down[0] + 3_600_000).sha).toEqual([down[1]]);

      const next = engine();
      next.restoreStatus(e.snapshot(down[0] + 3_600_000));
      expect(outages(next, down[0] + 3_600_000)).toEqual({ sha: [down[1]], bjs: [] });

      const old = e.snapshot(T0);
      for (const i of old.services[0].idcs) delete i.outages; // a snapshot of an older version
      const fromOld = engine();
      fromOld.restoreStatus(old);
      expect(outages(fromOld, T0)).toEqual({ sha: [], bjs: [] });
    });
  });

  it('forgets a lone failed probe that never took the endpoint out of HEALTHY (MTTD)', () => {
    const e = engine();
    const at = (k: number, aOk: boolean) => {
      e.ingest(
        round(T0 + k * 1000, (ep) => ep === 'b' || aOk),
        T0 + k * 1000,
      );
      return e.evaluate(T0 + k * 1000 + 100);
    };
    [true, false, true, true].forEach((ok, k) => at(k, ok)); // one failure at 1 s, HEALTHY throughout
    expect(e.takeDirtyDetails(T0 + 3100, 0).find((d) => d.id === 'live.a')?.firstFailureAt).toBeUndefined();
    at(4, false);
    const down = at(5, false);
    expect(down.find((x) => x.kind === 'endpoint')?.details).toMatchObject({ firstFailureAt: T0 + 4000 });
  });
});
