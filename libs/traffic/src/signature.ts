/**
 * Vigil's webhook signature scheme. A contract with receivers (traffic managers today; inbound and
 * outbound webhooks later use the same one): change it only with a new version prefix.
 *
 * Sender, for each request (each retry is signed again, with its own timestamp):
 *
 *     X-Vigil-Timestamp: <unix time in whole seconds, decimal>
 *     X-Vigil-Signature: sha256=<lowercase hex of HMAC-SHA256(secret, `${timestamp}.${body}`)>
 *
 * `body` is the exact bytes sent (UTF-8 JSON); the signed message is the timestamp, one `.`, then the
 * body. Receivers MUST:
 * 1. read the raw body (before any JSON parsing or re-serialisation);
 * 2. recompute the HMAC with each of their current secrets (several during a rotation) and compare it to
 *    the header in constant time (`crypto.timingSafeEqual`);
 * 3. reject a timestamp more than `tolerance` (default 300 s) away from their clock, in either
 *    direction: a captured request cannot be replayed later;
 * 4. within the window, dedupe by the `Idempotency-Key` header (replays inside the window and retries
 *    of a step carry the same key) and answer a repeated key with the first answer.
 * Answer 401 when the signature does not verify. `verifySignature` below does steps 2 and 3.
 *
 * The same scheme as Stripe's and Slack's signed webhooks (timestamp bound into the MAC), so receivers
 * can reuse well-known code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Vigil-Timestamp';
export const SIGNATURE_HEADER = 'X-Vigil-Signature';
/** Prefix of the signature header's value: the MAC algorithm. */
export const SIGNATURE_PREFIX = 'sha256=';
/** Default replay window, seconds either side of the receiver's clock. */
export const DEFAULT_TOLERANCE_S = 300;

/** `sha256=<hex>`: HMAC-SHA256 keyed with `secret` over `${timestamp}.${body}`. */
export function signBody(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return SIGNATURE_PREFIX + mac;
}

/** The two headers for `body`, signed at `nowMs` (epoch milliseconds, default now). */
export function signatureHeaders(
  secret: string,
  body: string | Uint8Array,
  nowMs: number = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signBody(secret, timestamp, body) };
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

/** Request headers as Node (`IncomingHttpHeaders`), undici or a plain object give them; any case. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Checks a request's signature: both headers present, the timestamp within `toleranceS` of `nowMs`
 * (epoch milliseconds), and the MAC equal (constant-time) to one made with `secret` (or any of the
 * secrets, during a rotation). `body` must be the raw bytes received.
 */
export function verifySignature(
  secret: string | readonly string[],
  headers: HeaderBag,
  body: string | Uint8Array,
  nowMs: number,
  toleranceS: number = DEFAULT_TOLERANCE_S,
): VerifyResult {
  const timestampText = headerValue(headers, TIMESTAMP_HEADER);
  const signature = headerValue(headers, SIGNATURE_HEADER);
  if (signature === undefined) return { ok: false, reason: `missing ${SIGNATURE_HEADER}` };
  const fresh = checkTimestamp(timestampText, nowMs, toleranceS);
  if (!fresh.ok) return fresh;
  if (!/^sha256=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: `malformed ${SIGNATURE_HEADER}` };
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const match = matchesAny(signature, secrets, (key) => signBody(key, fresh.timestamp, body));
  return match ? fresh : { ok: false, reason: 'signature does not match' };
}

/** `X-Vigil-Timestamp`'s value, if any: decimal Unix seconds within `toleranceS` of `nowMs`. */
export function checkTimestamp(
  timestampText: string | undefined,
  nowMs: number,
  toleranceS: number = DEFAULT_TOLERANCE_S,
): VerifyResult {
  if (timestampText === undefined) return { ok: false, reason: `missing ${TIMESTAMP_HEADER}` };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: `malformed ${TIMESTAMP_HEADER}` };
  const timestamp = Number(timestampText);
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceS) {
    return { ok: false, reason: `timestamp outside the ${toleranceS}s tolerance` };
  }
  return { ok: true, timestamp };
}

/**
 * Whether `given` equals the MAC `sign` makes with any of `secrets`, compared in constant time. Every
 * secret is tried (no early exit), so timing does not tell which one matched.
 */
export function matchesAny(
  given: string,
  secrets: readonly string[],
  sign: (secret: string) => string,
): boolean {
  const givenBytes = Buffer.from(given, 'latin1');
  let match = false;
  for (const key of secrets) {
    const expected = Buffer.from(sign(key), 'latin1');
    if (expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes)) match = true;
  }
  return match;
}

/** One header's value, looked up case-insensitively; the first value of a repeated header. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}
