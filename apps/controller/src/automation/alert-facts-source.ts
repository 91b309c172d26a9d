import type { AlertRecord } from '@libs/persistence';

/** A stored alert as the rules need it, with what orders and ends it. */
export interface AlertFactRow extends Pick<
  AlertRecord,
  'fingerprint' | 'name' | 'status' | 'labels' | 'annotations' | 'service' | 'idc' | 'endpoint' | 'starts_at'
> {
  /** Epoch ms, or null. */
  ends_ms: number | null;
  /** Microseconds of `updated_at` (the last receipt): exact in a JS number until year 2255. */
  updated_us: number;
}

/**
 * Rows and the read horizon: the oldest transaction id the read could not see (its snapshot's xmin).
 * Every write the read missed has a `change_xid` at or above it, so reading from the horizon on next
 * time misses nothing; some rows the read saw may come again.
 */
export interface AlertRead {
  rows: AlertFactRow[];
  horizon: string;
}

/** Where AlertFacts reads alerts. */
export interface AlertFactsSource {
  /** The alerts firing at `now`, the `limit` received last. */
  firing(limit: number, now: number): Promise<AlertRead>;
  /** Alerts written from `horizon` on, whatever their status, at most `limit`. */
  changed(horizon: string, limit: number): Promise<AlertRead>;
}
