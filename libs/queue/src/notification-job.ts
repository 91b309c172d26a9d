import type { JobsOptions, JobState, Queue } from 'bullmq';
import type { Env } from '@libs/config';
import type { NotificationJob } from './jobs';
import { JOBS } from './queues';

/** The backoff type of delivery jobs: exponential, but never sooner than the receiver's Retry-After. */
export const NOTIFICATION_BACKOFF = 'notify-retry-after';

/** A Retry-After longer than this is not waited for: the next attempt comes at the exponential delay. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** A resolve waits at least this long for its trigger: past the sweep re-queuing a lost trigger (≤ 150 s). */
const MIN_TRIGGER_WAIT_MS = 600_000;
/** And at most this long, however long the trigger's retry schedule. */
const MAX_TRIGGER_WAIT_MS = 86_400_000;

/** States of a job that will not run again: kept by BullMQ for a while, and blocking an add under its id. */
const FINISHED: ReadonlySet<JobState | 'unknown'> = new Set(['completed', 'failed']);

/**
 * Options of a notification's delivery job: retried with backoff (VIGIL_NOTIFY_ATTEMPTS,
 * VIGIL_NOTIFY_BACKOFF_MS; see notificationRetryDelay), kept a while after it ends (bounded). The job
 * id is the notification id, so queuing a notification twice is one job (see queueNotifications).
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
 * Queues delivery of pending notifications (the notifier's new rows and its sweep, the API's re-send)
 * and returns the ids it queued. A notification whose job is waiting, delayed or running keeps that
 * job; one whose job is gone or finished gets a new one, so a row left pending after its job ended (a
 * worker killed mid-send, an update that failed after a send, a lost add) is not stuck.
 */
export async function queueNotifications(
  queue: Queue<NotificationJob>,
  env: Env,
  ids: readonly string[],
): Promise<string[]> {
  const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
  const due = ids.filter((_, i) => states[i] === 'unknown' || FINISHED.has(states[i]));
  // The job id stays the notification id (no generation suffix): the sweep and a re-send racing each
  // other then add one job, never two live ones that would both send. BullMQ ignores an add under the
  // id of a finished job it keeps, so that job is removed first (not retried: the new job starts with
  // fresh data and a full set of attempts).
  for (const [i, id] of ids.entries()) if (FINISHED.has(states[i])) await queue.remove(id);
  if (due.length) {
    await queue.addBulk(
      due.map((notificationId) => ({
        name: JOBS.deliverNotification,
        data: { notificationId },
        opts: notificationJobOptions(env, notificationId),
      })),
    );
  }
  return due;
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

/**
 * How long a resolve or reminder waits for an earlier pending notification of its incident (its
 * trigger) before it is sent anyway: twice the trigger's whole backoff schedule over `attempts`, and
 * between 10 min and 24 h. A trigger still pending after that is stuck, and a resolve that never comes
 * is worse than one that comes first. Long Retry-After answers are not counted.
 */
export function triggerWaitLimitMs(attempts: number, baseMs: number): number {
  let schedule = 0;
  for (let made = 1; made < attempts; made++) schedule += notificationRetryDelay(made, baseMs);
  return Math.min(MAX_TRIGGER_WAIT_MS, Math.max(MIN_TRIGGER_WAIT_MS, 2 * schedule));
}
