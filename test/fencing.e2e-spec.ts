import Redis from 'ioredis';
import { startTrafficManager, type FakeTrafficManager } from '@libs/fleet';
import {
  leaders,
  startController,
  stopController,
  type ControllerProcess,
} from './support/controller-process';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/**
 * A controller leader paused (SIGSTOP) while the GSLB holds its step request, until the other
 * controller has taken the lease and sent that step again; then it resumes (SIGCONT) still believing
 * it leads, with its request timed out and due for a retry. Fencing: it sends nothing more (the lease
 * is checked in Redis before every request), and what it would record is refused by the database
 * (the step and the service's weights carry the newer leader's token). The action is a manual
 * set-weights, run at once whatever the health: no prober or fleet is needed.
 */
describe('a controller leader paused mid-action, then resumed (fencing)', () => {
  const SECRET = 'gslb-fencing-secret';
  let gslb: FakeTrafficManager;
  let vigil: VigilUnderTest;
  let redis: Redis;
  const controllers: ControllerProcess[] = [];

  const api = <T = any>(method: string, path: string, json?: unknown) =>
    call<T>(vigil.url, method, `/api/v1${path}`, { token: vigil.adminToken, json });
  const leaseKey = () => `${vigil.env.VIGIL_REDIS_PREFIX}:leader:controller`;

  beforeAll(async () => {
    gslb = await startTrafficManager({ secret: SECRET });
    vigil = await startVigil({ VIGIL_ROLES: 'api' });
    redis = new Redis(vigil.env.REDIS_URL);
    const config = {
      apiVersion: 'vigil/v1',
      idcs: [
        { name: 'sha', capacity: 10 },
        { name: 'bjs', capacity: 10 },
      ],
      services: [
        {
          name: 'live',
          endpoints: [
            { idc: 'sha', name: 'a', url: 'http://127.0.0.1:9/' },
            { idc: 'bjs', name: 'b', url: 'http://127.0.0.1:9/' },
          ],
          checks: [{ name: 'http', type: 'http' }],
          trafficManager: {
            type: 'webhook',
            url: gslb.url,
            secret: { secretRef: 'VIGIL_REF_TEST_GSLB_FENCING_SECRET' },
            timeout: '2s',
          },
        },
      ],
    };
    expect((await api('PUT', '/config', config)).status).toBe(200);
    for (const name of ['controller-a', 'controller-b'])
      controllers.push(startController(vigil, name, { VIGIL_REF_TEST_GSLB_FENCING_SECRET: SECRET }));
    // Two processes compiling the controller with ts-node: slow on a busy machine.
    await poll(async () => (leaders(controllers).length ? true : undefined), 200_000, 'a controller to lead');
  }, 240_000);
  afterAll(async () => {
    await Promise.all(controllers.map((c) => stopController(c)));
    redis?.disconnect();
    await vigil?.close();
    await gslb?.close();
  });

  it('the paused leader sends nothing more after it resumes, and overwrites nothing', async () => {
    const [paused] = leaders(controllers);
    expect(leaders(controllers)).toHaveLength(1);
    const other = controllers.find((c) => c !== paused)!;
    const pausedHolder = await redis.get(leaseKey());
    const oldToken = Number(await redis.get(`${leaseKey()}:token`));

    gslb.failNext(1, { hang: true }); // the GSLB holds the step's request
    const weights = { sha: 30, bjs: 70 };
    const set = await api('PUT', '/services/live/weights', { weights, reason: 'fencing drill' });
    expect(set.status).toBe(200);
    const held = await poll(async () => gslb.received()[0], 60_000, 'the step held by the GSLB');
    expect(held.fencingToken).toBe(oldToken);
    expect(held.status).toBeUndefined(); // not answered
    paused.kill('SIGSTOP');

    await poll(
      async () => {
        const holder = await redis.get(leaseKey());
        return holder !== null && holder !== pausedHolder ? true : undefined;
      },
      60_000,
      'the other controller to take the lease',
    );
    const newToken = Number(await redis.get(`${leaseKey()}:token`));
    expect(newToken).toBeGreaterThan(oldToken);
    // The new leader sends the held step again, under its own token, before the paused one resumes.
    const applied = await poll(
      async () => gslb.applied('live')[0],
      60_000,
      `the step sent again by the new leader (output: ${other.output().slice(-1000)})`,
    );
    expect(applied).toMatchObject({ weights, fencingToken: newToken });
    const actionId = applied.actionId;
    await poll(
      async () => ((await api('GET', `/actions/${actionId}`)).body.state === 'completed' ? true : undefined),
      30_000,
      'the action completed by the new leader',
    );

    const resumedAt = gslb.received().length;
    const outputAt = paused.output().length;
    paused.kill('SIGCONT');
    // Its held request times out and is due for a retry: the fence (the lease, checked in Redis) stops
    // it, and the executor logs what became of the step.
    await poll(
      async () => (paused.output().slice(outputAt).includes(`action ${actionId} step 1`) ? true : undefined),
      60_000,
      `the resumed leader to give up the step (output: ${paused.output().slice(-1000)})`,
    );

    // Nothing reached the GSLB after the resume; nothing had to be refused.
    expect(gslb.received().slice(resumedAt)).toEqual([]);
    expect(gslb.received().map((r) => [r.fencingToken, r.status])).toEqual([
      [oldToken, undefined], // the held one
      [newToken, 200],
    ]);
    expect(gslb.applied('live')).toHaveLength(1);

    // The rows are the new leader's: the step under its token, the service's weights too.
    const steps = await vigil.sql<{ state: string; attempts: number; fencing_token: string }>(
      `SELECT state, attempts, fencing_token FROM action_steps WHERE action_id = $1`,
      [actionId],
    );
    expect(steps).toEqual([{ state: 'applied', attempts: 2, fencing_token: String(newToken) }]);
    const [traffic] = await vigil.sql<{ desired: Record<string, number>; fencing_token: string }>(
      `SELECT desired, fencing_token FROM service_traffic WHERE service = 'live'`,
    );
    expect(traffic).toEqual({ desired: weights, fencing_token: String(newToken) });
  }, 240_000);
});
