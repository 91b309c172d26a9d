import { startFleet, fleetConfig, type Fleet } from '@libs/fleet';
import { loadEnv } from '@libs/config';
import {
  startVigilProcess,
  stopController,
  type ControllerProcess,
  LEADING,
} from './support/controller-process';
import { call } from './support/http';
import { poll } from './support/poll';
import { killRedis, startSentinelSetup, type SentinelSetup } from './support/redis-servers';
import { dropDatabase, startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

/** This suite's fixed loopback ports: master, replica, three Sentinels; controller and prober HTTP; fleet. */
const REDIS_PORTS = [27780, 27781, 27782, 27783, 27784];
const CONTROLLER_PORT = 27785;
const PROBER_PORT = 27786;
const FLEET_PORT = 27796;
const LEASE_TTL_MS = 10_000;

interface StatusBody {
  generatedAt: number | null;
  services: Array<{ service: string; idcs: Array<{ idc: string; state: string }> }>;
}

/** The sum of every series of a counter in a Prometheus text exposition. */
function total(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.split(' ').pop());
  return sum;
}

/**
 * Vigil on a Redis master with one replica and three Sentinels (REDIS_SENTINELS): the API in this
 * process, the controller and the prober each in a process of their own, a loopback fleet probed every
 * second from two vantages. The master is failed over twice while probes run (SENTINEL FAILOVER,
 * then kill -9 of the new master): health goes on, the leader keeps or retakes the lease within its
 * TTL, an endpoint broken meanwhile turns UNHEALTHY and HEALTHY again, and every probe the fleet answered is
 * counted exactly once by the controller (none lost in a failover, none applied twice).
 */
describe('Vigil on Redis Sentinel through master failovers', () => {
  let setup: SentinelSetup;
  let fleet: Fleet;
  let vigil: VigilUnderTest;
  let controller: ControllerProcess;
  let prober: ControllerProcess;
  let redisEnv: Record<string, string>;

  const metrics = async (port: number) =>
    (await call(`http://127.0.0.1:${port}`, 'GET', '/metrics', { token: vigil.adminToken })).text;
  const status = async () =>
    (await call<StatusBody>(vigil.url, 'GET', '/api/v1/status', { token: vigil.adminToken })).body;
  /** Polls until the endpoint is in `state`; the failure names the state it was last seen in. */
  const endpointTurns = async (id: string, state: string) => {
    let last: unknown;
    await poll(
      async () => {
        const reply = await call<{ state: string }>(vigil.url, 'GET', `/api/v1/endpoints/live.${id}/health`, {
          token: vigil.adminToken,
        });
        last = reply.body;
        return reply.body.state === state ? true : undefined;
      },
      30_000,
      `${id} ${state}`,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last seen ${JSON.stringify(last).slice(0, 1500)}\n${outputs()}`);
    });
  };
  const outputs = () =>
    `controller: ${controller.output().slice(-3000)}\nprober: ${prober.output().slice(-3000)}`;

  /**
   * Runs `failover` while watching `/status` every 250 ms; resolves once the Sentinels name `to` as
   * master, the status is fresh again and the fleet got new probes. Returns the longest time the
   * published status was older than the moment it was read.
   */
  const throughFailover = async (to: number, failover: () => Promise<void>): Promise<number> => {
    let stalest = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const s = await status().catch(() => undefined);
        if (s?.generatedAt) stalest = Math.max(stalest, Date.now() - s.generatedAt);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const before = fleet.totals().requests;
    const startedAt = Date.now();
    try {
      await failover();
      await poll(
        async () => ((await setup.masterPort()) === to ? true : undefined),
        60_000,
        `master on ${to}`,
      );
      console.log(`redis-sentinel: ${to} is master ${Date.now() - startedAt} ms after the failover began`);
      await poll(
        async () => {
          const s = await status();
          return s.generatedAt && s.generatedAt > Date.now() - 3000 ? true : undefined;
        },
        LEASE_TTL_MS * 3,
        `a fresh status after the failover to ${to}`,
      ).catch(async (err: Error) => {
        const s = await status().catch(() => undefined);
        throw new Error(`${err.message}: generatedAt ${s?.generatedAt} at ${Date.now()} (${outputs()})`);
      });
      await poll(
        async () => (fleet.totals().requests > before + 20 ? true : undefined),
        30_000,
        'probes to go on',
      );
    } finally {
      watching = false;
      await watcher;
    }
    return stalest;
  };

  beforeAll(async () => {
    setup = await startSentinelSetup(REDIS_PORTS);
    fleet = await startFleet({ idcs: ['sha', 'bjs'], endpointsPerIdc: 2, basePort: FLEET_PORT });
    redisEnv = {
      // Only the password, db and TLS of the URL count: the Sentinels name the master.
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORTS[0]}/0`,
      REDIS_SENTINELS: setup.sentinelList,
      REDIS_SENTINEL_NAME: setup.name,
      VIGIL_LEASE_TTL_MS: String(LEASE_TTL_MS),
    };
    vigil = await startVigil({ ...redisEnv, VIGIL_ROLES: 'api' });
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: fleetConfig(fleet, {
        service: 'live',
        interval: '1s',
        timeout: '800ms',
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      }),
    });
    expect(applied.status).toBe(200);
    controller = startVigilProcess(vigil, 'controller', 'controller', {
      ...redisEnv,
      PORT: String(CONTROLLER_PORT),
    });
    prober = startVigilProcess(vigil, 'prober', 'prober', {
      ...redisEnv,
      PORT: String(PROBER_PORT),
      VIGIL_SHUTDOWN_TIMEOUT_MS: '10000',
    });
    await everyIdcHealthy(vigil, { idcs: 2, deadlineMs: 90_000 });
  }, 180_000);

  afterAll(async () => {
    for (const p of [prober, controller]) if (p) await stopController(p);
    await vigil?.stop();
    if (vigil) await dropDatabase(loadEnv().DATABASE_URL, vigil.env.DATABASE_URL);
    await fleet?.close();
    await setup?.stop();
  });

  it('probes, health and leadership go on, and every result is applied once', async () => {
    const [broken] = fleet.endpoints;

    // 1. A planned failover; an endpoint breaks at the same moment.
    const stalest1 = await throughFailover(REDIS_PORTS[1], async () => {
      await setup.sentinel('failover', setup.name);
      await fleet.set({ endpoint: broken.id }, { mode: 'status', code: 503 });
    });
    await endpointTurns(broken.id, 'UNHEALTHY');
    console.log(`redis-sentinel: status at most ${stalest1} ms old through SENTINEL FAILOVER`);
    expect(stalest1).toBeLessThan(LEASE_TTL_MS);

    // 2. The new master dies (kill -9) once the old one follows it again; the endpoint recovers meanwhile.
    await poll(
      async () => {
        const replicas = (await setup.sentinel('replicas', setup.name)) as string[][];
        return replicas.some(
          (r) => r[r.indexOf('port') + 1] === String(REDIS_PORTS[0]) && r[r.indexOf('flags') + 1] === 'slave',
        )
          ? true
          : undefined;
      },
      60_000,
      'the old master to be a replica the Sentinels can promote',
    );
    const stalest2 = await throughFailover(REDIS_PORTS[0], async () => {
      await killRedis(setup.servers[1]);
      await fleet.set({ endpoint: broken.id }, 'up');
    });
    await endpointTurns(broken.id, 'HEALTHY');
    console.log(`redis-sentinel: status at most ${stalest2} ms old through kill -9 of the master`);
    expect(stalest2).toBeLessThan(LEASE_TTL_MS * 2);
    // The results' gap may have left the IDCs stale (UNKNOWN) for a moment: they are HEALTHY again.
    await everyIdcHealthy(vigil, { idcs: 2, deadlineMs: 30_000 });

    // 3. Every probe the fleet answered is in the model once: stop the prober (it sends what it has),
    // then the controller's count of results taken must reach the fleet's count of requests, exactly.
    const leaderships = controller.output().split(LEADING).length - 1;
    prober.kill('SIGTERM');
    await poll(async () => (prober.exitCode !== null ? true : undefined), 30_000, 'the prober to stop');
    expect(prober.exitCode).toBe(0);
    const requests = fleet.totals().requests;
    let last = 0;
    const ingested = await poll(
      async () => {
        last = total(await metrics(CONTROLLER_PORT), 'vigil_results_ingested_total');
        return last >= requests ? last : undefined;
      },
      60_000,
      `the controller to take every result (${requests} requests)`,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${last} taken (${outputs()})`);
    });
    const text = await metrics(CONTROLLER_PORT);
    console.log(
      `redis-sentinel: ${requests} probes answered, ${ingested} results applied, ` +
        `${total(text, 'vigil_result_batches_repeated_total')} repeated batches dropped, ` +
        `${leaderships} leaderships of the controller`,
    );
    expect(ingested).toBe(requests);
    expect(total(text, 'vigil_controller_leader')).toBe(1);
  }, 300_000);
});
