/**
 * Queue names. Do not rename one without a migration plan: jobs already in Redis under the old
 * name would be orphaned.
 */
export const QUEUES = {
  /** Probe ticks of one vantage: consumed by that vantage's probers only. */
  probes: (vantage: string) => `probes.${vantage}`,
  /**
   * Batches of probe results of one vantage, from its probers to the controller leader: one queue per
   * vantage, so a prober's Redis ACL user reaches its own vantage's results only (it can neither read
   * another vantage's batches nor add results in its name).
   */
  results: (vantage: string) => `results.${vantage}`,
  /** Notifications to deliver, one job per notification row; any controller replica sends. */
  notifications: 'notifications',
} as const;

/** Job names, one per payload type below. */
export const JOBS = {
  probeTick: 'probe-tick',
  resultBatch: 'result-batch',
  deliverNotification: 'deliver-notification',
} as const;
