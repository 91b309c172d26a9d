import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from './auth.service';
import { sessionTokenOf } from './console-session.service';
import type { VigilRequest } from './principal';

/**
 * Resolves the bearer key, or the console session cookie of an `/api/` request, before any body is
 * read (see `AuthService.identify`), so that a role's body parsers can skip a request without a valid
 * key or with a refused CSRF check, and the guard refuses it. A cookie on other paths (the console's
 * own files, which browsers send it with) costs no lookup; /docs and /metrics resolve it when needed.
 */
export function identifyCaller(auth: AuthService): (req: Request, res: Response, next: NextFunction) => void {
  return (req, _res, next) => {
    const eager =
      req.headers.authorization !== undefined ||
      (/^\/api\//i.test(req.path) && sessionTokenOf(req) !== undefined);
    if (!eager) return next();
    auth.identify(req as VigilRequest).then(() => next(), next);
  };
}
