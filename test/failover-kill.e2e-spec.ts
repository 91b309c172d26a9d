import { once } from 'node:events';
import { startFleet, startTrafficManager, type FakeTrafficManager, type Fleet } from '@libs/fleet';
import {
  LEADING,
  leaders,
  startControllerPair,
  stopController,
  type ControllerProcess,
} from './support/controller-process';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

type Weights = Record<string, number>;

interface Action {
  id: string;
  kind: string;
  idc: string | null;
  mode: string;
  state: string;
  stepsDone: number;
  stepsTotal: number;
  plan: { steps: Weights[] };
  steps: Array<{ index: number; weights: Weights; state: string; idempotencyKey: string; attempts: number }>;
}

const LEASE_TTL_MS = 10_000;

/**
 * A controller leader killed (SIGKILL) in the middle of a shift: the other controller takes the lease,
 * resumes the action from the database, and every planned step reaches the GSLB exactly once, in
 * order. The api and prober run in this process; the two controllers are real child processes.
 */
describe('a controller leader killed mid-action (two controller processes, fake traffic manager)', () => {
  const SECRET = 'gslb-kill-secret';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let vigil: VigilUnderTest;
  const controllers: ControllerProcess[] = [];

  const api = <T = any>(method: string, path: string, json?: unknown) =>
    call<T>(vigil.url, method, `/api/v1${path}`, { token: vigil.adminToken, json });

  const config = () =>
    drillConfig(fleet, {
      gslbUrl: gslb.url,
      secretEnv: 'VIGIL_REF_TEST_GSLB_KILL_SECRET',
      mode: 'enforce',
      policy: { stepInterval: '2s', recoveryHold: '1h' }, // no failback during the test
    });

  beforeAll(async () => {
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 23800 });
    gslb = await startTrafficManager({ secret: SECRET });
    vigil = await startVigil({ VIGIL_ROLES: 'api,prober' });
    const applied = await api('PUT', '/config', config());
    expect(applied.status).toBe(200);
    const env = { VIGIL_REF_TEST_GSLB_KILL_SECRET: SECRET };
    controllers.push(...(await startControllerPair(vigil, env)));
    await everyIdcHealthy(vigil, { service: 'live' });
  }, 100_000);
  afterAll(async () => {
    await Promise.all(controllers.map((c) => stopController(c)));
    await vigil?.close();
    await gslb?.close();
    await fleet?.close();
  });

  it('the other controller takes over and finishes the shift, each step applied exactly once, in order', async () => {
    const [leader] = leaders(controllers);
    expect(leaders(controllers)).toHaveLength(1);
    const follower = controllers.find((c) => c !== leader)!;

    await fleet.set({ idc: 'sha' }, 'refused'); // sha carries 40%: four steps of 10%
    const firstStep = await poll(async () => gslb.applied('live')[0], 30_000, 'the first step at the GSLB');
    // The GSLB applies the second step but its answer is lost (503, retry in 10 s): the leader is killed
    // while that step is recorded as `applying`, the worst moment for "exactly once".
    gslb.failNext(1, { status: 503, retryAfter: 10, afterApply: true });
    const secondKey = `${firstStep.actionId}:1`;
    await poll(
      async () => gslb.received().find((r) => r.idempotencyKey === secondKey && r.status === 503),
      30_000,
      'the second step applied, its answer lost',
    );
    leader.kill('SIGKILL');
    const killedAt = Date.now();
    await once(leader, 'exit');
    expect(gslb.applied('live').map((c) => c.step)).toEqual([1, 2]); // killed before the last step
    const atKill = await vigil.sql<{ index: number; state: string }>(
      `SELECT index, state FROM action_steps WHERE action_id = $1 ORDER BY index`,
      [firstStep.actionId],
    );
    expect(atKill.map((s) => s.state)).toEqual(['applied', 'applying', 'pending', 'pending']);

    await poll(async () => (follower.output().includes(LEADING) ? true : undefined), 20_000, 'a new leader');
    // The lease expires at most a TTL after the last renewal; the follower tries every TTL/3.
    expect(Date.now() - killedAt).toBeLessThan(LEASE_TTL_MS + LEASE_TTL_MS / 3 + 1000);

    const done = await poll(
      async () => {
        const res = await api<Action>('GET', `/actions/${firstStep.actionId}`);
        return res.body.state === 'completed' ? res.body : undefined;
      },
      40_000,
      `the shift to complete after the failover (follower output: ${follower.output().slice(-1000)})`,
    );
    expect(done).toMatchObject({
      kind: 'shift-away',
      idc: 'sha',
      mode: 'enforce',
      stepsDone: 4,
      stepsTotal: 4,
    });
    const planned = done.plan.steps;
    expect(planned).toHaveLength(4);
    expect(planned.at(-1)!.sha).toBe(0);

    // Applied changes (replays excluded): every planned step once, in order, with its own key.
    const applied = gslb.applied('live');
    expect(applied.every((c) => c.actionId === done.id)).toBe(true);
    expect(applied.map((c) => c.weights)).toEqual(planned);
    expect(applied.map((c) => c.step)).toEqual([1, 2, 3, 4]);
    expect(applied.map((c) => c.idempotencyKey)).toEqual(planned.map((_, i) => `${done.id}:${i}`));
    expect(gslb.weights('live')).toEqual(planned.at(-1));
    // What the GSLB received per key: the second step twice, the new leader's retry answered by replay.
    const received: Record<string, Array<number | undefined>> = {};
    for (const r of gslb.received()) (received[r.idempotencyKey ?? '?'] ??= []).push(r.status);
    expect(received).toEqual({
      [`${done.id}:0`]: [200],
      [secondKey]: [503, 200],
      [`${done.id}:2`]: [200],
      [`${done.id}:3`]: [200],
    });
    expect(gslb.replays).toBe(1);
    expect(gslb.received().every((r) => r.signed)).toBe(true);
    expect(gslb.unauthorized).toBe(0);

    // In Vigil: one action, completed; one row per step, each applied, with the planned weights.
    expect(done.steps.map((s) => [s.index, s.state])).toEqual([
      [0, 'applied'],
      [1, 'applied'],
      [2, 'applied'],
      [3, 'applied'],
    ]);
    expect(done.steps.map((s) => s.weights)).toEqual(planned);
    expect(done.steps[1].attempts).toBe(2); // once by each leader
    const rows = await vigil.sql<{ index: number; n: number }>(
      `SELECT index, count(*)::int AS n FROM action_steps WHERE action_id = $1 GROUP BY index ORDER BY index`,
      [done.id],
    );
    expect(rows).toEqual([0, 1, 2, 3].map((index) => ({ index, n: 1 })));
    const actions = await vigil.sql<{ id: string }>(`SELECT id FROM actions WHERE state <> 'refused'`);
    expect(actions.map((a) => a.id)).toEqual([done.id]);
    const [traffic] = await vigil.sql<{ desired: Weights; applied: Weights }>(
      `SELECT desired, applied FROM service_traffic WHERE service = 'live'`,
    );
    expect(traffic).toEqual({ desired: planned.at(-1), applied: planned.at(-1) });
  }, 90_000);
});
