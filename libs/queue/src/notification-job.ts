import type { JobsOptions } from 'bullmq';
import type { Env } from '@libs/config';

/** The backoff type of delivery jobs: exponential, but never sooner than the receiver's Retry-After. */
export const NOTIFICATION_BACKOFF = 'notify-retry-after';

/** A Retry-After longer than this is not waited for: the next attempt comes at the exponential delay. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Options of a notification's delivery job: retried with backoff (VIGIL_NOTIFY_ATTEMPTS,
 * VIGIL_NOTIFY_BACKOFF_MS; see notificationRetryDelay), kept a while after it ends (bounded). The job
 * id is the notification id (a re-send adds a suffix), so queuing a notification twice is one job.
 */
export function notificationJobOptions(env: Env, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: env.VIGIL_NOTIFY_ATTEMPTS,
    backoff: { type: NOTIFICATION_BACKOFF, delay: env.VIGIL_NOTIFY_BACKOFF_MS },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 1000 },
  };
}

/**
 * The wait before the next attempt, after `attemptsMade` attempts: `baseMs` doubling each time (1, 2,
 * 4, 8 s ...), or the receiver's Retry-After (a 429 from Slack or PagerDuty) when that is longer.
 */
export function notificationRetryDelay(attemptsMade: number, baseMs: number, retryAfterMs?: number): number {
  const exponential = Math.round(baseMs * 2 ** Math.max(0, attemptsMade - 1));
  const asked = retryAfterMs !== undefined && retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : 0;
  return Math.max(exponential, asked);
}
