import { Client } from 'pg';
import Redis from 'ioredis';
import { loadEnv } from '../libs/config/src/env';

/** Fails fast, with a clear message, when the real Postgres or Redis the e2e tests need is not up. */
export default async function globalSetup(): Promise<void> {
  const env = loadEnv();
  const admin = new URL(env.DATABASE_URL);
  admin.pathname = '/postgres';
  const pg = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await pg.connect();
    await pg.query('SELECT 1');
  } catch (err) {
    throw new Error(`e2e tests need PostgreSQL at ${admin.host}: ${(err as Error).message}`, { cause: err });
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new Redis(env.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`e2e tests need Redis at ${env.REDIS_URL}: ${(err as Error).message}`, { cause: err });
  } finally {
    redis.disconnect();
  }
}
