import { request, type Dispatcher } from 'undici';
import {
  AdapterLog,
  AdapterResult,
  checkWeightChange,
  Fence,
  FENCING_TOKEN_HEADER,
  TrafficAdapter,
  WeightChange,
} from './adapter';
import { signatureHeaders } from './signature';
import { positive, readCapped, requestDeadline, sleep } from './http-helpers';

export interface WebhookAdapterOptions {
  /**
   * Receives `POST` with the JSON body `{service, weights, actionId, step, idempotencyKey, reason?,
   * fencingToken?, drained?}` (`drained`: the endpoint names to be out of rotation, absolute).
   */
  url: string;
  /** HMAC key (see signature.ts). Without one, requests are sent unsigned. */
  secret?: string;
  /** Limit of one attempt, connect to end of the response body. Default 5000 ms. */
  timeoutMs?: number;
  /** Requests at most, first one included. Default 4. */
  maxAttempts?: number;
  /** Limit of the whole call, attempts and waits included. Default max(30 s, timeoutMs). */
  deadlineMs?: number;
  /** First backoff; doubles per retry up to `backoffMaxMs`, with jitter (half fixed, half random). */
  backoffBaseMs?: number;
  /** Default 250 ms and 5000 ms. */
  backoffMaxMs?: number;
  /** Longest wait taken from a `Retry-After` header. Default 10 s. */
  retryAfterMaxMs?: number;
  /** undici dispatcher (connection pool); default undici's global one. undici 7 follows no redirects. */
  dispatcher?: Dispatcher;
  log?: AdapterLog;
  /** For tests: random in [0, 1) for jitter, and the clock (epoch ms). */
  random?: () => number;
  now?: () => number;
}

/** Characters of a failed response's body kept in `detail`. */
export const DETAIL_BODY_CHARS = 200;
/** Bytes of a response body read at most (the rest is discarded). */
const MAX_BODY_BYTES = 4096;
/** An attempt shorter than this is not started: it could not succeed. */
const MIN_ATTEMPT_MS = 50;

/** What one attempt came to. */
type Attempt =
  | { kind: 'response'; status: number; body: string; retryAfterMs?: number }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'network'; message: string };

/**
 * The `webhook` traffic adapter: POSTs each weight change as signed JSON to the traffic manager.
 *
 * - Headers: `Content-Type: application/json`, `Idempotency-Key` (= `idempotencyKey`, the same on every
 *   retry), `X-Vigil-Fencing-Token` (= `fencingToken`, also in the signed body), and
 *   `X-Vigil-Timestamp` / `X-Vigil-Signature` when a secret is set (signed again per attempt).
 * - Fencing: the receiver should keep the newest fencing token it accepted and refuse an older one
 *   (409): such a request comes from a leader that lost the lease. With a `fence`, it is asked before
 *   each attempt, and nothing more is sent once it says no.
 * - 2xx: applied. Network error, timeout, 5xx or 429: retried with exponential backoff and jitter
 *   (`Retry-After`, seconds or HTTP date, is honoured up to `retryAfterMaxMs`), at most `maxAttempts`
 *   requests within `deadlineMs`. Any other status (3xx, 4xx): failed at once, with the start of the body.
 * - Redirects are not followed. `signal` aborts the attempt in flight and any wait.
 */
export class WebhookAdapter implements TrafficAdapter {
  readonly kind = 'webhook';
  readonly drainsEndpoints = true;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly deadlineMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly retryAfterMaxMs: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: WebhookAdapterOptions) {
    this.timeoutMs = positive(options.timeoutMs, 5000, 'timeoutMs');
    this.maxAttempts = Math.floor(positive(options.maxAttempts, 4, 'maxAttempts'));
    this.deadlineMs = positive(options.deadlineMs, Math.max(30_000, this.timeoutMs), 'deadlineMs');
    this.backoffBaseMs = positive(options.backoffBaseMs, 250, 'backoffBaseMs');
    this.backoffMaxMs = positive(options.backoffMaxMs, 5000, 'backoffMaxMs');
    this.retryAfterMaxMs = positive(options.retryAfterMaxMs, 10_000, 'retryAfterMaxMs');
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    new URL(options.url); // throws early on a bad url
  }

  async apply(req: WeightChange, signal?: AbortSignal, fence?: Fence): Promise<AdapterResult> {
    const invalid = checkWeightChange(req);
    if (invalid !== undefined) return { ok: false, attempts: 0, detail: `invalid weight change: ${invalid}` };
    if (signal?.aborted) return { ok: false, attempts: 0, detail: 'aborted before sending' };
    const body = JSON.stringify({
      service: req.service,
      weights: req.weights,
      actionId: req.actionId,
      step: req.step,
      idempotencyKey: req.idempotencyKey,
      ...(req.reason === undefined ? {} : { reason: req.reason }),
      ...(req.fencingToken === undefined ? {} : { fencingToken: req.fencingToken }),
      ...(req.drained === undefined ? {} : { drained: req.drained }),
    });
    const headers: Record<string, string> =
      req.fencingToken === undefined ? {} : { [FENCING_TOKEN_HEADER]: String(req.fencingToken) };
    const deadline = this.now() + this.deadlineMs;
    const context = { service: req.service, actionId: req.actionId, step: req.step, key: req.idempotencyKey };
    let last: Attempt | undefined;
    let attempts = 0;
    while (attempts < this.maxAttempts) {
      const remaining = deadline - this.now();
      if (remaining < MIN_ATTEMPT_MS) break;
      if (fence && !(await fence().catch(() => false))) return fenced(attempts, last);
      attempts++;
      last = await this.attempt(
        req.idempotencyKey,
        body,
        headers,
        Math.min(this.timeoutMs, remaining),
        signal,
      );
      const of = `attempt ${attempts} of ${this.maxAttempts}`;
      if (last.kind === 'aborted') return failure(attempts, last, `aborted (${of})`);
      if (last.kind === 'response' && isOk(last.status)) {
        return {
          ok: true,
          attempts,
          status: last.status,
          detail: `HTTP ${last.status} (${of})`,
          appliedAt: this.now(),
        };
      }
      if (last.kind === 'response' && !isRetryable(last.status)) {
        return failure(attempts, last, `${describe(last)} (${of}, not retried)`);
      }
      if (attempts >= this.maxAttempts) break;
      const wait = this.waitBefore(attempts + 1, last);
      if (this.now() + wait + MIN_ATTEMPT_MS > deadline) {
        return failure(attempts, last, `${describe(last)} (${of}; no time left before the deadline)`);
      }
      this.options.log?.('traffic webhook attempt failed, retrying', {
        ...context,
        attempt: attempts,
        error: describe(last),
        retryInMs: wait,
      });
      if (!(await sleep(wait, signal))) return failure(attempts, { kind: 'aborted' }, `aborted (${of})`);
    }
    if (last === undefined)
      return { ok: false, attempts, detail: 'deadline passed before the first attempt' };
    return failure(
      attempts,
      last,
      `${describe(last)} (attempt ${attempts} of ${this.maxAttempts}, giving up)`,
    );
  }

  /** One POST; never throws. */
  private async attempt(
    key: string,
    body: string,
    extraHeaders: Record<string, string>,
    limitMs: number,
    signal?: AbortSignal,
  ): Promise<Attempt> {
    const deadline = requestDeadline(limitMs, signal);
    try {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'idempotency-key': key,
        'user-agent': 'vigil-traffic-webhook',
        ...extraHeaders,
        ...(this.options.secret === undefined ? {} : signatureHeaders(this.options.secret, body, this.now())),
      };
      const response = await request(this.options.url, {
        method: 'POST',
        headers,
        body,
        signal: deadline.signal,
        headersTimeout: limitMs,
        bodyTimeout: limitMs,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
      const text = await readCapped(response.body, MAX_BODY_BYTES);
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.now());
      return { kind: 'response', status: response.statusCode, body: text, retryAfterMs };
    } catch (error) {
      if (signal?.aborted) return { kind: 'aborted' };
      if (deadline.timedOut() || isTimeoutError(error)) return { kind: 'timeout' };
      return { kind: 'network', message: errorMessage(error) };
    } finally {
      deadline.done();
    }
  }

  /** The wait before attempt `next` (2, 3, ...): exponential with jitter, or Retry-After (capped). */
  private waitBefore(next: number, last: Attempt): number {
    const exp = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (next - 2));
    const backoff = Math.round(exp / 2 + (this.random() * exp) / 2);
    if (last.kind === 'response' && last.retryAfterMs !== undefined) {
      return Math.max(backoff, Math.min(last.retryAfterMs, this.retryAfterMaxMs));
    }
    return backoff;
  }

  /** For logs and errors: where it posts, without path or query (they may hold tokens). */
  toString(): string {
    return `webhook ${new URL(this.options.url).origin}`;
  }
}

function failure(attempts: number, last: Attempt, detail: string): AdapterResult {
  const status = last.kind === 'response' ? last.status : undefined;
  // A 4xx (other than 429) is the receiver's refusal: nothing applied. Anything else may have been.
  const uncertain = status === undefined ? attempts > 0 : isRetryable(status);
  return { ok: false, attempts, ...(status === undefined ? {} : { status }), detail, uncertain };
}

/** The fence said no before attempt `attempts + 1`: an earlier attempt may have landed. */
function fenced(attempts: number, last: Attempt | undefined): AdapterResult {
  const before = last === undefined ? '' : ` after ${describe(last)}`;
  return {
    ok: false,
    attempts,
    detail: `not sent: this controller no longer leads (fenced${before})`,
    fenced: true,
    ...(attempts > 0 ? { uncertain: true } : {}),
  };
}

const isOk = (status: number) => status >= 200 && status < 300;
const isRetryable = (status: number) => status === 429 || status >= 500;

function describe(attempt: Attempt): string {
  switch (attempt.kind) {
    case 'response': {
      const text = attempt.body.replace(/\s+/g, ' ').trim().slice(0, DETAIL_BODY_CHARS);
      return text === '' ? `HTTP ${attempt.status}` : `HTTP ${attempt.status}: ${text}`;
    }
    case 'timeout':
      return 'timeout: no complete answer in time';
    case 'aborted':
      return 'aborted';
    case 'network':
      return `network error: ${attempt.message}`;
  }
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or malformed. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function isTimeoutError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
  const base = typeof code === 'string' ? `${code} ${error.message}` : error.message;
  return cause instanceof Error && cause.message !== error.message ? `${base} (${cause.message})` : base;
}
