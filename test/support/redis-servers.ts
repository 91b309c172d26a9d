import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { poll } from './poll';

/** One redis-server (or sentinel) the test started, with what it printed. */
export interface RedisProcess {
  port: number;
  child: ChildProcess;
  output(): string;
}

/** `redis-server` with `args` on 127.0.0.1:`port`, no persistence, in `dir`; resolves once it answers PING. */
export async function startRedisServer(
  port: number,
  dir: string,
  args: string[] = [],
): Promise<RedisProcess> {
  return startProcess('redis-server', [...serverArgs(port, dir), ...args], port);
}

function serverArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
}

async function startProcess(command: string, args: string[], port: number): Promise<RedisProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const proc: RedisProcess = { port, child, output: () => out };
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await poll(
      async () => {
        if (child.exitCode !== null) throw new Error(`${command} on ${port} exited: ${out}`);
        await redis.connect().catch(() => undefined);
        return (await redis.ping()) === 'PONG' ? true : undefined;
      },
      15_000,
      `${command} on ${port} (output: ${out.slice(-500)})`,
    );
  } finally {
    redis.disconnect();
  }
  return proc;
}

/** A redis-server of the test's own, for what the shared one must not get (ACL users). */
export interface RedisServer {
  url: string;
  /** A connection as the default user (every right). */
  admin: Redis;
  close(): Promise<void>;
}

/** Starts a redis-server on 127.0.0.1:`port` in a temporary directory, with an admin connection. */
export async function startOwnRedis(port: number): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-redis-'));
  const proc = await startRedisServer(port, dir);
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  return {
    url,
    admin,
    close: async () => {
      admin.disconnect();
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        const exited = once(proc.child, 'exit');
        proc.child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** SIGKILL (no goodbye to its clients); resolves once it exited. */
export async function killRedis(proc: RedisProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = once(proc.child, 'exit');
  proc.child.kill('SIGKILL');
  await exited;
}

/** A master, a replica of it and three Sentinels watching them (quorum 2), all on loopback. */
export interface SentinelSetup {
  name: string;
  servers: RedisProcess[];
  sentinels: RedisProcess[];
  /** `host:port,…` of the Sentinels, as REDIS_SENTINELS takes it. */
  sentinelList: string;
  /** The port of the master the Sentinels name now. */
  masterPort(): Promise<number>;
  /** A command to one Sentinel (the first one still running). */
  sentinel(...args: string[]): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Starts the master on `ports[0]`, a replica on `ports[1]` and Sentinels on `ports[2..4]` (Debian's
 * `redis-sentinel`), in a fresh temp dir, with `down-after-milliseconds` 1000 so a dead master is
 * replaced within seconds; resolves once every Sentinel knows the replica and the other Sentinels.
 */
export async function startSentinelSetup(
  ports: readonly number[],
  name = 'mymaster',
): Promise<SentinelSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-sentinel-'));
  const servers: RedisProcess[] = [];
  const sentinels: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all([...sentinels, ...servers].map(killRedis));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    servers.push(await startRedisServer(ports[0], dir, ['--dbfilename', 'master.rdb']));
    servers.push(
      await startRedisServer(ports[1], dir, [
        '--dbfilename',
        'replica.rdb',
        '--replicaof',
        '127.0.0.1',
        String(ports[0]),
      ]),
    );
    for (const port of ports.slice(2, 5)) {
      // A Sentinel rewrites its config file: each has its own.
      const file = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${ports[0]} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push(await startProcess('redis-sentinel', [file], port));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const running = () => sentinels.find((s) => s.child.exitCode === null && s.child.signalCode === null)!;
  const sentinel = async (...args: string[]) => {
    const client = new Redis({ port: running().port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    try {
      return await client.call('SENTINEL', ...args);
    } finally {
      client.disconnect();
    }
  };
  // Ready for a failover: every Sentinel sees the replica in sync and the two other Sentinels.
  await poll(
    async () => {
      for (const s of sentinels) {
        const client = new Redis({ port: s.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
        try {
          const replicas = (await client.call('SENTINEL', 'replicas', name)) as string[][];
          const others = (await client.call('SENTINEL', 'sentinels', name)) as string[][];
          const replicaOk = replicas.some(
            (r) => field(r, 'port') === String(ports[1]) && field(r, 'flags') === 'slave',
          );
          if (!replicaOk || others.length < 2) return undefined;
        } finally {
          client.disconnect();
        }
      }
      return true;
    },
    60_000,
    'every Sentinel to know the replica and the other Sentinels',
  );
  return {
    name,
    servers,
    sentinels,
    sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    masterPort: async () => Number(((await sentinel('get-master-addr-by-name', name)) as string[])[1]),
    sentinel,
    stop,
  };
}

/** A field of a SENTINEL reply given as a flat [name, value, name, value, …] list. */
function field(flat: string[], name: string): string | undefined {
  const i = flat.indexOf(name);
  return i >= 0 && i % 2 === 0 ? flat[i + 1] : undefined;
}

/** A Redis Cluster of masters only, on loopback. */
export interface ClusterSetup {
  servers: RedisProcess[];
  /** `host:port,…`, as REDIS_CLUSTER_NODES takes it. */
  nodeList: string;
  stop(): Promise<void>;
}

/**
 * Starts one master on each of `ports` (cluster bus on `busPorts`, so the test stays in its port
 * range), joins them with `redis-cli --cluster create` (no replicas) and resolves once every node says
 * `cluster_state:ok`.
 */
export async function startCluster(
  ports: readonly number[],
  busPorts: readonly number[],
): Promise<ClusterSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-cluster-'));
  const servers: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map(killRedis));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, port] of ports.entries())
      servers.push(
        await startRedisServer(port, dir, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-port',
          String(busPorts[i]),
          '--dbfilename',
          `dump-${port}.rdb`,
        ]),
      );
    const create = spawn(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    create.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    create.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const [code] = (await once(create, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`redis-cli --cluster create failed: ${out}`);
    await poll(
      async () => {
        for (const port of ports) {
          const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
          try {
            if (!(await client.call('CLUSTER', 'INFO'))!.toString().includes('cluster_state:ok'))
              return undefined;
          } finally {
            client.disconnect();
          }
        }
        return true;
      },
      30_000,
      'every cluster node to say cluster_state:ok',
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { servers, nodeList: ports.map((p) => `127.0.0.1:${p}`).join(','), stop };
}
