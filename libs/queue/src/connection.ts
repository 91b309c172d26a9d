import { Logger } from '@nestjs/common';
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Env } from '@libs/config';

/**
 * Whatever a failover leaves a connection talking to: a demoted master answers writes with READONLY,
 * a node still loading its data with LOADING. Reconnecting (Sentinel names the new master) and
 * sending the command again is what the caller wants.
 */
export function reconnectOnFailover(err: Error): 2 | false {
  return /^(READONLY|LOADING)/.test(err.message) ? 2 : false;
}

/**
 * The one place Vigil opens Redis: a single server (REDIS_URL), a Sentinel-managed master
 * (REDIS_SENTINELS, REDIS_SENTINEL_NAME; REDIS_URL gives password, db and TLS of the data nodes) or
 * a Redis Cluster (REDIS_CLUSTER_NODES; REDIS_URL gives password and TLS). `options` are per
 * connection (name, timeouts, BullMQ's `maxRetriesPerRequest: null`).
 *
 * A Cluster is returned typed as `Redis`: it takes the same commands, every Vigil key carries the
 * prefix's hash tag (one slot, so Lua scripts and pipelines stay legal), and the two calls that
 * differ go through {@link scanKeys} and {@link duplicateConnection}.
 */
export function redisConnection(env: Env, name: string, options: RedisOptions = {}): Redis {
  const own: RedisOptions = { connectionName: name, reconnectOnError: reconnectOnFailover, ...options };
  if (env.REDIS_CLUSTER_NODES) {
    const clusterOptions: ClusterOptions = {
      redisOptions: { ...urlOptions(env.REDIS_URL), ...own },
      scaleReads: 'master',
    };
    return reportErrors(new Cluster(env.REDIS_CLUSTER_NODES, clusterOptions) as unknown as Redis, name);
  }
  if (env.REDIS_SENTINELS)
    return reportErrors(
      new Redis(env.REDIS_URL, {
        sentinels: env.REDIS_SENTINELS,
        name: env.REDIS_SENTINEL_NAME,
        sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
        // Sentinel announces `+switch-master`: drop the old master at once, not at its first READONLY.
        failoverDetector: true,
        ...own,
      }),
      name,
    );
  return reportErrors(new Redis(env.REDIS_URL, own), name);
}

const ERROR_EVERY_MS = 10_000;

/**
 * ioredis prints an `error` nobody listens to as "Unhandled error event", once per reconnect attempt
 * while Redis is away: log it as a warning instead, at most every 10 s per connection.
 */
function reportErrors(redis: Redis, name: string): Redis {
  const logger = new Logger('Redis');
  let last = 0;
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (now - last < ERROR_EVERY_MS) return;
    last = now;
    logger.warn(`${name}: ${err.message}`);
  });
  return redis;
}

/** A second connection like `redis` (same topology and options) with `options` changed: for SUBSCRIBE. */
export function duplicateConnection(redis: Redis, options: RedisOptions): Redis {
  const name = options.connectionName ?? 'vigil';
  if (isCluster(redis)) {
    const cluster = redis as unknown as Cluster;
    const copy = cluster.duplicate([], { redisOptions: { ...cluster.options.redisOptions, ...options } });
    return reportErrors(copy as unknown as Redis, name);
  }
  return reportErrors(redis.duplicate(options), name);
}

/** Every key matching `match`: on a Cluster, from each master in turn (a SCAN sees one node only). */
export async function* scanKeys(redis: Redis, match: string, count = 200): AsyncGenerator<string> {
  const nodes = isCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
  for (const node of nodes)
    for await (const keys of node.scanStream({ match, count }) as AsyncIterable<string[]>) yield* keys;
}

export function isCluster(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
}

/** Username, password and TLS of REDIS_URL, for the nodes of a Cluster (their addresses come from elsewhere). */
function urlOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A Redis connection for BullMQ: workers block on it, so commands must wait for a reconnect
 * instead of failing after a few retries (`maxRetriesPerRequest: null`, as BullMQ requires).
 */
export function createBullConnection(env: Env, name: string): Redis {
  return redisConnection(env, `vigil-${name}`, { maxRetriesPerRequest: null });
}

/**
 * Every BullMQ key lives under `<VIGIL_REDIS_PREFIX>:bull`, so installs and test runs never mix. In a
 * Cluster the prefix is a hash tag (`{vigil}`), so a queue's keys share a slot, as BullMQ's scripts need.
 */
export function bullPrefix(env: Env): string {
  return `${env.VIGIL_REDIS_PREFIX}:bull`;
}
