/**
 * A remote prober: the Vigil binary started with only REDIS_URL (an ACL user limited to its keys) and
 * VIGIL_VANTAGE. It follows the config the API publishes to Redis, never touches Postgres, opens a
 * secretRef from its own environment, and cannot run a check whose secret is sealed.
 *
 * Ports (this suite's range, 27760-27779): 27760 a redis-server of its own (for the ACL user),
 * 27761 the prober's HTTP, 27770-27771 the fleet (on 127.0.1.1 and 127.0.2.1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { proberAclRules } from '@apps/prober';
import { JOBS, QUEUES, type ResultBatchJob } from '@libs/queue';
import { publishConfig } from '@libs/runtime';
import { newProberKeyPair, openForVantage, proberPrivateKey } from '@libs/config';
import { fleetConfig, startFleet, type Fleet } from '@libs/fleet';
import { call } from './support/http';
import { poll, sample } from './support/poll';
import { startOwnRedis, type RedisServer } from './support/redis-servers';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

const REDIS_PORT = 27760;
const PROBER_PORT = 27761;
const FLEET_PORT = 27770;
const PROBER_USER = 'prober-fra';
const PROBER_PASSWORD = randomBytes(16).toString('hex');
const PROBE_TOKEN = randomBytes(16).toString('hex');
const METRICS_TOKEN = randomBytes(16).toString('hex');

type Child = ChildProcess & { output: () => string };

/**
 * The Vigil entry with a minimal environment, nothing inherited: no DATABASE_URL, no VIGIL_SECRET_KEY.
 * PATH and HOME for node, TS_NODE_PROJECT to run the sources.
 */
function startRemoteProber(env: Record<string, string>): Child {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/vigil/src/main.ts'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TS_NODE_PROJECT: 'tsconfig.json',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

async function stop(child: Child): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** An endpoint that answers 200 only to `Authorization: Bearer <PROBE_TOKEN>`, 401 otherwise. */
async function guardedEndpoint(): Promise<Server> {
  const server = createServer((req, res) => {
    res.statusCode = req.headers.authorization === `Bearer ${PROBE_TOKEN}` ? 200 : 401;
    res.end();
  });
  server.listen(0, '127.0.1.1');
  await once(server, 'listening');
  return server;
}

describe('a remote prober started with REDIS_URL (an ACL user) and VIGIL_VANTAGE, without Postgres', () => {
  let redis: RedisServer;
  let fleet: Fleet;
  let guarded: Server;
  let vigil: VigilUnderTest;
  let prober: Child;
  let prefix: string;
  const proberUrl = `redis://${PROBER_USER}:${PROBER_PASSWORD}@127.0.0.1:${REDIS_PORT}`;
  const proberHttp = `http://127.0.0.1:${PROBER_PORT}`;

  const apply = async (doc: unknown) => {
    const res = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
    expect(res.status).toBe(200);
    return res.body as { version: number };
  };
  const status = async () =>
    (await call(vigil.url, 'GET', '/api/v1/status', { token: vigil.adminToken })).body as {
      vantages: { live: string[] };
      services: Array<{ service: string; endpoints: Record<string, number> }>;
    };
  const healthy = (service: string, count: number) => async () => {
    const s = await status();
    const found = s.services.find((x) => x.service === service);
    return s.vantages.live.includes('fra') && found?.endpoints.HEALTHY === count ? s : undefined;
  };
  const proberMetrics = async () =>
    (await call(proberHttp, 'GET', '/metrics', { token: METRICS_TOKEN })).text;
  const followed = (version: number) => async () => {
    const res = await call(proberHttp, 'GET', '/readyz');
    return res.status === 200 && res.body.details?.config?.version === version ? res.body : undefined;
  };

  /** v1: the fleet, probed from fra only; v2 adds an endpoint whose check needs a secretRef. */
  const base = () =>
    fleetConfig(fleet, { service: 'live', interval: '1s', timeout: '500ms', vantages: ['fra'] });
  const withGuarded = (authorization: object, extra: object[] = []) => {
    const doc = base();
    const { port } = guarded.address() as AddressInfo;
    doc.services!.push({
      name: 'guarded',
      endpoints: [{ idc: 'fra', name: 'g1', url: `http://127.0.1.1:${port}/` }],
      checks: [
        {
          name: 'auth',
          type: 'http',
          interval: '1s',
          timeout: '500ms',
          vantages: ['fra'],
          http: { headers: { Authorization: authorization } },
        },
        ...extra,
      ] as never,
    });
    return doc;
  };

  /** Vigil (api + controller) on the suite's redis-server, the ACL user for fra, version 1, and the prober. */
  async function start(vigilEnv: Record<string, string>, proberEnv: Record<string, string>): Promise<void> {
    vigil = await startVigil({
      REDIS_URL: redis.url,
      VIGIL_ROLES: 'api,controller',
      VIGIL_SECRET_KEY: randomBytes(16).toString('hex'),
      ...vigilEnv,
    });
    prefix = vigil.env.VIGIL_REDIS_PREFIX;
    await redis.admin.call(
      'ACL',
      'SETUSER',
      PROBER_USER,
      'reset',
      'on',
      `>${PROBER_PASSWORD}`,
      ...proberAclRules(prefix, 'fra'),
    );
    expect(await apply(base())).toMatchObject({ version: 1 });
    prober = startRemoteProber({
      REDIS_URL: proberUrl,
      VIGIL_VANTAGE: 'fra',
      // The suite's own keys and port:
      VIGIL_REDIS_PREFIX: prefix,
      PORT: String(PROBER_PORT),
      ...proberEnv,
    });
  }

  async function stopAll(): Promise<void> {
    if (prober) await stop(prober);
    await vigil?.close();
  }

  beforeAll(async () => {
    redis = await startOwnRedis(REDIS_PORT);
    fleet = await startFleet({ idcs: ['fra', 'sha'], endpointsPerIdc: 2, basePort: FLEET_PORT });
    guarded = await guardedEndpoint();
  });

  afterAll(async () => {
    await fleet?.close();
    guarded?.close();
    await redis?.close();
  });

  describe('with its secrets in its environment', () => {
    beforeAll(
      () => start({}, { VIGIL_REF_PROBE_TOKEN: `Bearer ${PROBE_TOKEN}`, VIGIL_METRICS_TOKEN: METRICS_TOKEN }),
      120_000,
    );
    afterAll(stopAll);

    it('starts without Postgres, probes from the config in Redis, and the controller sees fra live, every endpoint UP', async () => {
      const ready = await poll(
        followed(1),
        90_000,
        `the prober to follow version 1 (output: ${prober.output().slice(-2000)})`,
      );
      // Its readiness is Redis and the config: it has no Postgres to check.
      expect(Object.keys(ready.details).sort()).toEqual(['config', 'redis']);
      expect(prober.output()).toMatch(/"msg":"Vigil listening on :\d+ with roles prober"/);
      expect(prober.output()).not.toMatch(/migration|TypeORM|postgres/i);
      await poll(healthy('live', 4), 60_000, 'fra live and the 4 endpoints UP');
    });

    it('follows an applied config without a restart, with a secretRef opened from its own environment', async () => {
      expect(await apply(withGuarded({ secretRef: 'VIGIL_REF_PROBE_TOKEN' }))).toMatchObject({ version: 2 });
      await poll(followed(2), 30_000, 'the prober to follow version 2');
      await poll(healthy('guarded', 1), 30_000, 'the guarded endpoint UP through the secretRef');
      expect(prober.exitCode).toBeNull();
    });

    it('cannot run a check whose secret is sealed with the master key, says so, and the secret never reaches Redis', async () => {
      const sealed = {
        name: 'sealed',
        type: 'http',
        interval: '1s',
        timeout: '500ms',
        vantages: ['fra'],
        http: { headers: { Authorization: { value: `Bearer ${PROBE_TOKEN}` } } },
      };
      expect(await apply(withGuarded({ secretRef: 'VIGIL_REF_PROBE_TOKEN' }, [sealed]))).toMatchObject({
        version: 3,
      });
      await poll(followed(3), 30_000, 'the prober to follow version 3');
      await poll(
        async () =>
          sample(await proberMetrics(), 'vigil_prober_withheld_secret_checks') === 1 ? true : undefined,
        30_000,
        'the withheld-secret gauge at 1',
      );
      expect(prober.output()).toContain(
        'config version 3: check guarded/sealed cannot run on this remote prober: a secret it needs is sealed',
      );
      const published = await redis.admin.hget(`${prefix}:config:current`, 'document');
      expect(published).toContain('VIGIL_REF_PROBE_TOKEN');
      expect(published).not.toContain(PROBE_TOKEN);
      expect(published).not.toContain('encrypted');
    });

    it('keeps the newest published version when an older one is published late (two API replicas)', async () => {
      const stale = fleetConfig(fleet, { service: 'stale', interval: '1s' });
      expect(await publishConfig(redis.admin, vigil.env, 2, stale as never)).toBe(false);
      expect(await redis.admin.hget(`${prefix}:config:current`, 'version')).toBe('3');
      expect(await redis.admin.hget(`${prefix}:config:current`, 'document')).not.toContain('"stale"');
    });

    it('serves /metrics only with VIGIL_METRICS_TOKEN, /healthz and /readyz to anyone', async () => {
      expect((await call(proberHttp, 'GET', '/metrics')).status).toBe(401);
      expect((await call(proberHttp, 'GET', '/metrics', { token: 'x'.repeat(32) })).status).toBe(401);
      expect((await call(proberHttp, 'GET', '/metrics', { token: METRICS_TOKEN })).status).toBe(200);
      expect((await call(proberHttp, 'GET', '/healthz')).status).toBe(200);
      expect((await call(proberHttp, 'GET', '/api/v1/config')).status).toBe(404);
    });

    it('needed no right beyond its ACL, and has none: other keys, channels and commands are NOPERM', async () => {
      // Every command the prober and BullMQ's scripts ran was allowed.
      const log = (await redis.admin.call('ACL', 'LOG')) as unknown[][];
      const refused = log.filter((entry) => entry[entry.indexOf('username') + 1] === PROBER_USER);
      expect(refused).toEqual([]);

      const client = new Redis(proberUrl, { maxRetriesPerRequest: 1 });
      // A batch claiming sha's results, added as a prober does (BullMQ's script): refused key by key.
      const forged: ResultBatchJob = { batch: 'forged.1', prober: 'forged', configVersion: 3, results: [] };
      const shaResults = new Queue<ResultBatchJob>(QUEUES.results('sha'), {
        connection: client,
        prefix: `${prefix}:bull`,
      });
      shaResults.on('error', () => undefined); // the refusals are asserted below
      try {
        expect(Number(await client.hget(`${prefix}:config:current`, 'version'))).toBe(3);
        // Its own vantage's results queue is its to use.
        expect(await client.llen(`${prefix}:bull:${QUEUES.results('fra')}:wait`)).toBeGreaterThanOrEqual(0);
        const denied: Array<[string, () => Promise<unknown>]> = [
          ['the controller lease', () => client.get(`${prefix}:leader:controller`)],
          ['health of the controller', () => client.get(`${prefix}:health:status`)],
          ["another vantage's tick queue", () => client.zcard(`${prefix}:bull:probes.sha:delayed`)],
          [
            "another vantage's pending results",
            () => client.lrange(`${prefix}:bull:results.sha:wait`, 0, -1),
          ],
          ["another vantage's result batch", () => client.hgetall(`${prefix}:bull:results.sha:1`)],
          ["adding a batch to another vantage's results", () => shaResults.add(JOBS.resultBatch, forged)],
          ["another vantage's heartbeats", () => client.set(`${prefix}:probers:sha:forged`, 'x')],
          ['the notification queue', () => client.hgetall(`${prefix}:bull:notifications:meta`)],
          ['writing the published config', () => client.hset(`${prefix}:config:current`, 'version', '99')],
          ['announcing a config', () => client.publish(`${prefix}:config-applied`, '99')],
          ['listing keys', () => client.scan('0')],
          ['KEYS', () => client.keys('*')],
          ['FLUSHALL', () => client.flushall()],
          ['CONFIG', () => client.config('GET', '*')],
          [
            'a script reading a key it is not given',
            () => client.eval(`return redis.call('GET', '${prefix}:leader:controller')`, 0),
          ],
          ['FUNCTION FLUSH', () => client.call('FUNCTION', 'FLUSH')],
        ];
        for (const [what, attempt] of denied) {
          await expect(attempt().then(() => `${what}: allowed`)).rejects.toThrow(/NOPERM|can't access/);
        }
      } finally {
        await shaResults.close().catch(() => undefined);
        client.disconnect();
      }
    });
  });

  describe('with its own key (VIGIL_PROBER_KEY), the API sealing for it (VIGIL_PROBER_KEYS)', () => {
    const keys = newProberKeyPair();
    beforeAll(
      () => start({ VIGIL_PROBER_KEYS: `fra=${keys.public}` }, { VIGIL_PROBER_KEY: keys.private }),
      120_000,
    );
    afterAll(stopAll);

    it('opens a secret the API sealed for its vantage, which nothing else opens', async () => {
      await poll(
        followed(1),
        90_000,
        `the prober to follow version 1 (output: ${prober.output().slice(-2000)})`,
      );
      expect(await apply(withGuarded({ value: `Bearer ${PROBE_TOKEN}` }))).toMatchObject({ version: 2 });
      await poll(followed(2), 30_000, 'the prober to follow version 2');
      await poll(healthy('guarded', 1), 30_000, 'the guarded endpoint UP through the sealed secret');
      const published = (await redis.admin.hget(`${prefix}:config:current`, 'document'))!;
      expect(published).not.toContain(PROBE_TOKEN);
      const { encrypted } = JSON.parse(published).services[1].checks[0].http.headers.Authorization;
      expect(encrypted).toMatch(/^x1:/);
      expect(openForVantage(encrypted, 'fra', proberPrivateKey(keys.private))).toBe(`Bearer ${PROBE_TOKEN}`);
      expect(() => openForVantage(encrypted, 'fra', proberPrivateKey(newProberKeyPair().private))).toThrow();
    });
  });
});
