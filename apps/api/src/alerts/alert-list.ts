import { Injectable } from '@nestjs/common';
import { cursorCodec } from '../pagination';
import { AlertStore, type AlertPageRow } from './alert-store';
import type { AlertDto, AlertPageDto, AlertsQuery } from './alerts.dto';

/** The page key: microseconds of `updated_at` (exact, unlike a JS Date) and the fingerprint. */
const cursor = cursorCodec('al1:', /^\d{1,18}:[A-Za-z0-9_.:-]{1,128}$/);

const toDto = (r: AlertPageRow): AlertDto => ({
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
  constructor(private readonly store: AlertStore) {}

  async list(query: AlertsQuery): Promise<AlertPageDto> {
    let after: { us: string; fingerprint: string } | undefined;
    if (query.cursor) {
      const key = cursor.decode(query.cursor);
      const split = key.indexOf(':');
      after = { us: key.slice(0, split), fingerprint: key.slice(split + 1) };
    }
    const rows = await this.store.page(query, after, query.limit + 1); // one more: is there a next page
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const next = rows.length > query.limit ? cursor.encode(`${last.key_us}:${last.fingerprint}`) : null;
    return { items: page.map(toDto), next };
  }
}
