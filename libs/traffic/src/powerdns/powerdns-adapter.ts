import type { AdapterLog, AdapterResult, Fence, TrafficAdapter, WeightChange } from '../adapter';

export interface PowerDnsAdapterOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8081 (the adapter appends /api/v1/servers/...). */
  url: string;
  apiKey: string;
  /** Default localhost. */
  serverId: string;
  /** The zone, with its final dot. */
  zone: string;
  /** The LUA record's name, with its final dot, inside the zone. */
  name: string;
  recordType: 'A' | 'AAAA';
  selector: 'pickwrandom' | 'pickwhashed';
  ttlSeconds: number;
  /** The addresses answered per IDC. */
  addresses: Readonly<Record<string, readonly string[]>>;
  /** Deadline of one API request. Default 5000 ms. */
  timeoutMs?: number;
  log?: AdapterLog;
}

/** The `powerdns` adapter (to be written). */
export class PowerDnsAdapter implements TrafficAdapter {
  readonly kind = 'powerdns';
  readonly drainsEndpoints = false;

  constructor(readonly options: PowerDnsAdapterOptions) {}

  // eslint-disable-next-line @typescript-eslint/require-await
  async apply(_req: WeightChange, _signal?: AbortSignal, _fence?: Fence): Promise<AdapterResult> {
    return { ok: false, attempts: 0, detail: 'not written yet' };
  }
}
