/** What the shared connection's commands fail with while Redis cannot be reached (see redis.provider.ts). */
const UNREACHABLE_MESSAGES = new Set([
  'Command timed out',
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
]);

/**
 * Whether an error says that Redis could not be reached (a command timed out, the connection is
 * gone, the retries ran out), as opposed to a bug or an error reply from a working Redis.
 */
export function isRedisUnavailable(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  return (
    err instanceof RedisNotReadyError ||
    err.name === 'MaxRetriesPerRequestError' ||
    UNREACHABLE_MESSAGES.has(err.message)
  );
}

/** Thrown instead of queueing a command that must not run late (see {@link requireRedisReady}). */
export class RedisNotReadyError extends Error {
  constructor(status: string) {
    super(`Redis is ${status}`);
    this.name = 'RedisNotReadyError';
  }
}

/**
 * Refuses at once while the connection is not ready. ioredis keeps a command that timed out in its
 * offline queue and still runs it on reconnect: a write whose caller already gave up (a signature
 * reserved for a request answered 503) must not land minutes later.
 */
export function requireRedisReady(redis: { status: string }): void {
  if (redis.status !== 'ready') throw new RedisNotReadyError(redis.status);
}

/** How long a client is told to wait before retrying a request that needed Redis. */
export const REDIS_RETRY_AFTER_SECONDS = 5;
