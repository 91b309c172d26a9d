import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { ENV, type Env } from '@libs/config';
import { REDIS, redisKey } from '../redis.provider';

const WINDOW_MS = 60_000;

/**
 * Counts failed authentications per source address in Redis (shared by every API replica) and
 * blocks an address that failed too often in the last minute, so keys cannot be guessed.
 */
@Injectable()
export class AuthFailureLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** Milliseconds until the address may try again, or 0 when it is not blocked. */
  async blockedFor(ip: string): Promise<number> {
    const key = this.key(ip);
    const [count, ttl] = await this.redis
      .multi()
      .get(key)
      .pttl(key)
      .exec()
      .then((r) => r?.map(([, v]) => v) ?? []);
    return Number(count ?? 0) >= this.env.VIGIL_AUTH_FAILURES_PER_MINUTE ? Math.max(Number(ttl), 1) : 0;
  }

  async recordFailure(ip: string): Promise<void> {
    const key = this.key(ip);
    // The window starts at the first failure (NX keeps it from being pushed out by later ones).
    await this.redis.multi().incr(key).pexpire(key, WINDOW_MS, 'NX').exec();
  }

  private key(ip: string): string {
    return redisKey(this.env, 'auth-failures', ip);
  }
}
