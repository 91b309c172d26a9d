import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ApiRole } from '@libs/domain';

/** Who is calling: an API key's name and role. */
export interface Principal {
  keyId: string | null;
  name: string;
  role: ApiRole;
}

/** What a request's `Authorization` header came to: its caller, or why it is refused. */
export type Credential = { principal: Principal } | { refused: string };

/** The request fields Vigil adds and reads. */
export interface VigilRequest {
  principal?: Principal;
  /** Set once by `AuthService.identify` (the authentication middleware), read again by the guard. */
  credential?: Credential;
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
