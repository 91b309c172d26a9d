import type { CheckThresholds, CheckTrack, HealthReason, HealthState, Score } from '@libs/domain';
import type { EndpointHealthDetail } from '@libs/queue';

/** What the config says about one endpoint, as the health model needs it. */
export interface EndpointInfo {
  id: string;
  service: string;
  idc: string;
  capacity: number;
  checks: ReadonlyMap<string, { thresholds: CheckThresholds; intervalMs: number; sloMs?: number }>;
  quorum?: number;
  flapping: { maxTransitions: number; windowMs: number; holdMs: number };
}

/** Probes of one minute, for the rollup and the score window. */
export interface MinuteStats {
  minute: number;
  count: number;
  failures: number;
  latencies: number[];
}

type LastResult = EndpointHealthDetail['lastResults'][number];

/** The leader's live state of one endpoint. */
export interface EndpointRecord {
  info: EndpointInfo;
  /** Key `<vantage>|<check>`. */
  tracks: Map<string, CheckTrack & { vantage: string; check: string }>;
  /** The verdict before flap damping, and its changes (for flap detection). */
  raw: HealthState;
  rawTransitions: number[];
  state: HealthState;
  reason: HealthReason;
  /** Flap damping applies (dampedState): counts toward its IDC by its recent success ratio. */
  flapping: boolean;
  since: number;
  downFrom: string[];
  upFrom: string[];
  /**
   * First failed probe of the current failure streak (for MTTD); cleared when HEALTHY again, or when
   * every counting track is UP without a failure while it stayed HEALTHY.
   */
  firstFailureAt?: number;
  current: MinuteStats;
  /** The last few finished minutes: the score's window. */
  recent: MinuteStats[];
  score: Score;
  last: LastResult[];
  /** Changed since the last publication, and when that was (details are published at most every few seconds). */
  dirty: boolean;
  publishedAt: number;
}

export const SCORE_MINUTES = 5;
export const LAST_RESULTS = 20;

export function newRecord(info: EndpointInfo, now: number): EndpointRecord {
  return {
    info,
    tracks: new Map(),
    raw: 'UNKNOWN',
    rawTransitions: [],
    state: 'UNKNOWN',
    reason: 'unknown',
    flapping: false,
    since: now,
    downFrom: [],
    upFrom: [],
    current: { minute: minuteOf(now), count: 0, failures: 0, latencies: [] },
    recent: [],
    score: { score: 0, components: { availability: 0, latency: 0, stability: 0 } },
    last: [],
    dirty: true,
    publishedAt: 0,
  };
}

export const minuteOf = (t: number) => Math.floor(t / 60_000) * 60_000;

/** Sorted copy's value at percentile p (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
