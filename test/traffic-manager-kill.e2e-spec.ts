import { once } from 'node:events';
import { fleetConfig, startFleet, type Fleet } from '@libs/fleet';
import {
  LEADING,
  leaders,
  startControllerPair,
  stopController,
  type ControllerProcess,
} from './support/controller-process';
import { startHaproxy, type RunningHaproxy } from './support/haproxy';
import { call } from './support/http';
import { poll } from './support/poll';
import { RuntimeApiRecorder, type RecordedBatch } from './support/runtime-api-recorder';
import {
  idcOfServer,
  near,
  serversOf,
  settle,
  sharesOf,
  watchStates,
  type Shares,
} from './support/traffic-readings';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

// Ports 27670-27689: the fleet's endpoints 27670-27671 (on 127.0.{1,2,3}.1), HAProxy's frontend 27680,
// the recording Runtime API front 27681.
const BASELINE = { sha: 40, bjs: 30, szx: 30 };
const BASELINE_SERVER_WEIGHT: Record<string, number> = { sha: 256, bjs: 192, szx: 192 };
/** Read-back rounding: HAProxy shares are whole server weights out of at most 1,536. */
const TOLERANCE = 1;

interface Action {
  id: string;
  kind: string;
  idc: string | null;
  state: string;
  stepsDone: number;
  stepsTotal: number;
  plan: { steps: Shares[] };
  steps: Array<{
    index: number;
    weights: Shares;
    state: string;
    idempotencyKey: string;
    attempts: number;
    finishedAt: string;
  }>;
}

/** Percent per IDC that one recorded batch's `set server <backend>/<server> weight <w>` commands set. */
function sharesSet(batch: RecordedBatch): Shares {
  return sharesOf(
    batch.commands.flatMap((c) => {
      const m = /^set server \S+\/(\S+) weight (\d+)$/.exec(c);
      return m ? [{ name: m[1], userWeight: Number(m[2]) }] : [];
    }),
  );
}

/**
 * A controller leader killed (SIGKILL) in the middle of a step against a real HAProxy: the step's
 * weights reached HAProxy but the answer never reached the leader (a recording front holds it back),
 * so the step is still `applying` when the leader dies. The other controller process takes the lease
 * and finishes the shift. Proof that no step was lost or applied twice: HAProxy went through the plan's
 * steps once each, in order, never back (sampled directly), every write that reached it is a planned
 * step in plan order with only the in-flight one repeated (same absolute weights), each step's key has
 * one row, applied, and the read-back agrees with the last step.
 */
describe('a controller leader killed mid-step against a real HAProxy (two controller processes)', () => {
  let fleet: Fleet;
  let haproxy: RunningHaproxy;
  let recorder: RuntimeApiRecorder;
  let vigil: VigilUnderTest;
  const controllers: ControllerProcess[] = [];

  const api = <T = any>(method: string, path: string, json?: unknown) =>
    call<T>(vigil.url, method, `/api/v1${path}`, { token: vigil.adminToken, json });

  const config = () => {
    const doc = fleetConfig(fleet, {
      service: 'live',
      interval: '1s',
      timeout: '500ms',
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      capacity: 50,
      // No failback during the test.
      policy: {
        maxStepPercent: 10,
        stepInterval: '2s',
        recoveryHold: '1h',
        cooldown: '1s',
        maxUtilization: 1,
      },
    }) as Record<string, any>;
    doc.services[0].weights = BASELINE;
    // A write whose answer is held must still be pending when the leader is killed: a long timeout.
    doc.services[0].trafficManager = {
      type: 'haproxy',
      runtimeApi: recorder.runtimeApi,
      backend: 'be_live',
      timeout: '20s',
    };
    doc.rules = [
      {
        name: 'idc-down',
        when: 'idc.state == "UNHEALTHY"',
        for: '0s',
        mode: 'enforce',
        actions: [{ type: 'shift-away' }],
      },
    ];
    return doc;
  };

  beforeAll(async () => {
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 2, basePort: 27670 });
    haproxy = await startHaproxy({
      frontendPort: 27680,
      backend: 'be_live',
      servers: fleet.endpoints.map((e) => ({
        name: e.id,
        address: e.address,
        weight: BASELINE_SERVER_WEIGHT[e.idc],
      })),
    });
    recorder = new RuntimeApiRecorder(haproxy.socketPath, 27681);
    await recorder.start();
    vigil = await startVigil({ VIGIL_ROLES: 'api,prober' });
    const applied = await api('PUT', '/config', config());
    expect(`${applied.status} ${applied.text}`).toMatch(/^200 /);
    const env = { VIGIL_READBACK_INTERVAL_MS: '1000' };
    controllers.push(...(await startControllerPair(vigil, env)));
    await everyIdcHealthy(vigil, { service: 'live' });
  }, 100_000);
  afterAll(async () => {
    await Promise.all(controllers.map((c) => stopController(c)));
    await vigil?.close();
    await recorder?.stop();
    await haproxy?.stop();
    await fleet?.close();
  });

  it('the other controller finishes the shift: each step reaches HAProxy in order, none lost, none re-applied out of turn', async () => {
    const [leader] = leaders(controllers);
    expect(leaders(controllers)).toHaveLength(1);
    const follower = controllers.find((c) => c !== leader)!;
    const haproxyShares = async () => sharesOf((await serversOf(haproxy, 'be_live')).values());
    expect(await haproxyShares()).toEqual(BASELINE);
    const seen = watchStates(haproxyShares, (s) => JSON.stringify(s));

    await fleet.set({ idc: 'sha' }, 'refused'); // sha's 40%: four steps of 10
    await poll(
      async () => (recorder.writes().length === 1 ? true : undefined),
      30_000,
      'the first step at HAProxy',
    );
    recorder.holdNextWrite();
    const held = await poll(
      async () => recorder.writes().find((w) => !w.answered),
      30_000,
      'the second step applied by HAProxy, its answer held back',
    );
    leader.kill('SIGKILL');
    await once(leader, 'exit');
    const [{ id }] = await vigil.sql<{ id: string }>(`SELECT id FROM actions WHERE kind = 'shift-away'`);
    const atKill = await vigil.sql<{ state: string }>(
      `SELECT state FROM action_steps WHERE action_id = $1 ORDER BY index`,
      [id],
    );
    expect(atKill.map((s) => s.state)).toEqual(['applied', 'applying', 'pending', 'pending']);
    expect(recorder.writes()).toHaveLength(2); // the dead leader sent nothing after the held step

    await poll(async () => (follower.output().includes(LEADING) ? true : undefined), 30_000, 'a new leader');
    const done = await poll(
      async () => {
        const res = await api<Action>('GET', `/actions/${id}`);
        return res.body.state === 'completed' ? res.body : undefined;
      },
      40_000,
      `the shift to complete after the failover (follower output: ${follower.output().slice(-1000)})`,
    );
    const plan = done.plan.steps;
    const states = await settle(seen, (s) => near(s, plan.at(-1)!, TOLERANCE));
    expect(done).toMatchObject({ kind: 'shift-away', idc: 'sha', stepsDone: 4, stepsTotal: 4 });
    expect(plan).toHaveLength(4);
    expect(plan.at(-1)).toEqual({ sha: 0, bjs: 50, szx: 50 });

    // Every write that reached HAProxy: the planned steps in order, the held one sent again by the new
    // leader (the same absolute weights, so HAProxy's state does not move), nothing else.
    const writes = recorder.writes();
    const expected = [0, 1, 1, 2, 3].map((i) => plan[i]);
    expect(writes).toHaveLength(expected.length);
    writes.forEach((w, i) =>
      expect({ i, ok: near(sharesSet(w), expected[i], TOLERANCE) }).toEqual({ i, ok: true }),
    );
    expect(writes.map((w) => w.answered)).toEqual([true, false, true, true, true]);
    expect(writes[1]).toBe(held);
    // Every server got an absolute weight in each write: a repeat cannot add up.
    for (const w of writes)
      expect(new Set(w.commands.filter((c) => c.startsWith('set ')).map((c) => c.split(' ')[2]))).toEqual(
        new Set(fleet.endpoints.map((e) => `be_live/${e.id}`)),
      );
    expect(
      writes.every((w) =>
        w.commands.every((c) => /^(set server \S+ weight \d+|show servers state be_live)$/.test(c)),
      ),
    ).toBe(true);

    // What HAProxy went through, sampled from its own socket: the baseline, then each step once, in order.
    expect(states.length).toBe(plan.length + 1);
    expect(states[0]).toEqual(BASELINE);
    states
      .slice(1)
      .forEach((s, i) => expect({ i, ok: near(s, plan[i], TOLERANCE) }).toEqual({ i, ok: true }));

    // In Vigil: one row per step, each key applied once; the in-flight step tried once by each leader.
    expect(done.steps.map((s) => [s.index, s.state, s.idempotencyKey])).toEqual(
      plan.map((_, i) => [i, 'applied', `${id}:${i}`]),
    );
    expect(done.steps.map((s) => s.attempts)).toEqual([1, 2, 1, 1]);
    expect(done.steps.map((s) => s.weights)).toEqual(plan);
    const keys = await vigil.sql<{ key: string; n: number }>(
      `SELECT idempotency_key AS key, count(*)::int AS n FROM action_steps GROUP BY idempotency_key ORDER BY 1`,
    );
    expect(keys).toEqual(
      plan.map((_, i) => ({ key: `${id}:${i}`, n: 1 })).sort((a, b) => a.key.localeCompare(b.key)),
    );

    // HAProxy ends at the last step; Vigil read it back and agrees.
    const servers = await serversOf(haproxy, 'be_live');
    expect(near(sharesOf(servers.values()), plan.at(-1)!, TOLERANCE)).toBe(true);
    expect(
      [...servers.values()].filter((s) => idcOfServer(s.name) === 'sha').map((s) => s.userWeight),
    ).toEqual([0, 0]);
    const view = (await api('GET', '/services/live/traffic')).body;
    expect(view.applied).toEqual(plan.at(-1));
    expect(view.actual).toMatchObject({ ok: true, drained: [] });
    expect(near(view.actual.weights, plan.at(-1)!, TOLERANCE)).toBe(true);
    const later = await poll(
      async () => {
        const v = (await api('GET', '/services/live/traffic')).body;
        return Date.parse(v.actual.readAt) > Date.parse(done.steps[3].finishedAt) ? v : undefined;
      },
      10_000,
      'a periodic read-back after the last step',
    );
    expect(later.drift).toBeNull();
    expect(near(later.actual.weights, plan.at(-1)!, TOLERANCE)).toBe(true);
  }, 120_000);
});
