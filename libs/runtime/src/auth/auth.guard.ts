import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ENV, type Env } from '@libs/config';
import { roleAtLeast, type ApiRole } from '@libs/domain';
import { METRICS_ROUTE, MIN_ROLE, PUBLIC_ROUTE, WEBHOOK_ROUTE } from './auth.decorators';
import { AuthService } from './auth.service';
import type { VigilRequest } from './principal';

/**
 * Global guard: every route needs an API key of at least its `@MinRole` (admin when unmarked).
 * `@WebhookRoute()` routes also take a signed body instead of a key (see AuthService);
 * `@MetricsRoute()` needs none with VIGIL_METRICS_PUBLIC=true.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    if (this.env.VIGIL_METRICS_PUBLIC && this.reflector.getAllAndOverride<boolean>(METRICS_ROUTE, targets))
      return true;
    const req = context.switchToHttp().getRequest<VigilRequest>();
    const signed =
      this.reflector.getAllAndOverride<boolean>(WEBHOOK_ROUTE, targets) && this.auth.isSigned(req);
    const principal = signed ? await this.auth.authenticateSignature(req) : await this.auth.authenticate(req);
    const required = this.reflector.getAllAndOverride<ApiRole>(MIN_ROLE, targets) ?? 'admin';
    if (!roleAtLeast(principal.role, required)) {
      throw new ForbiddenException(
        `requires the ${required} role; the key "${principal.name}" is ${principal.role}`,
      );
    }
    return true;
  }
}
