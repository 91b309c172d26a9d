import { dedupKey, driftEvent, type Dispatched, type HealthEvent } from '@libs/domain';
import { NotifierEngine, type NotifierEngineDeps } from './notifier-engine';
import { twoIdcConfig } from '../testing/two-idc-config';

const config = twoIdcConfig({
  channels: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/hook' }],
  notifications: { groupWait: '10s', routes: [{ channels: ['hook'], events: ['idc.state'] }] },
});

const T0 = 1_800_000_000_000;
const down = (at: number): HealthEvent => ({
  kind: 'idc',
  at,
  service: 'live',
  idc: 'sha',
  before: 'HEALTHY',
  after: 'UNHEALTHY',
  reason: 'capacity',
  details: { healthyRatio: 0 },
});

/**
 * The engine with fakes: a store that records in memory (a dedup key once, as the table does), a
 * lease whose token the test sets, and one Redis map that setIfLeader writes only under the current
 * token, as the Lua script does.
 */
function setup() {
  let clock = T0;
  let nextId = 0;
  const redis = new Map<string, string>();
  const recorded = new Map<string, Dispatched & { id: string }>();
  const store = {
    record: jest.fn(async (dispatched: readonly Dispatched[]) => {
      const stored = new Map<string, string>();
      const pending: string[] = [];
      for (const d of dispatched) {
        const key = dedupKey(d);
        if (!recorded.has(key)) {
          const row = { ...d, id: `n${++nextId}` };
          recorded.set(key, row);
          if (d.outcome.state === 'pending') pending.push(row.id);
        }
        stored.set(key, recorded.get(key)!.outcome.state);
      }
      return { stored, pending };
    }),
    silences: jest.fn(async () => []),
    actionChanges: jest.fn(async () => ({ changes: [] })),
    stuckPending: jest.fn(async () => ({ ids: ['stuck-1'] })),
    applyRetention: jest.fn(async () => 0),
  };
  const lease = {
    fencingToken: null as number | null,
    get isLeader() {
      return this.fencingToken !== null;
    },
    setIfLeader: jest.fn(async (entries: Readonly<Record<string, string>>, token?: number) => {
      if (lease.fencingToken === null || token !== lease.fencingToken) return false;
      for (const [k, v] of Object.entries(entries)) redis.set(k, v);
      return true;
    }),
  };
  const deps = {
    store,
    lease,
    mget: jest.fn(async (...keys: string[]) => keys.map((k) => redis.get(k) ?? null)),
    key: (name: string) => `vigil:notify:${name}`,
    enqueue: jest.fn(async (_ids: readonly string[]) => undefined),
    created: jest.fn((_d: Dispatched) => undefined),
    dropped: jest.fn((_n: number) => undefined),
    retentionDays: 30,
    log: jest.fn(),
    warn: jest.fn(),
    now: () => clock,
  } satisfies NotifierEngineDeps;
  const engine = new NotifierEngine(deps);
  engine.setConfig(config);
  const at = (ms: number) => (clock = T0 + ms);
  const queued = () => deps.enqueue.mock.calls.flatMap(([ids]) => ids);
  return { engine, deps, store, lease, redis, recorded, at, queued };
}

describe('NotifierEngine', () => {
  it('does nothing without the lease: no reads, no records, no saves; what it was handed is dropped', async () => {
    const { engine, deps, store, lease, at, queued } = setup();
    engine.takeEvents([down(T0)]);
    await engine.tick();
    await engine.sweep();
    await engine.retention();
    expect(deps.mget).not.toHaveBeenCalled();
    expect(store.actionChanges).not.toHaveBeenCalled();
    expect(store.record).not.toHaveBeenCalled();
    expect(store.stuckPending).not.toHaveBeenCalled();
    expect(store.applyRetention).not.toHaveBeenCalled();
    expect(lease.setIfLeader).not.toHaveBeenCalled();

    // Leading later: the event handed over while following is gone, so nothing is ever sent for it.
    lease.fencingToken = 1;
    at(20_000);
    await engine.tick();
    expect(queued()).toEqual([]);
  });

  it('records and queues a new IDC transition once groupWait has passed, and saves the book under its token', async () => {
    const { engine, deps, lease, redis, recorded, at, queued } = setup();
    lease.fencingToken = 7;
    engine.takeEvents([down(T0)]);
    await engine.tick();
    expect(queued()).toEqual([]); // waiting out groupWait
    expect(deps.mget).toHaveBeenCalledTimes(1); // took over from Redis first

    at(10_000);
    await engine.tick();
    const [only, ...more] = [...recorded.values()];
    expect(more).toEqual([]);
    expect(only).toMatchObject({
      channel: 'hook',
      outcome: { state: 'pending' },
      notice: { phase: 'trigger', event: 'idc.state', incidentKey: `idc/live/sha/${T0}` },
    });
    expect(queued()).toEqual([only.id]);
    expect(deps.created).toHaveBeenCalledTimes(1);
    expect(lease.setIfLeader).toHaveBeenLastCalledWith(
      { 'vigil:notify:incidents': expect.any(String), 'vigil:notify:actions-cursor': String(T0) },
      7,
    );
    expect(Object.keys(JSON.parse(redis.get('vigil:notify:incidents')!).incidents)).toEqual(['idc/live/sha']);

    at(11_000); // nothing new: nothing recorded, queued or saved again
    const saves = lease.setIfLeader.mock.calls.length;
    await engine.tick();
    expect(queued()).toEqual([only.id]);
    expect(lease.setIfLeader).toHaveBeenCalledTimes(saves);
  });

  it('stops once the lease is lost: the next ticks read, record and save nothing', async () => {
    const { engine, deps, store, lease, at } = setup();
    lease.fencingToken = 2;
    engine.takeEvents([down(T0)]);
    await engine.tick();
    const calls = () =>
      [deps.mget, store.actionChanges, store.record, lease.setIfLeader].map((f) => f.mock.calls.length);
    const before = calls();

    lease.fencingToken = null;
    at(10_000);
    await engine.tick();
    at(20_000);
    await engine.tick();
    expect(calls()).toEqual(before);
    expect(deps.enqueue).not.toHaveBeenCalled();
  });

  it('takes over again from Redis after a save refused, and on a new fencing token', async () => {
    const { engine, deps, lease, redis, at } = setup();
    lease.fencingToken = 3;
    engine.takeEvents([down(T0)]);
    await engine.tick();
    expect(deps.mget).toHaveBeenCalledTimes(1);

    // Another controller leads meanwhile (token 4) and saves its own book; this one still has 3.
    redis.set('vigil:notify:incidents', JSON.stringify({ incidents: {} }));
    lease.setIfLeader.mockResolvedValueOnce(false);
    engine.takeEvents([{ ...down(T0 + 1000), before: 'UNHEALTHY', after: 'HEALTHY', reason: 'ok' }]);
    at(1000);
    await engine.tick();
    expect(deps.warn).toHaveBeenCalledWith('not the leader any more: the incident book was not saved');

    at(2000);
    await engine.tick();
    expect(deps.mget).toHaveBeenCalledTimes(2); // the refused save: read again

    lease.fencingToken = 5;
    at(3000);
    await engine.tick();
    expect(deps.mget).toHaveBeenCalledTimes(3); // a new leadership: read again
  });

  it('keeps what a failed tick took for the next one, which records the same notice', async () => {
    const { engine, store, lease, recorded, at, queued } = setup();
    lease.fencingToken = 1;
    engine.takeEvents([down(T0)]);
    await engine.tick();
    store.record.mockRejectedValueOnce(new Error('postgres down'));
    at(10_000);
    await expect(engine.tick()).rejects.toThrow('postgres down');
    expect(queued()).toEqual([]);
    const failed = (store.record.mock.calls.at(-1)![0] as Dispatched[]).map(dedupKey);
    expect(failed).toHaveLength(1);

    at(11_000);
    await engine.tick();
    expect([...recorded.keys()]).toEqual(failed);
    expect(queued()).toEqual([recorded.get(failed[0])!.id]);
  });

  it('sweeps and applies retention only on the leader', async () => {
    const { engine, store, lease, at, queued } = setup();
    lease.fencingToken = 1;
    at(200_000);
    await engine.sweep();
    await engine.retention();
    expect(store.stuckPending).toHaveBeenCalledWith(new Date(T0 + 200_000 - 120_000), undefined);
    expect(queued()).toEqual(['stuck-1']);
    expect(store.applyRetention).toHaveBeenCalledWith(new Date(T0 + 200_000 - 30 * 86_400_000));
  });

  it('drops the oldest events beyond 50,000 waiting, and counts them', () => {
    const { engine, deps } = setup();
    engine.takeEvents(Array.from({ length: 50_003 }, (_, i) => down(T0 + i)));
    expect(deps.dropped).toHaveBeenCalledWith(3);
  });

  describe('traffic drift', () => {
    const driftConfig = twoIdcConfig({
      channels: [
        { name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/hook' },
        { name: 'ops', type: 'webhook', url: 'http://127.0.0.1:9/ops' },
      ],
      notifications: {
        groupWait: '10s',
        routes: [
          { channels: ['hook'], events: ['idc.state'] },
          { channels: ['ops'], events: ['traffic.drift'] },
        ],
      },
    });
    const drifting = (at: number, on = true) =>
      driftEvent({
        service: 'live',
        at,
        drifting: on,
        reason: on ? 'sha has 100, Vigil applied 50' : 'weights agree',
        details: { expected: { sha: 50, bjs: 50 }, actual: { sha: 100, bjs: 0 } },
      });
    const sent = (recorded: Map<string, Dispatched & { id: string }>) =>
      [...recorded.values()].map(
        (d) => `${d.channel} ${d.notice.phase} ${d.notice.event} ${d.notice.incidentKey}`,
      );

    it('opens traffic/<service> after groupWait, routed by its event, and resolves it where it went', async () => {
      const { engine, lease, redis, recorded, at, queued } = setup();
      engine.setConfig(driftConfig);
      lease.fencingToken = 1;
      engine.notifyDrift(drifting(T0));
      await engine.tick();
      expect(sent(recorded)).toEqual([]); // waiting out groupWait

      at(10_000);
      await engine.tick();
      expect(sent(recorded)).toEqual([`ops trigger traffic.drift traffic/live/${T0}`]);
      expect(JSON.parse(redis.get('vigil:notify:incidents')!).incidents['traffic/live']).toMatchObject({
        event: 'traffic.drift',
        sent: true,
        reached: ['ops'],
      });

      engine.notifyDrift(drifting(T0 + 30_000, false));
      at(30_000);
      await engine.tick();
      expect(sent(recorded)).toEqual([
        `ops trigger traffic.drift traffic/live/${T0}`,
        `ops resolve traffic.drift traffic/live/${T0}`,
      ]);
      expect(queued()).toHaveLength(2);
      expect(JSON.parse(redis.get('vigil:notify:incidents')!).incidents).toEqual({});
    });

    it('takes drift events beside health events, and keeps both over a failed tick', async () => {
      const { engine, store, lease, recorded, at } = setup();
      engine.setConfig(driftConfig);
      lease.fencingToken = 1;
      engine.takeEvents([down(T0)]);
      engine.notifyDrift(drifting(T0));
      await engine.tick();
      store.record.mockRejectedValueOnce(new Error('postgres down'));
      at(10_000);
      await expect(engine.tick()).rejects.toThrow('postgres down');

      at(11_000);
      await engine.tick();
      expect(sent(recorded).sort()).toEqual([
        `hook trigger idc.state idc/live/sha/${T0}`,
        `ops trigger traffic.drift traffic/live/${T0}`,
      ]);
    });

    it('resolves the drift of a service the config no longer has', async () => {
      const { engine, lease, recorded, at } = setup();
      engine.setConfig(driftConfig);
      lease.fencingToken = 1;
      engine.notifyDrift(drifting(T0));
      await engine.tick();
      at(10_000);
      await engine.tick();

      engine.setConfig({
        ...driftConfig,
        services: driftConfig.services.map((service) => ({ ...service, name: 'vod' })),
      });
      at(20_000);
      await engine.tick();
      const resolve = [...recorded.values()].find((d) => d.notice.phase === 'resolve');
      expect(resolve).toMatchObject({
        channel: 'ops',
        notice: { id: `traffic/live/${T0}:resolve:removed`, details: { reason: 'removed from config' } },
      });
    });
  });
});
