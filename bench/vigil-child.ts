import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { Env } from '@libs/config';

/** A compiled Vigil in its own process, with a fresh database and Redis prefix, for a benchmark. */
export interface BenchVigil {
  process: ChildProcess;
  url: string;
  /** Its bootstrap admin key. */
  token: string;
  prefix: string;
  databaseUrl: string;
  /** Stops it, drops its database and deletes its Redis keys. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Starts `dist/apps/vigil/src/main.js` with the api and controller roles and waits until /readyz says 200. */
export async function startBenchVigil(env: Env, extraEnv: Record<string, string> = {}): Promise<BenchVigil> {
  const id = randomBytes(4).toString('hex');
  const prefix = `vigil-bench-${id}`;
  const db = new URL(env.DATABASE_URL);
  db.pathname = `/vigil_bench_${id}`;
  // A fixed PORT (a benchmark's own range) if given, else a free one.
  const port = extraEnv.PORT ? Number(extraEnv.PORT) : await freePort();
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(__dirname, '..', 'apps', 'vigil', 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: db.toString(),
      VIGIL_REDIS_PREFIX: prefix,
      VIGIL_ROLES: 'api,controller',
      VIGIL_ADMIN_TOKEN: token,
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    await dropBenchState(env, `vigil_bench_${id}`, prefix);
  };
  try {
    for (const deadline = Date.now() + 60_000; ;) {
      const ok = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('Vigil did not become ready');
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { process: child, url, token, prefix, databaseUrl: db.toString(), stop };
}

/** Drops a benchmark's database and every Redis key under its prefix. */
export async function dropBenchState(
  env: Pick<Env, 'DATABASE_URL' | 'REDIS_URL'>,
  database: string,
  prefix: string,
): Promise<void> {
  const admin = new Client({ connectionString: env.DATABASE_URL.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
  const redis = new Redis(env.REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  await redis.quit();
}
