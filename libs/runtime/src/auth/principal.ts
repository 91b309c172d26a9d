import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ApiRole } from '@libs/domain';

/** Who is calling: an API key's name and role. */
export interface Principal {
  keyId: string | null;
  name: string;
  role: ApiRole;
}

/** A console session the caller came in with (see ConsoleSessionService). */
export interface SessionInfo {
  id: string;
  expiresAt: Date;
  /** What the session's writes must carry in X-CSRF-Token. */
  csrfToken: string;
}

/**
 * What a request's credential came to: its caller and how it came in (an `Authorization: Bearer`
 * key, or a console session cookie), or why it is refused: `status` 401 or 403, and whether the
 * refusal `counts` as a failed authentication for AuthFailureLimiter.
 */
export type Credential =
  | { principal: Principal; via: 'bearer' }
  | { principal: Principal; via: 'session'; session: SessionInfo }
  | { refused: string; status: 401 | 403; counts: boolean };

/** The request fields Vigil adds and reads. */
export interface VigilRequest {
  principal?: Principal;
  /** Set once by `AuthService.identify` (the authentication middleware), read again by the guard. */
  credential?: Credential;
  ip?: string;
  method?: string;
  /** Express' host (with port; X-Forwarded-Host when the proxy is trusted). */
  host?: string;
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
