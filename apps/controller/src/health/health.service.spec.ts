import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { ENV, type StoredConfig } from '@libs/config';
import type { HealthEvent } from '@libs/domain';
import type { ProbeResult, ResultBatchJob } from '@libs/queue';
import { ConfigFollower, MetricsService, REDIS } from '@libs/runtime';
import { ControllerLease } from '../controller-lease';
import { TrafficWeights } from '../traffic-weights';
import { HealthStore } from './health-store';
import { ResultsWorker } from './results-worker';
import { HealthService } from './health.service';
import { twoIdcConfig } from '../testing/two-idc-config';

/** The results queue's consumer as HealthService drives it (the real one needs Redis: the e2e tests). */
class FakeResultsWorker {
  running = false;
  readonly start = jest.fn((_handle: unknown, _vantages: Iterable<string>) => {
    this.running = true;
  });
  readonly stop = jest.fn(async () => {
    this.running = false;
  });
  readonly sync = jest.fn();
}

const config = twoIdcConfig();

/** One probe of both endpoints from both vantages, now (healthyThreshold 2: two rounds take them UP). */
let batches = 0;
const round = (ok: boolean): ResultBatchJob => ({
  batch: `p1.${++batches}`,
  prober: 'p1',
  configVersion: 1,
  results: ['a', 'b'].flatMap((ep) =>
    ['sha', 'bjs'].map((vantage): ProbeResult => ({
      check: 'live/http',
      endpoint: `live.${ep}`,
      vantage,
      type: 'http',
      scheduledAt: Date.now(),
      startedAt: Date.now(),
      latencyMs: 1,
      ok,
    })),
  ),
});
const idcEvents = (calls: unknown[][]) =>
  calls.flatMap(([events]) =>
    (events as HealthEvent[]).filter((e) => e.kind === 'idc').map((e) => `${e.idc}:${e.after}`),
  );

/** The lease as HealthService sees it: the test decides when it is gained and lost. */
class FakeLease {
  fencingToken: number | null = null;
  private readonly acquired: Array<(token: number) => Promise<void> | void> = [];
  private readonly lost: Array<() => Promise<void> | void> = [];
  get isLeader(): boolean {
    return this.fencingToken !== null;
  }
  on(event: 'acquired' | 'lost', listener: (token: number) => Promise<void> | void): void {
    if (event === 'acquired') this.acquired.push(listener);
    else this.lost.push(listener as () => Promise<void> | void);
  }
  leadership() {
    return { leader: null, self: this.isLeader, ready: true, leaderlessSeconds: 0 };
  }
  async acquire(token: number): Promise<void> {
    this.fencingToken = token;
    for (const listener of this.acquired) await listener(token);
  }
  async lose(): Promise<void> {
    this.fencingToken = null;
    for (const listener of this.lost) await listener();
  }
}

async function setup() {
  const lease = new FakeLease();
  const store = {
    loadStatus: jest.fn(async () => null),
    loadDetails: jest.fn(async () => []),
    publishStatus: jest.fn(async () => undefined),
    recordEvents: jest.fn(async () => undefined),
    writeRollups: jest.fn(async () => undefined),
    applyRetention: jest.fn(async () => 0),
    pruneDetails: jest.fn(async () => undefined),
  };
  const configListeners: Array<(c: StoredConfig, version: number) => Promise<void> | void> = [];
  const follower = {
    onConfig: (listener: (c: StoredConfig, version: number) => Promise<void> | void) =>
      configListeners.push(listener),
    refresh: jest.fn(async () => {
      for (const listener of configListeners) await listener(config, 1);
    }),
  };
  const redis = {
    scanStream: () =>
      (async function* () {
        yield ['vigil:probers:sha:p1', 'vigil:probers:bjs:p2'];
      })(),
  };
  const results = new FakeResultsWorker();
  const moduleRef = await Test.createTestingModule({
    providers: [
      HealthService,
      TrafficWeights,
      { provide: ControllerLease, useValue: lease },
      { provide: HealthStore, useValue: store },
      { provide: ResultsWorker, useValue: results },
      { provide: ConfigFollower, useValue: follower },
      { provide: MetricsService, useValue: { registry: new Registry() } },
      { provide: REDIS, useValue: redis },
      { provide: ENV, useValue: { VIGIL_REDIS_PREFIX: 'vigil', VIGIL_LEASE_TTL_MS: 10_000 } },
    ],
  }).compile();
  await moduleRef.init();
  return {
    moduleRef,
    lease,
    store,
    follower,
    configListeners,
    results,
    redis,
    weights: moduleRef.get(TrafficWeights),
  };
}

describe('HealthService', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.clearAllMocks();
  });
  afterEach(() => jest.useRealTimers());

  it('evaluates nothing and takes no results while it does not lead', async () => {
    const { follower, store, results } = await setup();
    await follower.refresh();
    await jest.advanceTimersByTimeAsync(5000);
    expect(results.start).not.toHaveBeenCalled();
    expect(store.publishStatus).not.toHaveBeenCalled();
  });

  it('on taking the lease restores the state, takes results and publishes the status each second, with the weights in force', async () => {
    const { lease, store, follower, weights, results } = await setup();
    weights.set(new Map([['live', { sha: 70, bjs: 30 }]]));
    await lease.acquire(5);
    expect(follower.refresh).toHaveBeenCalled(); // the config first
    expect(store.loadStatus).toHaveBeenCalled();
    expect(store.loadDetails).toHaveBeenCalled();
    expect(results.start).toHaveBeenCalledTimes(1);
    // One results queue per vantage of the config.
    expect([...results.start.mock.calls[0][1]].sort()).toEqual(['bjs', 'sha']);

    await jest.advanceTimersByTimeAsync(1000);
    expect(store.publishStatus).toHaveBeenCalledTimes(1);
    const [snapshot] = store.publishStatus.mock.calls[0] as unknown as [
      { services: Array<{ idcs: Array<{ idc: string; weight: number }> }> },
    ];
    expect(snapshot.services[0].idcs.map((i) => [i.idc, i.weight])).toEqual([
      ['bjs', 30],
      ['sha', 70],
    ]);
  });

  it('stops evaluating once the lease is lost, and stops the results worker', async () => {
    const { lease, store, results } = await setup();
    await lease.acquire(5);
    await jest.advanceTimersByTimeAsync(2000);
    const published = store.publishStatus.mock.calls.length;
    expect(published).toBeGreaterThan(0);

    await lease.lose();
    expect(results.stop).toHaveBeenCalledTimes(1);
    expect(results.running).toBe(false);
    await jest.advanceTimersByTimeAsync(5000);
    expect(store.publishStatus).toHaveBeenCalledTimes(published);
  });

  it('publishes nothing once the lease is no longer held, even before the step-down has run', async () => {
    const { lease, store } = await setup();
    await lease.acquire(5);
    await jest.advanceTimersByTimeAsync(1000);
    const published = store.publishStatus.mock.calls.length;
    lease.fencingToken = null; // lost; the 'lost' listeners not run yet
    await jest.advanceTimersByTimeAsync(3000);
    expect(store.publishStatus).toHaveBeenCalledTimes(published);
  });

  it('gives up a take-over when the lease moved on while the state was loading', async () => {
    const { lease, store, results } = await setup();
    store.loadStatus.mockImplementationOnce(async () => {
      lease.fencingToken = null; // lost meanwhile
      return null;
    });
    await lease.acquire(5);
    expect(store.loadDetails).not.toHaveBeenCalled();
    expect(results.start).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(3000);
    expect(store.publishStatus).not.toHaveBeenCalled();
  });

  it('consumes the results queues of the vantages of each new config and of the live probers', async () => {
    const { lease, configListeners, results } = await setup();
    await lease.acquire(5);
    const next = twoIdcConfig();
    next.services[0].checks[0].vantages = ['fra'];
    results.sync.mockClear();
    for (const listener of configListeners) await listener(next, 2); // a new version arrives
    expect([...results.sync.mock.calls[0][0]].sort()).toEqual(['bjs', 'fra', 'sha']);
  });

  it('consumes the results queue of a vantage with a live prober that no check names', async () => {
    const { lease, results, redis } = await setup();
    redis.scanStream = () =>
      (async function* () {
        yield ['vigil:probers:sha:p1', 'vigil:probers:hkg:p2'];
      })();
    await lease.acquire(5);
    await jest.advanceTimersByTimeAsync(1000); // an evaluation reads the heartbeats
    expect([...results.sync.mock.calls.at(-1)![0]].sort()).toEqual(['bjs', 'hkg', 'sha']);
  });

  it('forgets the details of endpoints a new config dropped only on the leader', async () => {
    const { lease, store, follower } = await setup();
    await follower.refresh();
    expect(store.pruneDetails).not.toHaveBeenCalled();
    lease.fencingToken = 3;
    await follower.refresh();
    expect(store.pruneDetails).toHaveBeenCalledWith(new Set(['live.a', 'live.b']));
  });

  it('evaluates a (service, IDC) as soon as a batch moves one of its tracks, not at the next tick', async () => {
    const { lease, store, results } = await setup();
    await lease.acquire(5);
    await jest.advanceTimersByTimeAsync(1000); // the first tick
    const handle = (results.start.mock.calls[0] as unknown as [(batch: ResultBatchJob) => number])[0];
    const published = store.publishStatus.mock.calls.length;

    await jest.advanceTimersByTimeAsync(100);
    handle(round(true)); // one success each: no track moves
    await jest.advanceTimersByTimeAsync(0);
    expect(store.publishStatus).toHaveBeenCalledTimes(published);

    await jest.advanceTimersByTimeAsync(100);
    handle(round(true)); // the second: every track UP, 700 ms before the next tick
    await jest.advanceTimersByTimeAsync(0);
    expect(store.publishStatus).toHaveBeenCalledTimes(published + 1);
    expect(idcEvents(store.recordEvents.mock.calls).sort()).toEqual(['bjs:HEALTHY', 'sha:HEALTHY']);

    await jest.advanceTimersByTimeAsync(1000); // the tick repeats nothing
    expect(idcEvents(store.recordEvents.mock.calls)).toHaveLength(2);
  });

  it('evaluates a change that comes during an evaluation right after it, in order', async () => {
    const { lease, store, results } = await setup();
    await lease.acquire(5);
    await jest.advanceTimersByTimeAsync(1000);
    const handle = (results.start.mock.calls[0] as unknown as [(batch: ResultBatchJob) => number])[0];
    handle(round(true));
    let release!: () => void;
    store.publishStatus.mockImplementationOnce(
      () => new Promise<undefined>((r) => (release = () => r(undefined))),
    );
    await jest.advanceTimersByTimeAsync(1000); // a tick, held in publishStatus
    const events = store.recordEvents.mock.calls.length;
    handle(round(true)); // moves every track while that evaluation runs
    await jest.advanceTimersByTimeAsync(0);
    expect(store.recordEvents).toHaveBeenCalledTimes(events); // not two at once

    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(store.recordEvents).toHaveBeenCalledTimes(events + 2); // the tick's, then the change's at once
    expect(idcEvents(store.recordEvents.mock.calls).sort()).toEqual(['bjs:HEALTHY', 'sha:HEALTHY']);
  });
});
