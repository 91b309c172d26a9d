import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import {
  checkWeightChange,
  type AdapterCheck,
  type AdapterLog,
  type AdapterResult,
  type Fence,
  type ReadBack,
  type TrafficAdapter,
  type WeightChange,
} from '../adapter';
import {
  canonicalAddress,
  luaContent,
  luaEntries,
  luaTolerance,
  parseLuaContent,
  percentByIdc,
} from './lua-weights';
import { PowerDnsApi, type ApiAttempt } from './powerdns-api';
import { positive, sleep } from '../http-helpers';

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
  /** PATCH requests at most per change, first one included. Default 3. */
  maxAttempts?: number;
  /** Limit of the whole change, attempts and waits included. Default max(15 s, timeoutMs). */
  deadlineMs?: number;
  /** First wait between attempts; doubles per retry up to 2 s, with jitter. Default 250 ms. */
  backoffBaseMs?: number;
  /** undici dispatcher (connection pool); default undici's global one. */
  dispatcher?: Dispatcher;
  log?: AdapterLog;
}

/** An attempt shorter than this is not started: it could not succeed. */
const MIN_ATTEMPT_MS = 50;
const BACKOFF_MAX_MS = 2000;

/**
 * The `powerdns` traffic adapter: one LUA record on a PowerDNS Authoritative server answers the
 * service's name with one IDC address per query, picked by weight (`pickwrandom`, or `pickwhashed`:
 * sticky per resolver). See lua-weights.ts for the record's format.
 *
 * - apply: ONE `PATCH /api/v1/servers/{serverId}/zones/{zone}` replacing the record's rrset (atomic,
 *   absolute, so repeating a key is harmless). Network errors, timeouts and 5xx are retried within
 *   the deadline; a 4xx (401 key, 404 zone, 422 content) fails at once with the server's message.
 * - read: `GET` of the zone filtered to the rrset, parsed back to percent per IDC.
 * - check: API, key, server id, zone, record name inside the zone, and `enable-lua-records`.
 * - Resolvers keep an answer for the record's TTL: a shift takes full effect only
 *   `propagationDelayMs` after it is applied. It cannot drain single endpoints.
 */
export class PowerDnsAdapter implements TrafficAdapter {
  readonly kind = 'powerdns';
  readonly drainsEndpoints = false;
  private readonly api: PowerDnsApi;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly deadlineMs: number;
  private readonly backoffBaseMs: number;

  constructor(readonly options: PowerDnsAdapterOptions) {
    this.timeoutMs = positive(options.timeoutMs, 5000, 'timeoutMs');
    this.maxAttempts = Math.floor(positive(options.maxAttempts, 3, 'maxAttempts'));
    this.deadlineMs = positive(options.deadlineMs, Math.max(15_000, this.timeoutMs), 'deadlineMs');
    this.backoffBaseMs = positive(options.backoffBaseMs, 250, 'backoffBaseMs');
    const invalid = invalidOptions(options);
    if (invalid !== undefined) throw new Error(`powerdns adapter: ${invalid}`);
    this.api = new PowerDnsApi({ url: options.url, apiKey: options.apiKey, dispatcher: options.dispatcher });
  }

  /** How long resolvers may keep serving the old answers after a change: the record's TTL. */
  get propagationDelayMs(): number {
    return this.options.ttlSeconds * 1000;
  }

  async apply(req: WeightChange, signal?: AbortSignal, fence?: Fence): Promise<AdapterResult> {
    const invalid = checkWeightChange(req) ?? this.outsideZone();
    if (invalid !== undefined) return { ok: false, attempts: 0, detail: `invalid weight change: ${invalid}` };
    let content: string;
    try {
      content = luaContent(
        this.options.recordType,
        this.options.selector,
        luaEntries(req.weights, this.options.addresses),
      );
    } catch (error) {
      return { ok: false, attempts: 0, detail: `invalid weight change: ${(error as Error).message}` };
    }
    if (signal?.aborted) return { ok: false, attempts: 0, detail: 'aborted before sending' };
    const body = {
      rrsets: [
        {
          name: this.options.name,
          type: 'LUA',
          ttl: this.options.ttlSeconds,
          changetype: 'REPLACE',
          records: [{ content, disabled: false }],
          comments: [{ content: commentFor(req), account: 'vigil' }],
        },
      ],
    };
    const deadline = Date.now() + this.deadlineMs;
    const context = { service: req.service, actionId: req.actionId, step: req.step, key: req.idempotencyKey };
    let last: ApiAttempt | undefined;
    let attempts = 0;
    let maybeApplied = false;
    const fail = (detail: string): AdapterResult => ({
      ok: false,
      attempts,
      ...(last?.kind === 'response' ? { status: last.status } : {}),
      detail,
      ...(maybeApplied ? { uncertain: true } : {}),
    });
    while (attempts < this.maxAttempts) {
      const remaining = deadline - Date.now();
      if (remaining < MIN_ATTEMPT_MS) break;
      if (fence && !(await fence().catch(() => false))) {
        const after = last === undefined ? '' : ` after ${this.api.describe(last)}`;
        return { ...fail(`not sent: this controller no longer leads (fenced${after})`), fenced: true };
      }
      attempts++;
      last = await this.api.send('PATCH', this.zonePath(), body, Math.min(this.timeoutMs, remaining), signal);
      const of = `attempt ${attempts} of ${this.maxAttempts}`;
      if (last.kind === 'aborted') {
        maybeApplied = true;
        return fail(`aborted (${of})`);
      }
      if (last.kind === 'response' && last.status >= 200 && last.status < 300) {
        return {
          ok: true,
          attempts,
          status: last.status,
          detail: `${this.options.name} LUA ${content.slice(content.indexOf('"'))} ttl ${this.options.ttlSeconds}s (HTTP ${last.status}, ${of})`,
          appliedAt: Date.now(),
        };
      }
      if (last.kind === 'response' && last.status < 500) {
        return fail(`${this.describeFailure(last)} (${of}, not retried)`);
      }
      if (last.kind === 'response' || last.sent) maybeApplied = true;
      if (attempts >= this.maxAttempts) break;
      const wait = this.backoff(attempts + 1);
      if (Date.now() + wait + MIN_ATTEMPT_MS > deadline) {
        return fail(`${this.api.describe(last)} (${of}; no time left before the deadline)`);
      }
      this.options.log?.('traffic powerdns attempt failed, retrying', {
        ...context,
        attempt: attempts,
        error: this.api.describe(last),
        retryInMs: wait,
      });
      if (!(await sleep(wait, signal))) return fail(`aborted (${of})`);
    }
    if (last === undefined) return fail('deadline passed before the first attempt');
    return fail(`${this.api.describe(last)} (attempt ${attempts} of ${this.maxAttempts}, giving up)`);
  }

  async read(signal?: AbortSignal): Promise<ReadBack> {
    const outside = this.outsideZone();
    if (outside !== undefined) return { ok: false, detail: outside };
    const got = await this.getRrset(signal);
    if ('error' in got) return { ok: false, detail: got.error };
    const { rrset } = got;
    const where = `${this.options.name} LUA on ${this.api.origin}`;
    if (rrset === undefined) return { ok: false, detail: `${where}: no such record` };
    const records = rrset.records ?? [];
    if (records.length !== 1) {
      return { ok: false, detail: `${where}: ${records.length} records, Vigil writes exactly one` };
    }
    if (records[0].disabled === true) return { ok: false, detail: `${where}: the record is disabled` };
    const parsed = parseLuaContent(String(records[0].content));
    if ('error' in parsed) return { ok: false, detail: `${where}: ${parsed.error}` };
    const mapped = percentByIdc(parsed.entries, this.options.addresses);
    if ('unknown' in mapped) {
      return {
        ok: false,
        detail: `${where}: ${mapped.unknown.join(', ')} ${mapped.unknown.length === 1 ? 'is' : 'are'} not an address of any IDC in the config`,
      };
    }
    const shares = Object.entries(mapped.weights)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([idc, pct]) => `${idc} ${Math.round(pct * 100) / 100}%`)
      .join(', ');
    const ttlNote = rrset.ttl === this.options.ttlSeconds ? '' : ` (config says ${this.options.ttlSeconds}s)`;
    return {
      ok: true,
      weights: mapped.weights,
      drained: [],
      tolerance: luaTolerance(Object.keys(this.options.addresses).length),
      detail: `${where}: ${parsed.type} ${parsed.selector} ${shares}; ttl ${String(rrset.ttl)}s${ttlNote}`,
    };
  }

  async check(signal?: AbortSignal): Promise<AdapterCheck> {
    const outside = this.outsideZone();
    if (outside !== undefined) return { ok: false, detail: outside };
    const server = await this.getJson<{ version?: unknown }>(
      `/servers/${this.serverPath()}`,
      signal,
      'server',
    );
    if ('error' in server) return { ok: false, detail: server.error };
    const version =
      typeof server.value.version === 'string' ? `PowerDNS ${server.value.version}` : 'PowerDNS';
    const got = await this.getRrset(signal);
    if ('error' in got) return { ok: false, detail: got.error };
    const config = await this.getJson<unknown>(`/servers/${this.serverPath()}/config`, signal, 'config');
    if ('error' in config) return { ok: false, detail: config.error };
    const lua = Array.isArray(config.value)
      ? (config.value as { name?: unknown; value?: unknown }[]).find((s) => s.name === 'enable-lua-records')
      : undefined;
    if (lua === undefined || lua.value === 'no') {
      return {
        ok: false,
        detail: `${version} at ${this.api.origin}: LUA records are disabled on the server (enable-lua-records)`,
      };
    }
    const record =
      got.rrset === undefined
        ? 'not written yet'
        : got.rrset.records?.length === 1 &&
            !('error' in parseLuaContent(String(got.rrset.records[0].content)))
          ? 'present'
          : 'present in another format (the first shift replaces it)';
    return {
      ok: true,
      detail: `${version} at ${this.api.origin}: zone ${this.options.zone} found, LUA records enabled, ${this.options.name} LUA ${record}`,
    };
  }

  /** For logs and errors: the API's origin (no key, no path). */
  toString(): string {
    return `powerdns ${this.api.origin}`;
  }

  private serverPath(): string {
    return encodeURIComponent(this.options.serverId);
  }

  private zonePath(): string {
    return `/servers/${this.serverPath()}/zones/${encodeURIComponent(this.options.zone)}`;
  }

  /** Why the record cannot live in the zone, or undefined. */
  private outsideZone(): string | undefined {
    const name = this.options.name.toLowerCase();
    const zone = this.options.zone.toLowerCase();
    return name === zone || name.endsWith(`.${zone}`)
      ? undefined
      : `record name ${this.options.name} is not inside zone ${this.options.zone}`;
  }

  /** The record's rrset (undefined when the zone has none), or why the zone could not be read. */
  private async getRrset(signal?: AbortSignal): Promise<{ rrset?: Rrset } | { error: string }> {
    const query = `?rrset_name=${encodeURIComponent(this.options.name)}&rrset_type=LUA`;
    const zone = await this.getJson<{ rrsets?: Rrset[] }>(`${this.zonePath()}${query}`, signal, 'zone');
    if ('error' in zone) return zone;
    // Pick the rrset out of the answer whatever the filter did: servers before 4.7 ignore it and
    // send the whole zone, and 4.7 adds every name's comments as rrsets without records.
    const name = this.options.name.toLowerCase();
    const matching = (zone.value.rrsets ?? []).filter(
      (r) => r.type === 'LUA' && r.name?.toLowerCase() === name && (r.records ?? []).length > 0,
    );
    if (matching.length === 0) return {};
    return { rrset: { ...matching[0], records: matching.flatMap((r) => r.records ?? []) } };
  }

  /** One GET, parsed; a clear error naming what failed otherwise. */
  private async getJson<T>(
    path: string,
    signal: AbortSignal | undefined,
    what: 'server' | 'zone' | 'config',
  ): Promise<{ value: T } | { error: string }> {
    const attempt = await this.api.send('GET', path, undefined, this.timeoutMs, signal);
    if (attempt.kind === 'response' && attempt.status === 200) {
      try {
        return { value: JSON.parse(attempt.body) as T };
      } catch {
        return { error: `${this.api.origin}: the ${what} answer is not JSON` };
      }
    }
    if (attempt.kind === 'response' && attempt.status === 404) {
      const missing =
        what === 'zone'
          ? `zone ${this.options.zone} not found on server ${this.options.serverId}`
          : `server id ${this.options.serverId} not found`;
      return { error: `${this.api.origin}: HTTP 404: ${missing}` };
    }
    return { error: `${this.api.origin}: reading the ${what}: ${this.api.describe(attempt)}` };
  }

  private describeFailure(attempt: ApiAttempt): string {
    if (attempt.kind === 'response' && attempt.status === 404) {
      return `HTTP 404: zone ${this.options.zone} not found on server ${this.options.serverId}`;
    }
    return this.api.describe(attempt);
  }

  /** The wait before attempt `next` (2, 3, ...): exponential, half fixed and half random. */
  private backoff(next: number): number {
    const exp = Math.min(BACKOFF_MAX_MS, this.backoffBaseMs * 2 ** (next - 2));
    return Math.round(exp / 2 + (Math.random() * exp) / 2);
  }
}

interface Rrset {
  name?: string;
  type?: string;
  ttl?: number;
  records?: { content?: unknown; disabled?: boolean }[];
}

/** The rrset comment naming the change that wrote it (shown by PowerDNS tools). */
function commentFor(req: WeightChange): string {
  const token = req.fencingToken === undefined ? '' : ` fencing token ${req.fencingToken}`;
  return `set by Vigil for ${req.service}: action ${req.actionId} step ${req.step}${token}`.slice(0, 500);
}

/** Why the options cannot work, naming the field, or undefined. */
function invalidOptions(options: PowerDnsAdapterOptions): string | undefined {
  try {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must be http or https';
  } catch {
    return 'url is not a valid URL';
  }
  if (typeof options.apiKey !== 'string' || options.apiKey === '' || /[\r\n]/.test(options.apiKey)) {
    return 'apiKey must be a non-empty single line';
  }
  if (options.serverId === '') return 'serverId is empty';
  if (!options.zone.endsWith('.')) return `zone must end in a dot, got ${options.zone}`;
  if (!options.name.endsWith('.')) return `name must end in a dot, got ${options.name}`;
  if (options.recordType !== 'A' && options.recordType !== 'AAAA') return 'recordType must be A or AAAA';
  if (options.selector !== 'pickwrandom' && options.selector !== 'pickwhashed') {
    return 'selector must be pickwrandom or pickwhashed';
  }
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1) {
    return `ttlSeconds must be an integer ≥ 1, got ${options.ttlSeconds}`;
  }
  const family = options.recordType === 'A' ? 4 : 6;
  const owner = new Map<string, string>();
  const idcs = Object.entries(options.addresses);
  if (idcs.length === 0) return 'addresses are empty';
  for (const [idc, list] of idcs) {
    if (list.length === 0) return `addresses.${idc} is empty`;
    for (const address of list) {
      if (isIP(address) !== family) {
        return `addresses.${idc}: ${address} is not an IPv${family} address (recordType ${options.recordType})`;
      }
      const canonical = canonicalAddress(address);
      const other = owner.get(canonical);
      if (other !== undefined && other !== idc)
        return `address ${address} is listed for both ${other} and ${idc}`;
      owner.set(canonical, idc);
    }
  }
  return undefined;
}
