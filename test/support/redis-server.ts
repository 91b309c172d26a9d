import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { poll } from './poll';

/** A redis-server of the test's own (no persistence), for what the shared one must not get: ACL users. */
export interface RedisServer {
  url: string;
  /** A connection as the default user (every right). */
  admin: Redis;
  close(): Promise<void>;
}

/** Starts `redis-server` on 127.0.0.1:`port` in a temporary directory; resolves once it answers PING. */
export async function startRedisServer(port: number): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  await poll(
    async () => {
      if (admin.status !== 'ready') await admin.connect().catch(() => undefined);
      return (await admin.ping()) === 'PONG' ? true : undefined;
    },
    10_000,
    `redis-server on ${port}`,
  );
  return {
    url,
    admin,
    close: async () => {
      admin.disconnect();
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
