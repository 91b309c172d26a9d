import Redis from 'ioredis';
import { startFleet, startTrafficManager, type FakeTrafficManager, type Fleet } from '@libs/fleet';
import {
  LEADING,
  startController,
  stopController,
  type ControllerProcess,
} from './support/controller-process';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

type Weights = Record<string, number>;

/**
 * A controller leader paused (SIGSTOP) while the GSLB holds one of its step requests, until the other
 * controller has taken the lease and sent that step again; then it resumes (SIGCONT) still believing
 * it leads, with its request timing out and due for a retry. Fencing: it sends nothing more (the lease
 * is checked in Redis before every request), and what it would record is refused by the database
 * (the step and the service's weights carry the newer leader's token).
 */
describe('a controller leader paused mid-action, then resumed (fencing)', () => {
  const SECRET = 'gslb-fencing-secret';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let vigil: VigilUnderTest;
  let redis: Redis;
  const controllers: ControllerProcess[] = [];

  const api = <T = any>(method: string, path: string, json?: unknown) =>
    call<T>(vigil.url, method, `/api/v1${path}`, { token: vigil.adminToken, json });
  const leaseKey = () => `${vigil.env.VIGIL_REDIS_PREFIX}:leader:controller`;
  const leaders = () => controllers.filter((c) => c.output().includes(LEADING));

  beforeAll(async () => {
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 26400 });
    gslb = await startTrafficManager({ secret: SECRET });
    vigil = await startVigil({ VIGIL_ROLES: 'api,prober' });
    redis = new Redis(vigil.env.REDIS_URL);
    const config = drillConfig(fleet, {
      gslbUrl: gslb.url,
      secretEnv: 'VIGIL_TEST_GSLB_FENCING_SECRET',
      mode: 'enforce',
      policy: { stepInterval: '2s', recoveryHold: '1h' }, // no failback during the test
    });
    expect((await api('PUT', '/config', config)).status).toBe(200);
    for (const name of ['controller-a', 'controller-b'])
      controllers.push(startController(vigil, name, { VIGIL_TEST_GSLB_FENCING_SECRET: SECRET }));
    // Two processes compiling the controller with ts-node: slow on a busy machine.
    await poll(async () => (leaders().length ? true : undefined), 150_000, 'a controller to lead');
    await poll(
      async () => {
        const status = (await api('GET', '/status')).body;
        const idcs = status.services?.find((s: { service: string }) => s.service === 'live')?.idcs ?? [];
        return idcs.length === 3 && idcs.every((i: { state: string }) => i.state === 'HEALTHY')
          ? true
          : undefined;
      },
      90_000,
      'every IDC HEALTHY',
    );
  }, 240_000);
  afterAll(async () => {
    if (process.env.DEBUG_FENCING) for (const c of controllers) console.log(c.name, c.output());
    await Promise.all(controllers.map((c) => stopController(c)));
    redis?.disconnect();
    await vigil?.close();
    await gslb?.close();
    await fleet?.close();
  });

  it('the paused leader sends nothing more after it resumes, and overwrites nothing', async () => {
    const [paused] = leaders();
    expect(leaders()).toHaveLength(1);
    const other = controllers.find((c) => c !== paused)!;
    const pausedHolder = await redis.get(leaseKey());
    const oldToken = Number(await redis.get(`${leaseKey()}:token`));

    await fleet.set({ idc: 'sha' }, 'refused'); // sha carries 40%: four steps of 10%
    const first = await poll(async () => gslb.applied('live')[0], 30_000, 'the first step at the GSLB');
    expect(first.fencingToken).toBe(oldToken);
    gslb.failNext(1, { hang: true }); // the GSLB holds the second step's request
    const secondKey = `${first.actionId}:1`;
    await poll(
      async () => gslb.received().find((r) => r.idempotencyKey === secondKey),
      30_000,
      'the second step held by the GSLB',
    );
    paused.kill('SIGSTOP');

    const holder = await poll(
      async () => {
        const now = await redis.get(leaseKey());
        return now !== null && now !== pausedHolder ? now : undefined;
      },
      30_000,
      'the other controller to take the lease',
    );
    expect(holder).not.toBe(pausedHolder);
    const newToken = Number(await redis.get(`${leaseKey()}:token`));
    expect(newToken).toBeGreaterThan(oldToken);
    await poll(async () => (other.output().includes(LEADING) ? true : undefined), 20_000, 'a new leader');
    // The new leader sends the held step again, under its own token, before the paused one resumes.
    await poll(
      async () => gslb.applied('live').find((c) => c.step === 2),
      30_000,
      `the second step sent again by the new leader (output: ${other.output().slice(-1000)})`,
    );

    const resumedAt = gslb.received().length;
    const outputAt = paused.output().length;
    paused.kill('SIGCONT');
    // Its held request times out and is due for a retry: the fence (the lease, checked in Redis) stops
    // it, and the executor logs what became of the step.
    const ofStep2 = `action ${first.actionId} step 2`;
    await poll(
      async () => (paused.output().slice(outputAt).includes(ofStep2) ? true : undefined),
      30_000,
      `the resumed leader to stop its retry (output: ${paused.output().slice(outputAt).slice(-1000)})`,
    );
    const done = await poll(
      async () => {
        const res = await api('GET', `/actions/${first.actionId}`);
        return res.body.state === 'completed' ? res.body : undefined;
      },
      40_000,
      `the shift to complete (output: ${other.output().slice(-1000)})`,
    );

    // Nothing reached the GSLB from the old token after the resume; nothing had to be refused.
    const after = gslb.received().slice(resumedAt);
    expect(after.filter((r) => r.fencingToken !== newToken)).toEqual([]);
    expect(gslb.received().filter((r) => r.status === 409)).toEqual([]);
    expect(gslb.received().map((r) => r.fencingToken)).toEqual([
      oldToken,
      oldToken, // the held one
      newToken,
      newToken,
      newToken,
    ]);
    const planned = (done.plan as { steps: Weights[] }).steps;
    expect(gslb.applied('live').map((c) => [c.step, c.weights])).toEqual(planned.map((w, i) => [i + 1, w]));

    // The rows are the new leader's: each step under its token once it sent it, the weights too.
    const steps = await vigil.sql<{ index: number; state: string; attempts: number; fencing_token: string }>(
      `SELECT index, state, attempts, fencing_token FROM action_steps WHERE action_id = $1 ORDER BY index`,
      [first.actionId],
    );
    expect(steps).toEqual([
      { index: 0, state: 'applied', attempts: 1, fencing_token: String(oldToken) },
      { index: 1, state: 'applied', attempts: 2, fencing_token: String(newToken) },
      { index: 2, state: 'applied', attempts: 1, fencing_token: String(newToken) },
      { index: 3, state: 'applied', attempts: 1, fencing_token: String(newToken) },
    ]);
    const [traffic] = await vigil.sql<{ desired: Weights; fencing_token: string }>(
      `SELECT desired, fencing_token FROM service_traffic WHERE service = 'live'`,
    );
    expect(traffic).toEqual({ desired: planned.at(-1), fencing_token: String(newToken) });
  }, 150_000);
});
