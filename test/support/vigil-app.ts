import type { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { roleFeatures } from '@apps/vigil';
import { loadEnv, type Env } from '@libs/config';
import { createVigilApp } from '@libs/runtime';

export interface VigilUnderTest {
  app: NestExpressApplication;
  env: Env;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  adminToken: string;
  /** Runs SQL against this instance's own database. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Stops the app and keeps its database and Redis keys (for a restart with the same env). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Starts the real Vigil app (every role unless VIGIL_ROLES says otherwise) on a free loopback port
 * (or `PORT`),
 * with its own new Postgres database and Redis key prefix, so suites never see each other's state.
 * `close()` stops it, drops the database and deletes the prefix's keys.
 */
export async function startVigil(overrides: Record<string, string> = {}): Promise<VigilUnderTest> {
  const id = randomBytes(5).toString('hex');
  const base = loadEnv();
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const env = loadEnv({
    ...process.env,
    DATABASE_URL: withDatabase(base.DATABASE_URL, `vigil_e2e_${id}`),
    VIGIL_REDIS_PREFIX: `vigil-e2e-${id}`,
    VIGIL_ADMIN_TOKEN: adminToken,
    VIGIL_AUTH_FAILURES_PER_MINUTE: '100000',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...overrides,
  });
  const app = await createVigilApp(env, roleFeatures(env));
  // PORT=0 (the default here): a free port; a suite that needs a fixed one passes PORT.
  await app.listen(env.PORT, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  // A test may cut Postgres away (TcpProxy): sql() then fails, but the lost connection must not throw.
  db.on('error', () => undefined);
  return {
    app,
    env,
    url: `http://127.0.0.1:${port}`,
    adminToken,
    sql: async <T>(text: string, params?: unknown[]) => (await db.query(text, params)).rows as T[],
    stop: async () => {
      await db.end();
      await app.close();
    },
    close: async () => {
      await db.end().catch(() => undefined);
      await app.close();
      await dropDatabase(base.DATABASE_URL, env.DATABASE_URL);
      await deleteKeys(env.REDIS_URL, `${env.VIGIL_REDIS_PREFIX}:*`);
    },
  };
}

export async function dropDatabase(adminUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function deleteKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

/** The routes the app serves, as `METHOD /path` with Express params (`/config/versions/:n`); Nest's 405 catch-alls left out. */
export function servedRoutes(vigil: Pick<VigilUnderTest, 'app'>): string[] {
  const router = vigil.app.getHttpAdapter().getInstance().router as {
    stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  };
  const routes = router.stack
    .filter((layer) => layer.route && Object.keys(layer.route.methods).length < 5)
    .flatMap((layer) =>
      Object.keys(layer.route!.methods)
        .filter((m) => m !== 'head' && m !== '_all')
        .map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(/(.)\/$/, '$1')}`),
    );
  return [...new Set(routes)].sort();
}
