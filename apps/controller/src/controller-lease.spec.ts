import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Env } from '@libs/config';
import type { Readiness } from '@libs/runtime';
import { ControllerLease } from './controller-lease';

/** A Redis where the lease is always free: acquisition gives token 1, renewal and release succeed. */
const redis = {
  eval: jest.fn(async (script: string) => (script.includes("'incr'") ? [1] : 1)),
} as unknown as Redis;
const env = { VIGIL_REDIS_PREFIX: 'vigil', VIGIL_LEASE_TTL_MS: 60_000 } as Env;

function lease() {
  const checks = new Map<string, () => unknown>();
  const readiness = { add: (name: string, check: () => unknown) => checks.set(name, check) };
  const made = new ControllerLease(env, redis, readiness as unknown as Readiness);
  made.onModuleInit();
  return { lease: made, checks };
}

describe('ControllerLease', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('tells its listeners in the order they were added, each awaited, and releases at shutdown', async () => {
    const { lease: l } = lease();
    const heard: string[] = [];
    l.on('acquired', async (token) => {
      await new Promise((resolve) => setImmediate(resolve));
      heard.push(`first ${token}`);
    });
    l.on('acquired', (token) => void heard.push(`second ${token}`));
    l.on('lost', () => void heard.push('lost'));
    await l.onApplicationBootstrap();
    expect(heard).toEqual(['first 1', 'second 1']);
    expect([l.isLeader, l.fencingToken]).toEqual([true, 1]);
    await l.onApplicationShutdown();
    expect(heard).toEqual(['first 1', 'second 1', 'lost']);
    expect(l.isLeader).toBe(false);
  });

  it('steps down again when an acquired listener fails', async () => {
    const { lease: l } = lease();
    const lost = jest.fn();
    l.on('acquired', () => Promise.reject(new Error('take-over failed')));
    l.on('lost', lost);
    await l.onApplicationBootstrap();
    expect(lost).toHaveBeenCalledTimes(1);
    expect(l.fencingToken).toBeNull();
    await l.onApplicationShutdown();
  });

  it('adds the /readyz leader check', async () => {
    const { lease: l, checks } = lease();
    await l.onApplicationBootstrap();
    expect(checks.get('leader')?.()).toMatchObject({ up: true, detail: { self: true } });
    await l.onApplicationShutdown();
  });
});
