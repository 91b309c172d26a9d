import {
  checkWeightChange,
  type AdapterCheck,
  type AdapterEndpoint,
  type AdapterLog,
  type AdapterResult,
  type Fence,
  type ReadBack,
  type TrafficAdapter,
  type WeightChange,
} from '../adapter';
import {
  ADMIN,
  ADMIN_MAINT_MASK,
  parseBackendAlgo,
  parseRuntimeAddress,
  parseServersState,
  runtimeBatch,
  WEIGHTLESS_ALGORITHMS,
  type RuntimeAddress,
  type ServerState,
} from './runtime-api';
import { idcShares, serverWeights } from './server-weights';

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

interface Instance {
  /** The configured `runtimeApi` string: how details name the instance (it holds no secret). */
  label: string;
  address: RuntimeAddress;
}

/** An instance's servers of the backend, by name, once found fit for a change. */
type Inspection = { ok: true; servers: Map<string, ServerState> } | { ok: false; error: string };

/**
 * The `haproxy` traffic adapter: sets the weights of a backend's servers through the Runtime API of
 * every HAProxy instance serving the service.
 *
 * - **Weights.** An IDC's percent is split over its endpoints in proportion to capacity, then scaled so
 *   the largest server weight is 256 and rounded (a non-zero share is at least 1); see
 *   {@link serverWeights}. Absolute `set server <b>/<s> weight <w>`, so a retry with the same key is
 *   harmless (idempotent without a key store).
 * - **All or nothing.** Every instance is read first (`show cli level`, `show servers state`, `show stat`):
 *   admin level, the backend exists with a dynamic balance algorithm, every endpoint has its server.
 *   Any problem refuses the change before anything is written (`attempts: 0`). Then each instance gets
 *   all its commands in ONE batch, which ends with `show servers state` to confirm what is in force.
 *   A failure on an instance stops the change; once something was sent it is `uncertain`.
 * - **Drain.** Vigil owns only the forced-drain flag (FDRAIN). With `drained`, each listed endpoint's
 *   server gets `state drain`, and a server of another endpoint that has FDRAIN gets `state ready`.
 *   A server in maintenance (FMAINT/IMAINT/RMAINT: an operator's `state maint`, a tracked server,
 *   DNS) is never touched: both `state drain` and `state ready` would clear an operator's MAINT, and
 *   MAINT already keeps it out of rotation. Its weight is still set. It reads back as not drained.
 * - **Balance.** `static-rr` (and map-based hashing) cannot change weights at runtime: HAProxy refuses
 *   all but 0% and 100%; `first` ignores weights. Those two are caught before writing; for map-based
 *   hashing HAProxy's refusal is reported (the change is then partial, so `uncertain`). Use
 *   roundrobin, leastconn, random or `hash-type consistent`.
 * - **Time.** Each Runtime API batch has `timeoutMs`: the reads run in parallel, the writes one
 *   instance after another, so `apply` settles within (1 + instances) × `timeoutMs`.
 * - **Fenced**: the fence is asked before each instance's write. Servers of the backend that are not
 *   the service's endpoints are left alone.
 */
export class HaproxyAdapter implements TrafficAdapter {
  readonly kind = 'haproxy';
  readonly drainsEndpoints = true;
  private readonly timeoutMs: number;
  private readonly instances: Instance[];

  constructor(readonly options: HaproxyAdapterOptions) {
    if (options.runtimeApi.length === 0) throw new Error('runtimeApi must name at least one instance');
    if (!SERVER_NAME.test(options.backend)) {
      throw new Error(`backend must be an HAProxy backend name, got ${JSON.stringify(options.backend)}`);
    }
    const timeoutMs = options.timeoutMs ?? 2000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new Error(`timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    this.timeoutMs = timeoutMs;
    const owner = new Map<string, string>();
    for (const e of options.endpoints) {
      const server = this.serverOf(e.name);
      const other = owner.get(server);
      if (other !== undefined) {
        throw new Error(`servers: endpoints ${other} and ${e.name} both map to server ${server}`);
      }
      owner.set(server, e.name);
    }
    this.instances = options.runtimeApi.map((label) => ({ label, address: parseRuntimeAddress(label) }));
  }

  async apply(req: WeightChange, signal?: AbortSignal, fence?: Fence): Promise<AdapterResult> {
    const invalid = checkWeightChange(req);
    if (invalid !== undefined) return refused(`invalid weight change: ${invalid}`);
    const names = new Set(this.options.endpoints.map((e) => e.name));
    const unknown = (req.drained ?? []).filter((name) => !names.has(name));
    if (unknown.length > 0) return refused(`drained names no endpoint of the service: ${unknown.join(', ')}`);
    let weights: Map<string, number>;
    try {
      weights = serverWeights(req.weights, this.options.endpoints);
    } catch (error) {
      return refused((error as Error).message);
    }
    if (signal?.aborted) return refused('aborted before sending');

    const inspections = await Promise.all(this.instances.map((i) => this.inspect(i, signal)));
    const unfit = inspections.flatMap((r, i) => (r.ok ? [] : [`${this.instances[i].label}: ${r.error}`]));
    if (unfit.length > 0) return refused(`nothing written: ${unfit.join('; ')}`);

    const drained = req.drained === undefined ? undefined : new Set(req.drained);
    const context = { service: req.service, actionId: req.actionId, step: req.step, key: req.idempotencyKey };
    let attempts = 0;
    const maintained: string[] = [];
    for (const [i, instance] of this.instances.entries()) {
      const done = attempts > 0 ? ` (${attempts} of ${this.instances.length} instances written)` : '';
      if (fence && !(await fence().catch(() => false))) {
        return {
          ok: false,
          attempts,
          detail: `not sent to ${instance.label}: this controller no longer leads (fenced)${done}`,
          fenced: true,
          ...(attempts > 0 ? { uncertain: true } : {}),
        };
      }
      const servers = (inspections[i] as Extract<Inspection, { ok: true }>).servers;
      const plan = this.commands(weights, drained, servers);
      maintained.push(...plan.maintained.map((name) => `${name} (${instance.label})`));
      attempts++;
      const error = await this.write(instance, plan.commands, weights, drained, plan.maintained, signal);
      if (error !== undefined) {
        this.options.log?.('haproxy change failed', {
          ...context,
          instance: instance.label,
          error: error.text,
        });
        return {
          ok: false,
          attempts,
          detail: `${instance.label}: ${error.text}${done}`,
          ...(error.sent || attempts > 1 ? { uncertain: true } : {}),
        };
      }
    }
    const set = this.options.endpoints
      .map((e) => `${this.serverOf(e.name)}=${weights.get(e.name)}`)
      .join(' ');
    const drainText = drained === undefined ? '' : `; in drain: ${[...drained].sort().join(', ') || 'none'}`;
    const maintText =
      maintained.length > 0 ? `; in maintenance, drain left as is: ${maintained.join(', ')}` : '';
    return {
      ok: true,
      attempts,
      detail: `${this.options.backend} weights ${set} on ${attempts} instance(s)${drainText}${maintText}`,
      appliedAt: Date.now(),
    };
  }

  async read(signal?: AbortSignal): Promise<ReadBack> {
    const views = await Promise.all(
      this.instances.map(async (instance) => {
        const answer = await runtimeBatch(instance.address, [`show servers state ${this.options.backend}`], {
          timeoutMs: this.timeoutMs,
          signal,
        });
        if (!answer.ok) return { instance, error: answer.error };
        let servers: ServerState[];
        try {
          servers = parseServersState(answer.outputs[0]);
        } catch (error) {
          return { instance, error: `backend ${this.options.backend}: ${(error as Error).message}` };
        }
        const byName = new Map(servers.map((s) => [s.name, s]));
        const missing = this.missingServers(byName);
        if (missing.length > 0) return { instance, error: missing.join('; ') };
        const weightOf = new Map(
          this.options.endpoints.map((e) => [e.name, byName.get(this.serverOf(e.name))!.userWeight]),
        );
        const shares = idcShares(this.options.endpoints, weightOf);
        if (shares === undefined) {
          return { instance, error: `every endpoint's server in ${this.options.backend} has weight 0` };
        }
        const drained = this.options.endpoints
          .filter((e) => (byName.get(this.serverOf(e.name))!.adminState & ADMIN.FDRAIN) !== 0)
          .map((e) => e.name)
          .sort();
        const mine = new Set(this.options.endpoints.map((e) => this.serverOf(e.name)));
        const others = servers
          .filter((s) => !mine.has(s.name))
          .map((s) => `${s.name} (weight ${s.userWeight})`);
        return { instance, ...shares, drained, others };
      }),
    );
    const failed = views.flatMap((v) => ('error' in v ? [`${v.instance.label}: ${v.error}`] : []));
    if (failed.length > 0) return { ok: false, detail: failed.join('; ') };
    const good = views as Exclude<(typeof views)[number], { error: string }>[];
    const first = good[0];
    const tolerance = Math.max(...good.map((v) => v.tolerance));
    for (const other of good.slice(1)) {
      const idcs = Object.keys(first.weights);
      const weightsDiffer = idcs.some((idc) => Math.abs(first.weights[idc] - other.weights[idc]) > tolerance);
      if (weightsDiffer || first.drained.join(',') !== other.drained.join(',')) {
        return {
          ok: false,
          detail: `HAProxy instances differ: ${other.instance.label} has ${describe(other)}, ${first.instance.label} has ${describe(first)}`,
        };
      }
    }
    const others = first.others.length > 0 ? `; not endpoints, ignored: ${first.others.join(', ')}` : '';
    return {
      ok: true,
      weights: first.weights,
      drained: first.drained,
      tolerance,
      detail: `${this.options.backend} on ${good.length} instance(s): ${describe(first)}${others}`,
    };
  }

  async check(signal?: AbortSignal): Promise<AdapterCheck> {
    const names = new Set(this.options.endpoints.map((e) => e.name));
    const problems = Object.keys(this.options.servers ?? {})
      .filter((name) => !names.has(name))
      .map((name) => `servers maps ${name}, which is no endpoint of the service`);
    const results = await Promise.all(this.instances.map((i) => this.inspect(i, signal)));
    results.forEach((r, i) => {
      if (!r.ok) problems.push(`${this.instances[i].label}: ${r.error}`);
    });
    if (problems.length > 0) return { ok: false, detail: problems.join('; ') };
    return {
      ok: true,
      detail: `${this.instances.length} instance(s) at admin level; backend ${this.options.backend} has the server of each of ${this.options.endpoints.length} endpoint(s)`,
    };
  }

  /** Reads an instance and says why a change cannot be written to it, if it cannot. Sends no change. */
  private async inspect(instance: Instance, signal?: AbortSignal): Promise<Inspection> {
    const backend = this.options.backend;
    const answer = await runtimeBatch(
      instance.address,
      ['show cli level', `show servers state ${backend}`, `show stat ${backend} 2 -1`],
      { timeoutMs: this.timeoutMs, signal },
    );
    if (!answer.ok) return { ok: false, error: answer.error };
    const [level, state, stat] = answer.outputs;
    if (level.trim() !== 'admin') {
      return {
        ok: false,
        error: `the Runtime API is at level ${level.trim() || '?'}; changes need level admin`,
      };
    }
    let servers: ServerState[];
    let algo: string;
    try {
      servers = parseServersState(state);
      algo = parseBackendAlgo(stat);
    } catch (error) {
      return { ok: false, error: `backend ${backend}: ${(error as Error).message}` };
    }
    const weightless = WEIGHTLESS_ALGORITHMS.get(algo);
    if (weightless !== undefined) {
      return { ok: false, error: `backend ${backend} uses balance ${algo}, ${weightless}` };
    }
    const byName = new Map(servers.map((s) => [s.name, s]));
    const missing = this.missingServers(byName);
    const unnamed = this.options.endpoints
      .filter((e) => !SERVER_NAME.test(this.serverOf(e.name)))
      .map((e) => `endpoint ${e.name} is no HAProxy server name: map it in servers`);
    missing.push(...unnamed);
    return missing.length > 0 ? { ok: false, error: missing.join('; ') } : { ok: true, servers: byName };
  }

  /** `backend b has no server s (endpoint e)` for each endpoint whose server is not in `servers`. */
  private missingServers(servers: ReadonlyMap<string, ServerState>): string[] {
    return this.options.endpoints
      .filter((e) => !servers.has(this.serverOf(e.name)))
      .map(
        (e) => `backend ${this.options.backend} has no server ${this.serverOf(e.name)} (endpoint ${e.name})`,
      );
  }

  /** One instance's batch: every weight, then drain/ready (servers in maintenance left alone). */
  private commands(
    weights: ReadonlyMap<string, number>,
    drained: ReadonlySet<string> | undefined,
    servers: ReadonlyMap<string, ServerState>,
  ): { commands: string[]; maintained: string[] } {
    const b = this.options.backend;
    const commands = this.options.endpoints.map(
      (e) => `set server ${b}/${this.serverOf(e.name)} weight ${weights.get(e.name)}`,
    );
    const maintained: string[] = [];
    if (drained !== undefined) {
      for (const e of this.options.endpoints) {
        const server = this.serverOf(e.name);
        const admin = servers.get(server)!.adminState;
        if ((admin & ADMIN_MAINT_MASK) !== 0) {
          maintained.push(e.name);
        } else if (drained.has(e.name)) {
          commands.push(`set server ${b}/${server} state drain`);
        } else if ((admin & ADMIN.FDRAIN) !== 0) {
          commands.push(`set server ${b}/${server} state ready`);
        }
      }
    }
    return { commands, maintained };
  }

  /** Sends one instance's batch and confirms it from the trailing `show servers state`. */
  private async write(
    instance: Instance,
    commands: readonly string[],
    weights: ReadonlyMap<string, number>,
    drained: ReadonlySet<string> | undefined,
    maintained: readonly string[],
    signal?: AbortSignal,
  ): Promise<{ text: string; sent: boolean } | undefined> {
    const answer = await runtimeBatch(
      instance.address,
      [...commands, `show servers state ${this.options.backend}`],
      { timeoutMs: this.timeoutMs, signal },
    );
    if (!answer.ok) return { text: answer.error, sent: answer.sent };
    const refusedBy = commands.flatMap((command, i) =>
      answer.outputs[i].trim() === '' ? [] : [`${command}: ${answer.outputs[i].trim().replace(/\s+/g, ' ')}`],
    );
    if (refusedBy.length > 0) return { text: `HAProxy refused ${refusedBy.join('; ')}`, sent: true };
    let servers: Map<string, ServerState>;
    try {
      servers = new Map(parseServersState(answer.outputs[commands.length]).map((s) => [s.name, s]));
    } catch (error) {
      return { text: `could not confirm: ${(error as Error).message}`, sent: true };
    }
    const off = this.options.endpoints.flatMap((e) => {
      const s = servers.get(this.serverOf(e.name));
      if (s === undefined) return [`${this.serverOf(e.name)} gone`];
      const problems = s.userWeight === weights.get(e.name) ? [] : [`${s.name} weight ${s.userWeight}`];
      const inDrain = (s.adminState & ADMIN.FDRAIN) !== 0;
      if (drained !== undefined && !maintained.includes(e.name) && inDrain !== drained.has(e.name)) {
        problems.push(`${s.name} ${inDrain ? 'in drain' : 'not in drain'}`);
      }
      return problems;
    });
    return off.length > 0 ? { text: `not confirmed: ${off.join(', ')}`, sent: true } : undefined;
  }

  private serverOf(endpoint: string): string {
    return this.options.servers?.[endpoint] ?? endpoint;
  }
}

/** HAProxy's proxy and server names (what its config parser accepts). */
const SERVER_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

function refused(detail: string): AdapterResult {
  return { ok: false, attempts: 0, detail };
}

/** `sha 50%, bj 50%; in drain: sha-1` for details. */
function describe(view: { weights: Record<string, number>; drained: string[] }): string {
  const pct = Object.entries(view.weights)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([idc, w]) => `${idc} ${Math.round(w * 100) / 100}%`)
    .join(', ');
  return `${pct}; in drain: ${view.drained.join(', ') || 'none'}`;
}
