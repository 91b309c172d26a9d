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
  return err.name === 'MaxRetriesPerRequestError' || UNREACHABLE_MESSAGES.has(err.message);
}

/** How long a client is told to wait before retrying a request that needed Redis. */
export const REDIS_RETRY_AFTER_SECONDS = 5;
