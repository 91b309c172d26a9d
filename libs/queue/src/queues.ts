/**
 * Queue names. Do not rename one without a migration plan: jobs already in Redis under the old
 * name would be orphaned.
 */
export const QUEUES = {
  /** Probe ticks of one vantage: consumed by that vantage's probers only. */
  probes: (vantage: string) => `probes.${vantage}`,
  /** Batches of probe results, from every prober to the controllers. */
  results: 'results',
} as const;

/** Job names, one per payload type below. */
export const JOBS = {
  probeTick: 'probe-tick',
  resultBatch: 'result-batch',
} as const;
