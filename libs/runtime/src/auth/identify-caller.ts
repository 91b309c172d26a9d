import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from './auth.service';
import type { VigilRequest } from './principal';

/**
 * Resolves the bearer key before any body is read (see `AuthService.identify`), so that a role's
 * body parsers can skip a request without a valid key, and the guard refuses it.
 */
export function identifyCaller(auth: AuthService): (req: Request, res: Response, next: NextFunction) => void {
  return (req, _res, next) => {
    if (req.headers.authorization === undefined) return next();
    auth.identify(req as VigilRequest).then(() => next(), next);
  };
}
