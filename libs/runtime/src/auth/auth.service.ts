import { ForbiddenException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ENV, type Env } from '@libs/config';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@libs/traffic';
import { tooManyRequests } from '../http-errors';
import { REDIS } from '../redis.provider';
import { ApiKeyService } from './api-key.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { ConsoleSessionService, sessionTokenOf } from './console-session.service';
import type { Credential, Principal, VigilRequest } from './principal';
import { GRAFANA_SIGNATURE_HEADER } from './grafana-signature';
import { WebhookSignatures } from './webhook-signature';

/** Who a signed webhook is: the config's signing secret, which has only the webhook role. */
export const SIGNED_WEBHOOK: Principal = { keyId: null, name: 'signed-webhook', role: 'webhook' };

/**
 * Turns a request's `Authorization: Bearer` header, or without one its console session cookie, into
 * a {@link Principal}, or refuses it; on webhook routes, also a body signed with config
 * `alerts.signingSecret`.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly signatures: WebhookSignatures;

  constructor(
    private readonly keys: ApiKeyService,
    private readonly limiter: AuthFailureLimiter,
    private readonly sessions: ConsoleSessionService,
    @InjectDataSource() db: DataSource,
    @Inject(REDIS) redis: Redis,
    @Inject(ENV) env: Env,
  ) {
    this.signatures = new WebhookSignatures(db, redis, env, (message) => this.logger.warn(message));
  }

  /**
   * Resolves the request's bearer key, or without an Authorization header its `vigil_session` cookie
   * (with the CSRF check of a write), once (a hash lookup) and keeps the result on the request; it
   * neither counts nor refuses anything, so it can run before the body is read. See `authenticate`.
   */
  async identify(req: VigilRequest): Promise<Credential> {
    if (req.credential) return req.credential;
    const header = req.headers.authorization;
    const sessionToken = header === undefined ? sessionTokenOf(req) : undefined;
    if (sessionToken !== undefined) {
      req.credential = await this.sessions.identify(req, sessionToken);
      return req.credential;
    }
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const principal = match ? await this.keys.verify(match[1]) : null;
    req.credential = principal
      ? { principal, via: 'bearer' }
      : {
          refused: match ? 'unknown or revoked API key' : 'missing API key (Authorization: Bearer <key>)',
          status: 401,
          counts: true,
        };
    return req.credential;
  }

  /**
   * The caller of an API key given in a body (console sign-in): like a bearer key, an unknown or
   * revoked one counts as a failed attempt (401, or 429 past the limit).
   */
  async authenticateKey(req: VigilRequest, token: string): Promise<Principal> {
    const principal = await this.keys.verify(token);
    return principal ?? this.refuse(req, 'unknown or revoked API key');
  }

  /**
   * The caller of a request with a valid key. A valid key is always let in, even from an address
   * that failed too often; only a failed attempt is counted, and it gets 429 past the limit, else 401.
   */
  async authenticate(req: VigilRequest): Promise<Principal> {
    const credential = await this.identify(req);
    if ('refused' in credential) {
      if (credential.status === 403) throw new ForbiddenException(credential.refused);
      if (!credential.counts) throw new UnauthorizedException(credential.refused);
      return this.refuse(req, credential.refused);
    }
    req.principal = credential.principal;
    return credential.principal;
  }

  /** A request that carries a signature and no API key: it is checked by its signature alone. */
  isSigned(req: VigilRequest): boolean {
    const has = (name: string) => req.headers[name.toLowerCase()] !== undefined;
    return (
      req.headers.authorization === undefined &&
      (has(SIGNATURE_HEADER) || has(TIMESTAMP_HEADER) || has(GRAFANA_SIGNATURE_HEADER))
    );
  }

  /**
   * A signed webhook: the signature over the raw body (`req.rawBody`, kept by the body parser of
   * webhook routes), a fresh timestamp and a signature not seen before. Failures count like bad keys.
   */
  async authenticateSignature(req: VigilRequest & { rawBody?: unknown }): Promise<Principal> {
    const check = await this.signatures.check(req.headers, req.rawBody, Date.now());
    if (!check.ok) return this.refuse(req, check.reason);
    req.principal = SIGNED_WEBHOOK;
    return SIGNED_WEBHOOK;
  }

  /** Counts a failed attempt from the caller's address: 429 past the limit, else 401 with the reason. */
  private async refuse(req: VigilRequest, reason: string): Promise<never> {
    const verdict = await this.limiter.recordFailure(req.ip ?? 'unknown');
    if (verdict.blocked) {
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      throw tooManyRequests(`too many failed authentications; retry in ${seconds}s`, seconds);
    }
    throw new UnauthorizedException(reason);
  }
}
