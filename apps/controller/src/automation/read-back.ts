import type { ActualTraffic } from '@libs/persistence';
import { readBackMismatch, type ExpectedTraffic, type ReadBack, type TrafficAdapter } from '@libs/traffic';

/** A read-back as it is kept (service_traffic.actual, a step's result): what was read, or why not. */
export function actualOf(read: ReadBack, readAt = new Date()): ActualTraffic {
  const at = readAt.toISOString();
  return read.ok
    ? { ok: true, weights: read.weights, drained: read.drained, detail: read.detail, readAt: at }
    : { ok: false, detail: read.detail, readAt: at };
}

/** A step's read-back: what the traffic manager has in force, and why it is not what was applied. */
export interface Verification {
  /** Undefined when the adapter cannot read. */
  actual?: ActualTraffic;
  /** Set when the read-back differs from the step, or the target could not be read. */
  mismatch?: string;
}

/**
 * Reads the traffic manager back after a confirmed step (adapters that can read): a target that says
 * yes and holds something else, or cannot be read, must not let the action go on as if it had.
 */
export async function verify(adapter: TrafficAdapter, expected: ExpectedTraffic): Promise<Verification> {
  if (!adapter.read) return {};
  const read = await adapter.read();
  const actual = actualOf(read);
  if (!read.ok) return { actual, mismatch: `its read-back failed: ${read.detail}` };
  const mismatch = readBackMismatch(expected, read);
  return { actual, ...(mismatch === undefined ? {} : { mismatch: `its read-back differs: ${mismatch}` }) };
}
