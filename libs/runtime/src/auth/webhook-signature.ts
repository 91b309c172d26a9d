import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { openSecret, type AnySecret, type Env } from '@libs/config';
import {
  DEFAULT_TOLERANCE_S,
  headerValue,
  SIGNATURE_HEADER,
  verifySignature,
  type HeaderBag,
} from '@libs/traffic';
import { GRAFANA_SIGNATURE_HEADER, verifyGrafanaSignature } from './grafana-signature';
import { redisKey } from '../redis.provider';
import { requireRedisReady } from '../redis-unavailable';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** What a signature's Redis key holds: a request with it is running, or one has succeeded. */
const IN_FLIGHT = 'in-flight';
const USED = 'used';

/** The Redis key a request's signature is remembered under, whichever scheme signed it. */
export function signatureKey(env: Env, headers: HeaderBag): string | undefined {
  const grafana = headerValue(headers, GRAFANA_SIGNATURE_HEADER) !== undefined;
  const signature = headerValue(headers, grafana ? GRAFANA_SIGNATURE_HEADER : SIGNATURE_HEADER);
  return signature === undefined ? undefined : redisKey(env, 'webhook-signatures', String(signature));
}

/**
 * Ends the reservation {@link WebhookSignatures.check} made: a request that succeeded leaves its
 * signature used (a replay is refused), one that failed frees it, so that the sender's retry of the
 * same bytes is taken. Throws what Redis throws.
 */
export async function settleSignature(redis: Redis, key: string, succeeded: boolean): Promise<void> {
  if (succeeded) await redis.set(key, USED, 'KEEPTTL', 'XX');
  else await redis.del(key);
}

/** The signing secret of one config version: opened once, or why it cannot be. */
interface SecretOfVersion {
  version: number;
  secret: string | null;
  error?: string;
}

/**
 * Signed webhooks (`X-Vigil-Timestamp`, `X-Vigil-Signature`, see @libs/traffic signature.ts; or
 * Grafana's own scheme, see grafana-signature.ts) checked with config `alerts.signingSecret`: the MAC
 * over the raw body, the timestamp within 5 minutes of now either way, and each signature accepted
 * once, so a captured request cannot be replayed, not even at once.
 *
 * "Once" means once successfully. A good signature is reserved as in flight (Redis SET NX), which
 * refuses a parallel copy; the request's outcome then settles it (SignatureSettlement, after the
 * handler): used on success, deleted on failure so that the sender may retry the same bytes. The key
 * lives until the timestamp leaves the window either way, after which the verifier refuses it anyway;
 * so a reservation left by a process that died mid-request never lets a copy in twice, it only blocks
 * that signature until it would be stale.
 *
 * The secret comes from the newest config version, read when it changes (one `max(version)` query per
 * signed request), so a rotation applies to the next request on every API replica.
 */
export class WebhookSignatures {
  private current: SecretOfVersion = { version: -1, secret: null };

  constructor(
    private readonly db: DataSource,
    private readonly redis: Redis,
    private readonly env: Env,
    private readonly warn: (message: string) => void,
  ) {}

  async check(headers: HeaderBag, rawBody: unknown, nowMs: number): Promise<SignatureCheck> {
    const { secret, error } = await this.secretOfHead();
    if (error) return { ok: false, reason: 'the signing secret cannot be opened (see the server log)' };
    if (secret === null)
      return { ok: false, reason: 'signed webhooks are off (config alerts.signingSecret)' };
    if (!Buffer.isBuffer(rawBody)) return { ok: false, reason: 'no request body to verify' };
    const grafana = headerValue(headers, GRAFANA_SIGNATURE_HEADER) !== undefined;
    const verified = grafana
      ? verifyGrafanaSignature(secret, headers, rawBody, nowMs, DEFAULT_TOLERANCE_S)
      : verifySignature(secret, headers, rawBody, nowMs, DEFAULT_TOLERANCE_S);
    if (!verified.ok) return { ok: false, reason: `bad signature: ${verified.reason}` };
    // Remembered until the timestamp is out of the window, after which the verifier refuses it anyway.
    const ttlMs = Math.max((verified.timestamp + DEFAULT_TOLERANCE_S) * 1000 - nowMs, 0) + 1000;
    const key = signatureKey(this.env, headers)!;
    requireRedisReady(this.redis);
    if ((await this.redis.set(key, IN_FLIGHT, 'PX', ttlMs, 'NX')) === 'OK') return { ok: true };
    const seen = await this.redis.get(key);
    return {
      ok: false,
      reason:
        seen === IN_FLIGHT
          ? 'replayed: a request with this signature is still being processed'
          : 'replayed: this signature was already used',
    };
  }

  private async secretOfHead(): Promise<SecretOfVersion> {
    const [head] = await this.db.query<Array<{ version: number | null }>>(
      'SELECT max(version)::int AS version FROM config_versions',
    );
    const version = head?.version ?? 0;
    if (version === this.current.version) return this.current;
    const [row] = version
      ? await this.db.query<Array<{ secret: AnySecret | null }>>(
          `SELECT document->'alerts'->'signingSecret' AS secret FROM config_versions WHERE version = $1`,
          [version],
        )
      : [];
    let next: SecretOfVersion = { version, secret: null };
    if (row?.secret) {
      try {
        next = { version, secret: openSecret(row.secret, this.env, process.env) };
      } catch (err) {
        next = { version, secret: null, error: (err as Error).message };
        this.warn(`config version ${version}: alerts.signingSecret cannot be opened: ${next.error}`);
      }
    }
    this.current = next;
    return next;
  }
}
