import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AlertExpiryCause, AlertSource } from '@libs/domain';
import type { AlertRecord } from '@libs/persistence';
import type { AlertFactRow, AlertFactsSource, AlertRead } from './alert-facts-source';

/** A firing alert resolved by expiry (AlertExpiry), as the UPDATE returns it. */
export interface ExpiredRow extends Pick<
  AlertRecord,
  'fingerprint' | 'name' | 'labels' | 'annotations' | 'service' | 'idc' | 'endpoint' | 'generator_url'
> {
  source: AlertSource;
  starts_ms: string;
  ends_ms: string;
  cause: AlertExpiryCause;
}

const COLUMNS = `a.fingerprint, a.name, a.status, a.labels, a.annotations, a.service, a.idc, a.endpoint,
  a.starts_at, (extract(epoch FROM a.ends_at) * 1000)::float8 AS ends_ms,
  (extract(epoch FROM a.updated_at) * 1000000)::float8 AS updated_us`;

/**
 * One statement: the rows and the horizon of the same snapshot. With no row, one row of nulls
 * carries the horizon (LEFT JOIN).
 */
async function read(m: EntityManager, rows: string, params: unknown[]): Promise<AlertRead> {
  const result: Array<AlertFactRow & { horizon: string }> = await m.query(
    `SELECT h.horizon, a.* FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon) h
     LEFT JOIN LATERAL (${rows}) a ON true`,
    params,
  );
  return {
    horizon: result[0].horizon,
    rows: result.filter((r) => r.fingerprint !== null).map(({ horizon: _, ...row }) => row),
  };
}

/**
 * The leader's reads and writes of `alerts`: what the rules see (only the columns they need, not
 * source, URL, counts) and the expiry of firing alerts. Every method takes the manager to use (a
 * transaction's, or the data source's when left out).
 */
@Injectable()
export class AlertsStore implements AlertFactsSource {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  firing(limit: number, now: number, m: EntityManager = this.db.manager): Promise<AlertRead> {
    return read(
      m,
      `SELECT ${COLUMNS} FROM alerts a
       WHERE a.status = 'firing' AND (a.ends_at IS NULL OR a.ends_at > to_timestamp($2 / 1000.0))
       ORDER BY a.updated_at DESC, a.fingerprint DESC LIMIT $1`,
      [limit, now],
    );
  }

  changed(horizon: string, limit: number, m: EntityManager = this.db.manager): Promise<AlertRead> {
    return read(m, `SELECT ${COLUMNS} FROM alerts a WHERE a.change_xid >= $1 LIMIT $2`, [horizon, limit]);
  }

  /**
   * Resolves at most `batch` firing alerts whose `endsAt` passed or that were last received more than
   * `resolveAfterMs` before `now` (null: never), skipping rows locked by a webhook; returns them.
   */
  async expireDue(
    m: EntityManager,
    now: number,
    resolveAfterMs: number | null,
    batch: number,
  ): Promise<ExpiredRow[]> {
    // An UPDATE answers [rows, count].
    const [rows]: [ExpiredRow[], number] = await m.query(
      `WITH due AS (
           SELECT fingerprint,
                  CASE WHEN ends_at <= to_timestamp($1 / 1000.0) THEN 'endsAt' ELSE 'resolveAfter' END AS cause
           FROM alerts
           WHERE status = 'firing' AND (ends_at <= to_timestamp($1 / 1000.0)
             OR ($2::bigint IS NOT NULL AND updated_at < to_timestamp(($1 - $2) / 1000.0)))
           ORDER BY fingerprint LIMIT ${batch} FOR UPDATE SKIP LOCKED
         )
         UPDATE alerts a SET status = 'resolved', updated_at = now(),
           ends_at = CASE WHEN due.cause = 'endsAt' THEN a.ends_at ELSE to_timestamp($1 / 1000.0) END
         FROM due WHERE a.fingerprint = due.fingerprint
         RETURNING a.fingerprint, a.source, a.name, a.labels, a.annotations, a.service, a.idc, a.endpoint,
           a.generator_url, due.cause, (extract(epoch FROM a.starts_at) * 1000)::bigint AS starts_ms,
           (extract(epoch FROM a.ends_at) * 1000)::bigint AS ends_ms`,
      [now, resolveAfterMs],
    );
    return rows;
  }
}
