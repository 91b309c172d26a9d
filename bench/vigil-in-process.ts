import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { Client } from 'pg';
import { roleFeatures } from '@apps/vigil';
import { loadEnv, type ConfigInput, type Env } from '@libs/config';
import { fleetConfig } from '@libs/fleet';
import { createVigilApp } from '@libs/runtime';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 20 ms until it returns something other than undefined; throws after `ms`. */
export async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * The failover benchmarks' policy: one step (maxStepPercent 100), 1 s between steps, failback after
 * 2 s healthy. Injections come back to back: they are not the flapping that damping (and the
 * failback backoff, held at recoveryHold by maxHold) is for.
 */
export const BENCH_POLICY = {
  maxStepPercent: 100,
  stepInterval: '1s',
  recoveryHold: '2s',
  cooldown: '1s',
  maxActionsPerHour: 1000,
  maxUtilization: 1,
  flapping: { maxTransitions: 1000, window: '1m', hold: '1s' },
  failbackBackoff: { maxHold: '2s' },
} satisfies NonNullable<ConfigInput['services']>[number]['policy'];

/**
 * The failover benchmarks' config of `fleet`: service `live`, checks every 1 s (timeout 500 ms),
 * unhealthy after 3 failures, healthy after 2, BENCH_POLICY. The caller adds the traffic manager and rules.
 */
export function benchConfig(fleet: Parameters<typeof fleetConfig>[0]): ConfigInput {
  return fleetConfig(fleet, {
    service: 'live',
    interval: '1s',
    timeout: '500ms',
    unhealthyThreshold: 3,
    healthyThreshold: 2,
    policy: BENCH_POLICY,
  }) as ConfigInput;
}

/** Vigil with every role in this process, on a fresh database and Redis prefix. */
export interface InProcessVigil {
  env: Env;
  app: INestApplication;
  url: string;
  /** Connected to Vigil's database. */
  pg: Client;
  /** PUT /api/v1/config; throws with Vigil's answer when refused. */
  putConfig(doc: ConfigInput): Promise<void>;
  /** Resolves once `count` IDCs went UNKNOWN -> HEALTHY. */
  allHealthy(count: number, ms: number): Promise<void>;
  /** Closes the app, drops the database and deletes the Redis keys. */
  close(): Promise<void>;
}

/** Starts Vigil in this process; `extraEnv` goes over process.env (LOG_LEVEL defaults to silent). */
export async function startInProcessVigil(extraEnv: Record<string, string> = {}): Promise<InProcessVigil> {
  const id = randomBytes(4).toString('hex');
  const base = loadEnv();
  const db = new URL(base.DATABASE_URL);
  db.pathname = `/vigil_bench_${id}`;
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const env = loadEnv({
    ...process.env,
    DATABASE_URL: db.toString(),
    VIGIL_REDIS_PREFIX: `vigil-bench-${id}`,
    VIGIL_ADMIN_TOKEN: token,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    PORT: '0',
    ...extraEnv,
  });
  const cleanup = async () => {
    const admin = new Client({ connectionString: base.DATABASE_URL.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "vigil_bench_${id}" WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(base.REDIS_URL);
    const keys = await redis.keys(`vigil-bench-${id}:*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    await redis.quit();
  };
  const app = await createVigilApp(env, roleFeatures(env));
  const pg = new Client({ connectionString: env.DATABASE_URL });
  try {
    await app.listen(0, '127.0.0.1');
    await pg.connect();
  } catch (error) {
    await app.close();
    await cleanup();
    throw error;
  }
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  return {
    env,
    app,
    url,
    pg,
    async putConfig(doc) {
      const put = await fetch(`${url}/api/v1/config`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(doc),
      });
      if (!put.ok) throw new Error(await put.text());
    },
    async allHealthy(count, ms) {
      const healthy = async () =>
        Number(
          (
            await pg.query(
              `SELECT count(*) FROM health_events WHERE kind = 'idc' AND after = 'HEALTHY' AND before = 'UNKNOWN'`,
            )
          ).rows[0].count,
        );
      await until(async () => ((await healthy()) === count ? true : undefined), ms, 'every IDC HEALTHY');
    },
    async close() {
      await pg.end();
      await app.close();
      await cleanup();
    },
  };
}
