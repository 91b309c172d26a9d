import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleAtLeast, type ApiRole } from '@libs/domain';
import { MIN_ROLE, PUBLIC_ROUTE } from './auth.decorators';
import { AuthService } from './auth.service';
import type { VigilRequest } from './principal';

/** Global guard: every route needs an API key of at least its `@MinRole` (admin when unmarked). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const principal = await this.auth.authenticate(context.switchToHttp().getRequest<VigilRequest>());
    const required = this.reflector.getAllAndOverride<ApiRole>(MIN_ROLE, targets) ?? 'admin';
    if (!roleAtLeast(principal.role, required)) {
      throw new ForbiddenException(
        `requires the ${required} role; the key "${principal.name}" is ${principal.role}`,
      );
    }
    return true;
  }
}
