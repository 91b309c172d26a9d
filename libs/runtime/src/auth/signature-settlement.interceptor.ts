import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import Redis from 'ioredis';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';
import { ENV, type Env } from '@libs/config';
import { REDIS } from '../redis.provider';
import { SIGNED_WEBHOOK } from './auth.service';
import type { VigilRequest } from './principal';
import { settleSignature, signatureKey } from './webhook-signature';

/**
 * Settles the signature of a signed webhook once its handler has finished: kept as used when the
 * handler succeeded (the body is stored), freed when it threw (a 400 for the body, a 5xx for the
 * store), so the sender's retry of the same bytes is not refused as a replay. Requests with an API
 * key pass through untouched.
 */
@Injectable()
export class SignatureSettlement implements NestInterceptor {
  private readonly logger = new Logger(SignatureSettlement.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ENV) private readonly env: Env,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<VigilRequest>();
    const key = req.principal === SIGNED_WEBHOOK ? signatureKey(this.env, req.headers) : undefined;
    if (key === undefined) return next.handle();
    return next.handle().pipe(
      concatMap(async (result: unknown) => {
        await this.settle(key, true);
        return result;
      }),
      catchError((err: unknown) =>
        from(this.settle(key, false)).pipe(concatMap(() => throwError(() => err))),
      ),
    );
  }

  /** Never throws: the request's own outcome stands whatever Redis says. */
  private async settle(key: string, succeeded: boolean): Promise<void> {
    await settleSignature(this.redis, key, succeeded).catch((err: unknown) =>
      this.logger.warn(
        `a webhook signature could not be ${succeeded ? 'marked used' : 'freed'}: ${(err as Error).message}` +
          (succeeded ? '' : ' (a retry of that request is refused until its timestamp is stale)'),
      ),
    );
  }
}
