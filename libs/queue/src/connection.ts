import Redis from 'ioredis';
import type { Env } from '@libs/config';

/**
 * A Redis connection for BullMQ: workers block on it, so commands must wait for a reconnect
 * instead of failing after a few retries (`maxRetriesPerRequest: null`, as BullMQ requires).
 */
export function createBullConnection(env: Env, name: string): Redis {
  return new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, connectionName: `vigil-${name}` });
}

/** Every BullMQ key lives under `<VIGIL_REDIS_PREFIX>:bull`, so installs and test runs never mix. */
export function bullPrefix(env: Env): string {
  return `${env.VIGIL_REDIS_PREFIX}:bull`;
}
