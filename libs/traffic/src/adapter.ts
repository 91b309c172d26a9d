/**
 * The traffic adapter contract: how Vigil's executor tells a traffic manager (GSLB, DNS, load balancer)
 * which share of a service's traffic each IDC gets.
 *
 * The executor calls `apply` once per step of a shift, with a fresh idempotency key per step. If the
 * executor crashes or the call fails with an unknown outcome, it calls `apply` again with the SAME
 * request (same key). Every adapter MUST guarantee:
 *
 * 1. **Idempotent per key.** Applying the same `idempotencyKey` twice has the effect of applying it once.
 *    Either the target dedupes (the webhook adapter sends `Idempotency-Key`; receivers keep the first
 *    answer per key) or the operation is naturally idempotent (it sets absolute weights, e.g. an
 *    UPSERT of DNS records, never "add 10%"). Weights are always absolute, never deltas.
 * 2. **All or nothing.** A change is applied whole or not at all; a service never ends up with some IDCs
 *    at the new weights and others at the old ones. Use the target's atomic batch (one Route 53
 *    ChangeBatch, one Cloudflare pool PATCH, one Envoy EDS/CDS update) or validate before writing.
 *    Invalid input (see {@link checkWeightChange}) fails before anything is sent (`attempts: 0`).
 * 3. **Time-bounded.** `apply` settles within the adapter's own deadline (seconds, not minutes), every
 *    network call has an explicit timeout, and `signal` aborts it early.
 * 4. **Never rejects.** Failures are results: `{ok: false, detail}`. `ok: true` means the target
 *    confirmed the change. When the outcome is unknown (timeout, connection lost, abort after sending,
 *    5xx) set `uncertain: true`: the executor must retry with the same key (or read the target back)
 *    before it assumes the old weights are still in place.
 * 5. **No secrets in results or logs.** `detail` is shown to operators and stored in the action history.
 * 6. **Fenced.** When a `fence` is given, it is asked right before every request (retries too); once it
 *    answers false nothing more is sent and the result is `{ok: false, fenced: true}`. The request
 *    carries the sender's `fencingToken`, so that a target that can compare tokens refuses a request
 *    from a leader older than the newest it has seen (a paused leader whose request was already
 *    out of the process when it lost the lease).
 *
 * How other targets would map `weights` (percent per IDC, sum 100):
 * - **Route 53 weighted records**: one record set per IDC with the same name and type and
 *   `SetIdentifier = idc`; `Weight = weights[idc]` (0-255; percent fits; 0 drains the IDC). Send all
 *   IDCs in ONE `ChangeResourceRecordSets` call of `UPSERT`s (atomic), then poll `GetChange` until
 *   `INSYNC` within the deadline. Idempotent because UPSERT sets absolute values.
 * - **Cloudflare load balancer pools**: one pool per IDC; weights live on the load balancer's
 *   `random_steering.pool_weights` (0-1): `pool_weights[poolId(idc)] = weights[idc] / 100`, written by
 *   one PATCH of the load balancer (atomic). A pool with weight 0 receives nothing.
 * - **Envoy** (xDS): one locality per IDC in the cluster's ClusterLoadAssignment,
 *   `load_balancing_weight = weights[idc]` (a locality needs a weight > 0 to be listed: drop or set
 *   priority for 0), pushed as one EDS version. **Nginx**: an upstream with `server ... weight=w` per
 *   node (weights must be ≥ 1, so a 0 IDC is `down`), written and reloaded as one file, or through
 *   the NGINX Plus API per server (not atomic: write a new upstream and switch to it).
 * The adapter's `kind` names the target (`webhook`, `log`, `route53`, ...); `createAdapter` maps the
 * config's `trafficManager.type` to it.
 */
export interface TrafficAdapter {
  /** The adapter type, equal to the config's `trafficManager.type` (`webhook`, `log`, ...). */
  readonly kind: string;
  /**
   * True when the target can take single endpoints out of rotation (`WeightChange.drained`): a
   * `drain-endpoint` rule or API call for a service whose adapter cannot is refused at apply.
   */
  readonly drainsEndpoints: boolean;
  /**
   * How long after a confirmed change clients may still follow the old weights (a DNS TTL): shown
   * with each planned shift. Absent: at once.
   */
  readonly propagationDelayMs?: number;
  /**
   * Applies one weight change. Resolves (never rejects) within the adapter's deadline, or soon after
   * `signal` aborts. See the interface's documentation for the guarantees.
   */
  apply(req: WeightChange, signal?: AbortSignal, fence?: Fence): Promise<AdapterResult>;
  /**
   * Reads the weights in force back from the target (absent when the target cannot be read, e.g. a
   * webhook). Called after every step (a mismatch fails the step and holds the action) and
   * periodically to see drift. Never rejects; time-bounded like `apply`; sends no change.
   */
  read?(signal?: AbortSignal): Promise<ReadBack>;
  /**
   * A dry-run check at config apply: the target is reachable, the credentials work, and what the
   * config names (backend and servers, zone) exists. Sends no change. Never rejects.
   */
  check?(signal?: AbortSignal): Promise<AdapterCheck>;
}

/** What the traffic manager has in force, as `TrafficAdapter.read` found it. */
export type ReadBack =
  | {
      ok: true;
      /** Percent of the service's traffic per IDC, from the target's own units; sums to 100. */
      weights: Record<string, number>;
      /** Endpoint names the target has in drain (adapters that drain endpoints; else empty). */
      drained: string[];
      /** Percentage points within which a read weight equals the applied one (the target's rounding). */
      tolerance: number;
      /** One line for operators (what was read, from where). */
      detail: string;
    }
  | { ok: false; detail: string };

/** The answer of `TrafficAdapter.check`. `detail` names what is wrong (or what was checked). */
export interface AdapterCheck {
  ok: boolean;
  detail: string;
}

/** An endpoint of the service, as adapters with endpoint-level weights see it. */
export interface AdapterEndpoint {
  /** The endpoint's name in the config (unique within its service). */
  name: string;
  idc: string;
  /** Relative capacity: within an IDC, traffic is split in proportion to it. */
  capacity: number;
}

/**
 * Asked right before each request an adapter sends: true while the sender still leads under the
 * request's fencing token. False (or a rejection) means send nothing more.
 */
export type Fence = () => Promise<boolean>;

/** One step of a traffic shift: the service's new weights, absolute. */
export interface WeightChange {
  /** The service's name in the config. */
  service: string;
  /** Percent of the service's traffic per IDC name: each 0-100, finite, summing to 100. */
  weights: Record<string, number>;
  /** The action this step belongs to (one action = one planned shift of several steps). */
  actionId: string;
  /** The step's number within the action, from 1. */
  step: number;
  /** Unique per (action, step); the same on every retry of that step. Receivers dedupe by it. */
  idempotencyKey: string;
  /** Why, for humans (rule name, operator's note). */
  reason?: string;
  /**
   * The sending controller leader's fencing token: it only ever increases from one leadership to the
   * next. A receiver should refuse a request whose token is older than the newest it has accepted.
   */
  fencingToken?: number;
  /**
   * Endpoint names to be in drain once the change is applied (absolute, like the weights: every other
   * endpoint of the service is taken back into rotation). Only for adapters that drain endpoints;
   * undefined leaves drain states as they are.
   */
  drained?: readonly string[];
}

/** What happened to a change. */
export interface AdapterResult {
  /** True when the target confirmed that the change is applied. */
  ok: boolean;
  /** Requests sent (0 when the change was refused before sending, e.g. invalid or aborted). */
  attempts: number;
  /** The last HTTP status, when the target speaks HTTP and answered. */
  status?: number;
  /** One line for operators: what happened, or why it failed. Never holds secrets. */
  detail: string;
  /** When the change was confirmed (epoch ms); set when `ok`. */
  appliedAt?: number;
  /**
   * True when the change may have been applied although `ok` is false (timeout, lost connection,
   * abort after sending, 5xx): retry with the same idempotency key before assuming the old weights.
   */
  uncertain?: boolean;
  /** True when the fence said the sender no longer leads: nothing more was sent (see `Fence`). */
  fenced?: boolean;
}

/** The header that carries `WeightChange.fencingToken` (also in the webhook body). */
export const FENCING_TOKEN_HEADER = 'x-vigil-fencing-token';

/** Log function injected into adapters (e.g. `(msg, fields) => pino.info(fields, msg)`). */
export type AdapterLog = (message: string, fields: Record<string, unknown>) => void;

/** Tolerance on the sum of weights (floating-point percentages such as 33.33 + 33.33 + 33.34). */
export const WEIGHT_SUM_TOLERANCE = 0.01;

/**
 * Why `req` cannot be applied, or undefined when it can: a non-empty service, action and key, a step
 * ≥ 1, at least one IDC, every weight finite in [0, 100], weights summing to 100.
 */
export function checkWeightChange(req: WeightChange): string | undefined {
  if (typeof req.service !== 'string' || req.service === '') return 'service is empty';
  if (typeof req.actionId !== 'string' || req.actionId === '') return 'actionId is empty';
  if (typeof req.idempotencyKey !== 'string' || req.idempotencyKey === '') return 'idempotencyKey is empty';
  if (!Number.isInteger(req.step) || req.step < 1) return `step must be an integer ≥ 1, got ${req.step}`;
  if (req.fencingToken !== undefined && !(Number.isSafeInteger(req.fencingToken) && req.fencingToken >= 0)) {
    return `fencingToken must be an integer ≥ 0, got ${String(req.fencingToken)}`;
  }
  if (
    req.drained !== undefined &&
    !(Array.isArray(req.drained) && req.drained.every((name) => typeof name === 'string' && name !== ''))
  ) {
    return 'drained must be a list of endpoint names';
  }
  if (typeof req.weights !== 'object' || req.weights === null || Array.isArray(req.weights)) {
    return 'weights must be an object of IDC name to percent';
  }
  const entries = Object.entries(req.weights);
  if (entries.length === 0) return 'weights are empty';
  let sum = 0;
  for (const [idc, weight] of entries) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 100) {
      return `weight of ${idc} must be a number in [0, 100], got ${String(weight)}`;
    }
    sum += weight;
  }
  if (Math.abs(sum - 100) > WEIGHT_SUM_TOLERANCE) return `weights must sum to 100, got ${sum}`;
  return undefined;
}
