import type { JobsOptions } from 'bullmq';
import type { Env } from '@libs/config';

/**
 * Options of a notification's delivery job: retried with exponential backoff
 * (VIGIL_NOTIFY_ATTEMPTS, VIGIL_NOTIFY_BACKOFF_MS), kept a while after it ends (bounded). The job id
 * is the notification id (a re-send adds a suffix), so queuing a notification twice is one job.
 */
export function notificationJobOptions(env: Env, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: env.VIGIL_NOTIFY_ATTEMPTS,
    backoff: { type: 'exponential', delay: env.VIGIL_NOTIFY_BACKOFF_MS },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 1000 },
  };
}
