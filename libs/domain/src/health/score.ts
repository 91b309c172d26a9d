/**
 * The endpoint score, 0-100, with its components shown so an operator can see why.
 */
import type { Score } from './types';

/** Transitions in one window that take stability to 0. */
export const TRANSITIONS_FOR_ZERO_STABILITY = 10;

/** Input of {@link endpointScore}: counts over one window. */
export interface ScoreInput {
  successes: number;
  total: number;
  /** p95 latency of the window's probes, when known. */
  latencyP95Ms?: number;
  /** The check's latency SLO; none (or <= 0) means latency does not count. */
  sloMs?: number;
  /** State changes in the window. */
  transitions: number;
  /** The window the counts cover; the caller must count successes, total and transitions over it. */
  windowMs: number;
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * Scores one endpoint over a window:
 *
 * | component        | value                                                                   |
 * |------------------|-------------------------------------------------------------------------|
 * | availability A   | successes / total; 0 when total = 0 (no samples never looks healthy)    |
 * | latency L        | 1 without SLO or p95, or p95 <= slo; 2 - p95/slo up to 2x slo; 0 beyond |
 * | stability S      | max(0, 1 - transitions / 10)                                            |
 * | score            | round(100 * A^2 * (0.8 + 0.2 L) * (0.8 + 0.2 S))                        |
 *
 * Properties (tested): a fully available, fast, stable endpoint scores 100; the score never falls
 * when a component rises; and unavailability is punished hardest: A^2 can take the score to 0 and
 * loses 2d - d^2 for a drop d, while slow latency or flapping can each cost at most 20% (both: 36%).
 * Example values: A = 0.9 gives 81; L = 0 gives 80; S = 0 gives 80; L = S = 0 gives 64.
 */
export function endpointScore(input: ScoreInput): Score {
  const availability = input.total > 0 ? clamp01(input.successes / input.total) : 0;

  let latency = 1;
  const { latencyP95Ms: p95, sloMs: slo } = input;
  if (slo !== undefined && slo > 0 && p95 !== undefined && p95 > slo) latency = clamp01(2 - p95 / slo);

  const stability = clamp01(1 - Math.max(0, input.transitions) / TRANSITIONS_FOR_ZERO_STABILITY);

  const score = Math.round(100 * availability ** 2 * (0.8 + 0.2 * latency) * (0.8 + 0.2 * stability));
  return { score, components: { availability, latency, stability } };
}
