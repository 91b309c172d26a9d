import { PayloadTooLargeException } from '@nestjs/common';
import {
  json,
  raw,
  text,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { jsonNestsDeeperThan, MAX_NESTING_DEPTH, type Env } from '@libs/config';
import { roleAtLeast } from '@libs/domain';
import type { VigilRequest } from '@libs/runtime';

/** Where monitoring systems post alerts: their own body limit, and the raw bytes kept for signatures. */
export const WEBHOOK_PATH = '/api/v1/webhooks';

/** Console sign-in: public (the key is in its body), so its small JSON body is read without a caller. */
const SIGN_IN_ROUTE = /^\/api\/v1\/session\/?$/i;

/** The only route with the large limit (VIGIL_MAX_BODY_BYTES): a whole config, JSON or YAML. */
const CONFIG_ROUTE = /^\/api\/v1\/config\/?$/i;

const CONFIG_MEDIA_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
  'text/plain',
];

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

/** Whether the request carries a valid key (resolved by `identifyCaller` in `createVigilApp`). */
function hasCaller(req: Request): boolean {
  const credential = (req as VigilRequest).credential;
  return credential !== undefined && 'principal' in credential;
}

/** Whether the body may be read: the request has a valid caller, or it is the sign-in. */
function mayHaveBody(req: Request): boolean {
  return hasCaller(req) || (req.method === 'POST' && SIGN_IN_ROUTE.test(req.path));
}

/** Whether the caller's key may apply a config: only then is the large config limit worth reading. */
function mayApplyConfig(req: Request): boolean {
  const credential = (req as VigilRequest).credential;
  return (
    credential !== undefined &&
    'principal' in credential &&
    roleAtLeast(credential.principal.role, 'operator')
  );
}

/** Runs `handler` only for requests that pass `when`; the others go on with no body read. */
const only =
  (when: (req: Request) => boolean, handler: RequestHandler): Middleware =>
  (req, res, next) =>
    when(req) ? handler(req, res, next) : next();

/** A parser whose 413 names its limit and the variable that sets it. */
function limited(parser: RequestHandler, limit: number, variable: string): Middleware {
  return (req, res, next) =>
    parser(req, res, (err?: unknown) =>
      next(
        (err as { type?: string } | undefined)?.type === 'entity.too.large'
          ? new PayloadTooLargeException(`the body is larger than ${limit} bytes (${variable})`)
          : err,
      ),
    );
}

/** Refuses JSON nested too deep from its bytes, before JSON.parse and everything that walks the value. */
function refuseDeepJson(_req: unknown, _res: unknown, body: Buffer): void {
  if (jsonNestsDeeperThan(body, MAX_NESTING_DEPTH)) {
    throw Object.assign(
      new Error(`the JSON body nests arrays and objects deeper than ${MAX_NESTING_DEPTH} levels`),
      { status: 400, type: 'entity.too.deep' },
    );
  }
}

/** JSON and YAML/text bodies: the config limit for PUT /config, the small JSON limit everywhere else. */
function parsed(env: Env, parse: typeof json | typeof text, options: object): Middleware {
  const forConfig = limited(
    parse({ ...options, limit: env.VIGIL_MAX_BODY_BYTES }),
    env.VIGIL_MAX_BODY_BYTES,
    'VIGIL_MAX_BODY_BYTES',
  );
  const elsewhere = limited(
    parse({ ...options, limit: env.VIGIL_MAX_JSON_BYTES }),
    env.VIGIL_MAX_JSON_BYTES,
    'VIGIL_MAX_JSON_BYTES',
  );
  return (req, res, next) =>
    (req.method === 'PUT' && CONFIG_ROUTE.test(req.path) && mayApplyConfig(req) ? forConfig : elsewhere)(
      req,
      res,
      next,
    );
}

/**
 * Webhook bodies are read as raw bytes (any content type, at most VIGIL_WEBHOOK_MAX_BODY_BYTES, a 413
 * beyond) into `req.rawBody`: a signature is over the exact bytes sent, so a request without a key is
 * read too (it may be signed); one with a refused key is not. The route itself answers 415 for a type
 * other than JSON, after authentication. The JSON parser then skips these requests.
 */
function webhookBodies(env: Env): Middleware[] {
  const limit = env.VIGIL_WEBHOOK_MAX_BODY_BYTES;
  const read = limited(raw({ type: () => true, limit }), limit, 'VIGIL_WEBHOOK_MAX_BODY_BYTES');
  const keep: Middleware = (req, _res, next) => {
    (req as Request & { rawBody?: Buffer }).rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.body = undefined;
    next();
  };
  // No credential at all: no Authorization header (nor a session cookie, which `identifyCaller`
  // resolves on /api/ paths), so possibly signed.
  return [only((req) => hasCaller(req) || (req as VigilRequest).credential === undefined, read), keep];
}

/**
 * Installs, in order: the webhook routes' raw bodies, then the JSON and text parsers, which read a
 * body only when its request carries a valid key or session (a session's write also needs its CSRF
 * token), or is the sign-in's. `createVigilApp` has identified the caller before these run.
 */
export function useRequestBodies(app: { use: (...args: unknown[]) => unknown }, env: Env): void {
  app.use(WEBHOOK_PATH, ...webhookBodies(env));
  app.use(only(mayHaveBody, parsed(env, json, { verify: refuseDeepJson })));
  app.use(only(hasCaller, parsed(env, text, { type: CONFIG_MEDIA_TYPES })));
}
