import { HttpException, HttpStatus, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ENV, type Env } from '@libs/config';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@libs/traffic';
import { REDIS } from '../redis.provider';
import { ApiKeyService } from './api-key.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import type { Principal, VigilRequest } from './principal';
import { GRAFANA_SIGNATURE_HEADER } from './grafana-signature';
import { WebhookSignatures } from './webhook-signature';

/** Who a signed webhook is: the config's signing secret, which has only the webhook role. */
export const SIGNED_WEBHOOK: Principal = { keyId: null, name: 'signed-webhook', role: 'webhook' };

/**
 * Turns a request's `Authorization: Bearer` header into a {@link Principal}, or refuses it; on
 * webhook routes, also a body signed with config `alerts.signingSecret`.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly signatures: WebhookSignatures;

  constructor(
    private readonly keys: ApiKeyService,
    private readonly limiter: AuthFailureLimiter,
    @InjectDataSource() db: DataSource,
    @Inject(REDIS) redis: Redis,
    @Inject(ENV) env: Env,
  ) {
    this.signatures = new WebhookSignatures(db, redis, env, (message) => this.logger.warn(message));
  }

  async authenticate(req: VigilRequest): Promise<Principal> {
    const ip = await this.notBlocked(req);
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const principal = match ? await this.keys.verify(match[1]) : null;
    if (!principal) {
      await this.limiter.recordFailure(ip);
      throw new UnauthorizedException(
        match ? 'unknown or revoked API key' : 'missing API key (Authorization: Bearer <key>)',
      );
    }
    req.principal = principal;
    return principal;
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
    const ip = await this.notBlocked(req);
    const check = await this.signatures.check(req.headers, req.rawBody, Date.now());
    if (!check.ok) {
      await this.limiter.recordFailure(ip);
      throw new UnauthorizedException(check.reason);
    }
    req.principal = SIGNED_WEBHOOK;
    return SIGNED_WEBHOOK;
  }

  /** The caller's address, unless it failed too often (429). */
  private async notBlocked(req: VigilRequest): Promise<string> {
    const ip = req.ip ?? 'unknown';
    const wait = await this.limiter.blockedFor(ip);
    if (wait > 0) {
      throw new HttpException(
        {
          statusCode: HttpStatus.TOO_MANY_REQUESTS,
          error: 'Too Many Requests',
          message: `too many failed authentications; retry in ${Math.ceil(wait / 1000)}s`,
          retryAfterSeconds: Math.ceil(wait / 1000),
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return ip;
  }
}
