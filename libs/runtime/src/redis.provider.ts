import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { ENV, type Env } from '@libs/config';
import { duplicateConnection, redisConnection } from '@libs/queue';

/** Injection token of the process's shared ioredis connection (commands, not blocking reads). */
export const REDIS = Symbol('REDIS');

/**
 * While Redis is away, a command on the shared connection fails after VIGIL_REDIS_COMMAND_TIMEOUT_MS,
 * queued or sent, instead of after ioredis' 20 reconnect attempts (about 30 s): a request that needs
 * Redis answers 503 soon, and a blip shorter than the timeout is still ridden out by the offline
 * queue. BullMQ's connections are separate (libs/queue `createBullConnection`) and keep waiting
 * (`maxRetriesPerRequest: null`), as BullMQ requires. Single server, Sentinel or Cluster: by env
 * (libs/queue `redisConnection`).
 */
export const redisProvider: Provider = {
  provide: REDIS,
  inject: [ENV],
  useFactory: (env: Env) =>
    redisConnection(env, 'vigil', {
      lazyConnect: false,
      commandTimeout: env.VIGIL_REDIS_COMMAND_TIMEOUT_MS,
    }),
};

/**
 * A connection of its own for SUBSCRIBE, without the command timeout: ioredis re-subscribes by itself
 * after a reconnect and nobody awaits that promise, so a timeout there would be an unhandled rejection.
 */
export function subscriberOf(redis: Redis, connectionName: string): Redis {
  return duplicateConnection(redis, { connectionName, commandTimeout: undefined });
}

/** Closes the shared connection when the app shuts down. */
@Injectable()
export class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Every Redis key Vigil writes starts with this prefix, so several installs (or test runs) can share a server. */
export function redisKey(env: Env, ...parts: string[]): string {
  return [env.VIGIL_REDIS_PREFIX, ...parts].join(':');
}

/** Channel (under the prefix) on which the API announces each newly applied config version. */
export const CONFIG_CHANNEL = 'config-applied';
