import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import Redis from 'ioredis';
import { ENV, type Env } from '@libs/config';

/** Injection token of the process's shared ioredis connection (commands, not blocking reads). */
export const REDIS = Symbol('REDIS');

export const redisProvider: Provider = {
  provide: REDIS,
  inject: [ENV],
  useFactory: (env: Env) => new Redis(env.REDIS_URL, { lazyConnect: false, connectionName: 'vigil' }),
};

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
