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

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

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
 * once (Redis SET NX, kept until its timestamp leaves the window), so a captured request cannot be
 * replayed, not even at once.
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
    const signature = String(headerValue(headers, grafana ? GRAFANA_SIGNATURE_HEADER : SIGNATURE_HEADER));
    const key = redisKey(this.env, 'webhook-signatures', signature);
    const first = await this.redis.set(key, String(nowMs), 'PX', ttlMs, 'NX');
    return first === 'OK' ? { ok: true } : { ok: false, reason: 'replayed: this signature was already used' };
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
