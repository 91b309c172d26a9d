import type { JobsOptions, JobState, Queue } from 'bullmq';
import type { Env } from '@libs/config';
import type { NotificationJob } from './jobs';
import { JOBS } from './queues';

/** The backoff type of delivery jobs: exponential, but never sooner than the receiver's Retry-After. */
export const NOTIFICATION_BACKOFF = 'notify-retry-after';

/** A Retry-After longer than this is not waited for: the next attempt comes at the exponential delay. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** A resolve waiting for its trigger looks again after 1 s at first, then doubling, but at most 30 s apart. */
const TRIGGER_RECHECK_MIN_MS = 1000;
const TRIGGER_RECHECK_MAX_MS = 10_000;

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

/** How queueNotifications treats a finished job it replaces. */
export interface QueueNotificationsOptions {
  /**
   * Whether the new job keeps the finished job's `sent` note (sent, but not recorded delivered), so that
   * it only records the delivery instead of sending again (Slack has no idempotency key). Default true:
   * the notifier's sweep re-queuing a row left pending. A re-send asks for a new send, and passes false.
   */
  keepSent?: boolean;
}

/**
 * Queues delivery of pending notifications (the notifier's new rows and its sweep, the API's re-send)
 * and returns the ids it queued. A notification whose job is waiting, delayed or running keeps that
 * job; one whose job is gone or finished gets a new one, so a row left pending after its job ended (a
 * worker killed mid-send, an update that failed after a send, a lost add) is not stuck. A notification
 * another caller queues meanwhile (the sweep and a re-send racing) keeps that caller's job, and is not
 * in the returned ids; that race never throws, nor stops the other ids.
 */
export async function queueNotifications(
  queue: Queue<NotificationJob>,
  env: Env,
  ids: readonly string[],
  { keepSent = true }: QueueNotificationsOptions = {},
): Promise<string[]> {
  const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
  const finished = ids.filter((_, i) => FINISHED.has(states[i]));
  const due: NotificationJob[] = ids
    .filter((_, i) => states[i] === 'unknown')
    .map((id) => ({ notificationId: id }));
  // The job id stays the notification id (no generation suffix): the sweep and a re-send racing each
  // other then add one job, never two live ones that would both send. BullMQ ignores an add under the
  // id of a finished job it keeps, so that job is removed first (not retried: the new job starts with
  // a full set of attempts and its own queue time).
  for (const id of finished) {
    const data = await replaceFinished(queue, id, keepSent);
    if (data) due.push(data);
  }
  if (due.length) {
    await queue.addBulk(
      due.map((data) => ({
        name: JOBS.deliverNotification,
        data,
        opts: notificationJobOptions(env, data.notificationId),
      })),
    );
  }
  return due.map((data) => data.notificationId);
}

/**
 * Removes the finished job of a notification and returns the data of the job to add in its place (with
 * its `sent` note if `keepSent`), or undefined when another caller has queued the notification since
 * (the job under its id is not finished, or cannot be removed: locked while active), whose job stays.
 */
async function replaceFinished(
  queue: Queue<NotificationJob>,
  notificationId: string,
  keepSent: boolean,
): Promise<NotificationJob | undefined> {
  const old = await queue.getJob(notificationId);
  if (old && !old.finishedOn) return undefined; // already replaced by another caller's live job
  const removed = await queue.remove(notificationId).catch(() => 0);
  // 0 (or an error): the job under this id is locked, so it is a new one running. Only a job that is
  // gone still needs adding; a live or finished one was queued by the other caller.
  if (removed !== 1 && (await queue.getJobState(notificationId)) !== 'unknown') return undefined;
  const sent = keepSent ? old?.data.sent : undefined;
  return sent ? { notificationId, sent } : { notificationId };
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

/**
 * When a resolve or reminder that has waited `waitedMs` for its trigger (of at most `limitMs`, see
 * triggerWaitLimitMs) looks again: after a quarter of what it has waited so far, 1 s to 10 s, so it
 * goes at most a quarter (or 10 s) later than its trigger, with few queries in a long wait; never past
 * the limit.
 */
export function triggerRecheckDelayMs(waitedMs: number, limitMs: number): number {
  const backoff = Math.min(TRIGGER_RECHECK_MAX_MS, Math.max(TRIGGER_RECHECK_MIN_MS, waitedMs / 4));
  return Math.max(0, Math.min(backoff, limitMs - waitedMs));
}
