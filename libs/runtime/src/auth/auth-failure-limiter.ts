import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { ENV, type Env } from '@libs/config';
import { REDIS, redisKey } from '../redis.provider';

const WINDOW_MS = 60_000;
/** While Redis is unreachable, one warning per this period, not one per failed attempt. */
const WARN_EVERY_MS = 60_000;

/**
 * One atomic step: count the failure, start the window at the first one, and return the count with
 * the time left, so concurrent attempts each see their own count (no check-then-increment race).
 */
const COUNT_FAILURE = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

/** What the limiter decided about one failed attempt. */
export type FailureVerdict = { blocked: false } | { blocked: true; retryAfterMs: number };

/**
 * Counts failed authentications per source address in Redis (shared by every API replica), so keys
 * cannot be guessed: past VIGIL_AUTH_FAILURES_PER_MINUTE failures in a window, further failures get
 * 429 instead of 401. Only failed attempts are counted or refused; a valid key is never looked up
 * here. When Redis cannot answer, the limiter fails open (401, not 429 and not 500).
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly logger = new Logger(AuthFailureLimiter.name);
  private lastWarning = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** Counts a failed attempt from `ip` and says whether it is over the limit. */
  async recordFailure(ip: string): Promise<FailureVerdict> {
    // Not connected: do not queue behind the reconnect, answer at once.
    if (this.redis.status !== 'ready') return this.failOpen(`Redis is ${this.redis.status}`);
    try {
      const [count, ttl] = (await this.redis.eval(COUNT_FAILURE, 1, this.key(ip), WINDOW_MS)) as [
        number,
        number,
      ];
      return count > this.env.VIGIL_AUTH_FAILURES_PER_MINUTE
        ? { blocked: true, retryAfterMs: Math.max(ttl, 1) }
        : { blocked: false };
    } catch (err) {
      return this.failOpen((err as Error).message);
    }
  }

  private failOpen(why: string): FailureVerdict {
    const now = Date.now();
    if (now - this.lastWarning >= WARN_EVERY_MS) {
      this.lastWarning = now;
      this.logger.warn(`failed authentications are not being limited: ${why}`);
    }
    return { blocked: false };
  }

  private key(ip: string): string {
    return redisKey(this.env, 'auth-failures', ip);
  }
}
