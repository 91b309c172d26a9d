import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AlertRecord } from '@libs/persistence';
import { cursorCodec } from '../pagination';
import type { AlertDto, AlertPageDto, AlertsQuery } from './alerts.dto';

/** The page key: microseconds of `updated_at` (exact, unlike a JS Date) and the fingerprint. */
const cursor = cursorCodec('al1:', /^\d{1,18}:[A-Za-z0-9_.:-]{1,128}$/);

/** With the page key: microseconds of updated_at. */
interface Row extends AlertRecord {
  key_us: string;
}

const toDto = (r: Row): AlertDto => ({
  fingerprint: r.fingerprint,
  source: r.source,
  name: r.name,
  status: r.status,
  labels: r.labels,
  annotations: r.annotations,
  service: r.service,
  idc: r.idc,
  endpoint: r.endpoint,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  generatorUrl: r.generator_url,
  receivedCount: r.received_count,
  firstReceivedAt: r.first_received_at,
  updatedAt: r.updated_at,
});

/** Received alerts, most recently received first, with keyset pagination on (updated_at, fingerprint). */
@Injectable()
export class AlertList {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(query: AlertsQuery): Promise<AlertPageDto> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const column of ['status', 'service', 'idc', 'endpoint', 'name', 'source'] as const) {
      if (query[column] === undefined) continue;
      params.push(query[column]);
      where.push(`${column} = $${params.length}`);
    }
    if (query.cursor) {
      const key = cursor.decode(query.cursor);
      const split = key.indexOf(':');
      params.push(key.slice(0, split), key.slice(split + 1));
      const [us, fingerprint] = [`$${params.length - 1}`, `$${params.length}`];
      const at = `'epoch'::timestamptz + ${us}::bigint * interval '1 microsecond'`;
      where.push(`(updated_at, fingerprint) < (${at}, ${fingerprint})`);
    }
    params.push(query.limit + 1); // one more tells whether there is a next page
    const rows: Row[] = await this.db.query(
      `SELECT *, (extract(epoch FROM updated_at) * 1000000)::bigint::text AS key_us FROM alerts
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY updated_at DESC, fingerprint DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const next = rows.length > query.limit ? cursor.encode(`${last.key_us}:${last.fingerprint}`) : null;
    return { items: page.map(toDto), next };
  }
}
