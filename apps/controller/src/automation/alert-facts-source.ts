import type { DataSource } from 'typeorm';
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

const COLUMNS = `a.fingerprint, a.name, a.status, a.labels, a.annotations, a.service, a.idc, a.endpoint,
  a.starts_at, (extract(epoch FROM a.ends_at) * 1000)::float8 AS ends_ms,
  (extract(epoch FROM a.updated_at) * 1000000)::float8 AS updated_us`;

/**
 * One statement: the rows and the horizon of the same snapshot. With no row, one row of nulls
 * carries the horizon (LEFT JOIN).
 */
async function read(db: DataSource, rows: string, params: unknown[]): Promise<AlertRead> {
  const result: Array<AlertFactRow & { horizon: string }> = await db.query(
    `SELECT h.horizon, a.* FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon) h
     LEFT JOIN LATERAL (${rows}) a ON true`,
    params,
  );
  return {
    horizon: result[0].horizon,
    rows: result.filter((r) => r.fingerprint !== null).map(({ horizon: _, ...row }) => row),
  };
}

/** The alerts table: only the columns the rules see (not source, URL, counts). */
export function alertFactsSource(db: DataSource): AlertFactsSource {
  return {
    firing: (limit, now) =>
      read(
        db,
        `SELECT ${COLUMNS} FROM alerts a
         WHERE a.status = 'firing' AND (a.ends_at IS NULL OR a.ends_at > to_timestamp($2 / 1000.0))
         ORDER BY a.updated_at DESC, a.fingerprint DESC LIMIT $1`,
        [limit, now],
      ),
    changed: (horizon, limit) =>
      read(db, `SELECT ${COLUMNS} FROM alerts a WHERE a.change_xid >= $1 LIMIT $2`, [horizon, limit]),
  };
}
