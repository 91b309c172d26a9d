import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ApiRole } from '@libs/domain';

/** Who is calling: an API key's name and role. */
export interface Principal {
  keyId: string | null;
  name: string;
  role: ApiRole;
}

/** The request fields Vigil adds and reads. */
export interface VigilRequest {
  principal?: Principal;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Injects the authenticated caller into a handler. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<VigilRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});

/** The caller's identity for the audit log: who, and from where. */
export const AuditSource = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<VigilRequest>();
  if (!req.principal) throw new Error('AuditSource used on a public route');
  return { actor: req.principal.name, sourceIp: req.ip ?? null };
});
