import type {
  AdapterEndpoint,
  AdapterLog,
  AdapterResult,
  Fence,
  TrafficAdapter,
  WeightChange,
} from '../adapter';

export interface HaproxyAdapterOptions {
  /** Each HAProxy instance's Runtime API: `unix:/path/to/admin.sock` or `tcp://host:port`. */
  runtimeApi: readonly string[];
  /** The backend whose servers are the service's endpoints. */
  backend: string;
  /** The service's endpoints (name, IDC, capacity). */
  endpoints: readonly AdapterEndpoint[];
  /** Server name per endpoint name, where they differ (default: the endpoint's name). */
  servers?: Readonly<Record<string, string>>;
  /** Deadline of one change or read on one instance. Default 2000 ms. */
  timeoutMs?: number;
  log?: AdapterLog;
}

/** The `haproxy` adapter (to be written). */
export class HaproxyAdapter implements TrafficAdapter {
  readonly kind = 'haproxy';
  readonly drainsEndpoints = true;

  constructor(readonly options: HaproxyAdapterOptions) {}

  // eslint-disable-next-line @typescript-eslint/require-await
  async apply(_req: WeightChange, _signal?: AbortSignal, _fence?: Fence): Promise<AdapterResult> {
    return { ok: false, attempts: 0, detail: 'not written yet' };
  }
}
