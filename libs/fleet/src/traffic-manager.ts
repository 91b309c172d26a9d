import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { checkWeightChange, FENCING_TOKEN_HEADER, verifySignature, type WeightChange } from '@libs/traffic';

/**
 * What the fake does to a request instead of its normal answer: answer `status` (with `Retry-After` and
 * a body when given), or read it and never answer (`hang`). With `afterApply`, the change is applied
 * (and its 200 kept for the key) before the fault is answered: a manager that applied the change but
 * whose answer was lost.
 */
export type TrafficFault =
  { status: number; retryAfter?: number | string; body?: string; afterApply?: boolean } | { hang: true };

export interface TrafficManagerOptions {
  /** Signature secret(s) (several during a rotation). Without one, requests are not verified. */
  secret?: string | readonly string[];
  /** Faults for the first requests: `count` (default 1) times `fault`. Also `manager.failNext(...)`. */
  failNext?: TrafficFault & { count?: number };
  /** Replay window for signatures, seconds. Default 300. */
  toleranceS?: number;
  /** Clock (epoch ms). */
  now?: () => number;
  /** Default 127.0.0.1 and a port chosen by the OS. */
  host?: string;
  port?: number;
}

/** A change the fake applied. */
export interface AppliedChange extends WeightChange {
  at: number;
}

/** One request the fake received, and how it answered (`status` undefined while hanging). */
export interface ReceivedRequest {
  method: string;
  idempotencyKey?: string;
  contentType?: string;
  status?: number;
  signed: boolean;
  /** The `X-Vigil-Fencing-Token` header, when sent. */
  fencingToken?: number;
}

export interface FakeTrafficManager {
  /** `http://127.0.0.1:<port>/weights`: the URL to put in `trafficManager.url`. */
  readonly url: string;
  /** Requests received, any answer. */
  readonly requests: number;
  /** Requests answered from the idempotency store (not applied again). */
  readonly replays: number;
  /** Requests refused with 401. */
  readonly unauthorized: number;
  /** The newest fencing token accepted (0 before any). */
  readonly fencingToken: number;
  /** Applied changes, oldest first; only `service`'s when given. */
  applied(service?: string): AppliedChange[];
  /** The service's current weights (its last applied change), if any. */
  weights(service: string): Record<string, number> | undefined;
  /** Every request received, oldest first. */
  received(): ReceivedRequest[];
  /** Fault the next `count` requests (added after faults already queued). */
  failNext(count: number, fault: TrafficFault): void;
  /** Stops listening and drops every connection (hanging ones too). */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: string;
}

/**
 * A fake traffic manager (GSLB) on loopback, for e2e tests, the demo and benchmarks. It implements the
 * receiver side of the webhook adapter's contract (libs/traffic):
 *
 * - `POST <any path>` with the JSON weight change. The signature is checked first (401 with the reason
 *   when it does not verify), then the body (400 when it is not a valid change; 413 above 64 KiB).
 * - Fencing: a change whose `fencingToken` (body, and `X-Vigil-Fencing-Token` header when sent: they
 *   must agree) is older than the newest accepted is refused with 409: it comes from a controller
 *   that lost the lease. A change without a token is not fenced.
 * - Dedupe by `Idempotency-Key` (or the body's `idempotencyKey`): a repeated key is answered with the
 *   first answer (header `Idempotent-Replayed: true`) and not applied again; the same key with a
 *   different change is a 422 (the fencing token is not part of the change: a new leader retries the
 *   old one's key under its own token).
 * - A valid new change is applied: recorded with the time (`applied()`), and 200
 *   `{ok: true, service, weights, appliedAt}`.
 * - `GET <any path>`: `{services: {<name>: <current weights>}}`.
 * - Faults (`failNext`) come before everything else, but the request body is read first.
 */
export async function startTrafficManager(options: TrafficManagerOptions = {}): Promise<FakeTrafficManager> {
  const now = options.now ?? Date.now;
  const faults: TrafficFault[] = [];
  const changes: AppliedChange[] = [];
  const answers = new Map<string, StoredAnswer>();
  const log: ReceivedRequest[] = [];
  const counters = { requests: 0, replays: 0, unauthorized: 0, fencingToken: 0 };

  const failNext = (count: number, fault: TrafficFault) => {
    for (let i = 0; i < count; i++) faults.push(fault);
  };
  if (options.failNext) {
    const { count = 1, ...fault } = options.failNext;
    failNext(count, fault as TrafficFault);
  }

  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer | undefined) => {
    counters.requests++;
    const key = headerValue(req, 'idempotency-key');
    const tokenHeader = headerValue(req, FENCING_TOKEN_HEADER);
    const entry: ReceivedRequest = {
      method: req.method ?? '',
      ...(key === undefined ? {} : { idempotencyKey: key }),
      ...(req.headers['content-type'] === undefined ? {} : { contentType: req.headers['content-type'] }),
      signed: headerValue(req, 'x-vigil-signature') !== undefined,
      ...(tokenHeader === undefined ? {} : { fencingToken: Number(tokenHeader) }),
    };
    log.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
    };
    if (raw === undefined) return send(413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });

    const fault = faults.shift();
    if (fault !== undefined && 'hang' in fault) return; // read, never answered
    const answerFault = (f: Exclude<TrafficFault, { hang: true }>) =>
      send(f.status, f.body ?? { error: `injected fault ${f.status}` }, {
        ...(f.retryAfter === undefined ? {} : { 'retry-after': String(f.retryAfter) }),
      });
    if (fault !== undefined && !fault.afterApply) return answerFault(fault);

    if (req.method === 'GET') {
      const services: Record<string, Record<string, number>> = {};
      for (const change of changes) services[change.service] = change.weights;
      return send(200, { services });
    }
    if (req.method !== 'POST') return send(405, { error: 'use POST' }, { allow: 'GET, POST' });

    if (options.secret !== undefined) {
      const verified = verifySignature(options.secret, req.headers, raw, now(), options.toleranceS);
      if (!verified.ok) {
        counters.unauthorized++;
        return send(401, { error: verified.reason });
      }
    }
    const parsed = parseChange(raw);
    if (typeof parsed === 'string') return send(400, { error: parsed });
    if (key !== undefined && key !== parsed.idempotencyKey) {
      return send(400, { error: 'Idempotency-Key header and body idempotencyKey differ' });
    }
    const { fencingToken, ...fingerprinted } = parsed;
    if (tokenHeader !== undefined && Number(tokenHeader) !== fencingToken) {
      return send(400, { error: `${FENCING_TOKEN_HEADER} header and body fencingToken differ` });
    }
    if (fencingToken !== undefined && fencingToken < counters.fencingToken) {
      return send(409, {
        error: `fencing token ${fencingToken} is older than ${counters.fencingToken}, the newest accepted`,
      });
    }
    if (fencingToken !== undefined) counters.fencingToken = fencingToken;
    const fingerprint = createHash('sha256').update(JSON.stringify(fingerprinted)).digest('hex');
    const stored = answers.get(parsed.idempotencyKey);
    if (stored !== undefined) {
      if (stored.fingerprint !== fingerprint) {
        return send(422, { error: 'idempotency key already used with a different body' });
      }
      counters.replays++;
      if (fault !== undefined) return answerFault(fault);
      return send(stored.status, stored.body, { 'idempotent-replayed': 'true' });
    }
    const at = now();
    changes.push({ ...parsed, at });
    const answer = { ok: true, service: parsed.service, weights: parsed.weights, appliedAt: at };
    answers.set(parsed.idempotencyKey, { fingerprint, status: 200, body: JSON.stringify(answer) });
    if (fault !== undefined) return answerFault(fault);
    send(200, answer);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => handle(req, res, tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', () => res.destroy());
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/weights`,
    get requests() {
      return counters.requests;
    },
    get replays() {
      return counters.replays;
    },
    get unauthorized() {
      return counters.unauthorized;
    },
    get fencingToken() {
      return counters.fencingToken;
    },
    applied: (service) =>
      changes
        .filter((c) => service === undefined || c.service === service)
        .map((c) => ({ ...c, weights: { ...c.weights } })),
    weights: (service) => {
      const last = changes.filter((c) => c.service === service).at(-1);
      return last === undefined ? undefined : { ...last.weights };
    },
    received: () => log.map((r) => ({ ...r })),
    failNext,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The weight change in a request body, or why it is not one. */
function parseChange(raw: Buffer): WeightChange | string {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body is not a JSON object';
  const { service, weights, actionId, step, idempotencyKey, reason, fencingToken, drained } = body as Record<
    string,
    unknown
  >;
  const change = { service, weights, actionId, step, idempotencyKey } as WeightChange;
  if (typeof reason === 'string') change.reason = reason;
  if (fencingToken !== undefined) change.fencingToken = fencingToken as number;
  if (drained !== undefined) change.drained = drained as string[];
  return checkWeightChange(change) ?? change;
}
