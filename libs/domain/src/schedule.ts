/**
 * Probe scheduling without bursts. Every probe task (check x endpoint) has a stable phase inside its
 * interval, derived from a hash of its id, so 10,000 tasks at 10 s are an even ~1,000 probes/s and a
 * task keeps its phase across restarts, replicas and config changes that do not touch it.
 */

/** FNV-1a, 32 bit: stable across processes and versions (unlike anything seeded). */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The task's offset inside its interval, in [0, intervalMs). */
export function phaseOf(taskId: string, intervalMs: number): number {
  return stableHash(taskId) % intervalMs;
}

/** The shard a task belongs to; shards split one vantage's work across its prober replicas. */
export function shardOf(taskId: string, shards: number): number {
  // A different salt than the phase, so shard and phase are independent.
  return stableHash(`shard:${taskId}`) % shards;
}

/** The times t in [from, to) at which a task with this phase and interval is due (t mod interval = phase). */
export function dueTimes(phase: number, intervalMs: number, from: number, to: number): number[] {
  const offset = (((phase - from) % intervalMs) + intervalMs) % intervalMs;
  const times: number[] = [];
  for (let t = from + offset; t < to; t += intervalMs) times.push(t);
  return times;
}

/** The starts of the ticks of length `tickMs` that overlap [now, now + aheadMs). */
export function tickStarts(now: number, tickMs: number, aheadMs: number): number[] {
  const ticks: number[] = [];
  for (let t = Math.floor(now / tickMs) * tickMs; t < now + aheadMs; t += tickMs) ticks.push(t);
  return ticks;
}
