import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ENV, type Env } from '@libs/config';
import { METRICS_ROUTE, PUBLIC_ROUTE } from '../auth/auth.decorators';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The guard of a remote prober, which has no API keys (they live in Postgres): `/healthz` and
 * `/readyz` are public; `/metrics` needs `Authorization: Bearer <VIGIL_METRICS_TOKEN>`, and without
 * that variable nobody may scrape it (secure by default: the metrics name every endpoint probed),
 * unless VIGIL_METRICS_PUBLIC=true opens it to anyone.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly token?: Buffer;
  private readonly open: boolean;

  constructor(
    private readonly reflector: Reflector,
    @Inject(ENV) env: Env,
  ) {
    this.token = env.VIGIL_METRICS_TOKEN ? digest(env.VIGIL_METRICS_TOKEN) : undefined;
    this.open = env.VIGIL_METRICS_PUBLIC;
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    if (this.open && this.reflector.getAllAndOverride<boolean>(METRICS_ROUTE, targets)) return true;
    if (!this.token)
      throw new ForbiddenException('this prober serves /metrics only with VIGIL_METRICS_TOKEN set');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = /^Bearer (.+)$/.exec(header)?.[1];
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (given === undefined || !timingSafeEqual(digest(given), this.token))
      throw new UnauthorizedException('expected Authorization: Bearer <VIGIL_METRICS_TOKEN>');
    return true;
  }
}
