import { HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { ApiKeyService } from './api-key.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import type { Principal, VigilRequest } from './principal';

/** Turns a request's `Authorization: Bearer` header into a {@link Principal}, or refuses it. */
@Injectable()
export class AuthService {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly limiter: AuthFailureLimiter,
  ) {}

  async authenticate(req: VigilRequest): Promise<Principal> {
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
}
