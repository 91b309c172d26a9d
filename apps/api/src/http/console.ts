import express, { type NextFunction, type Request, type Response } from 'express';
import { basename, join, resolve } from 'node:path';
import type { Env } from '@libs/config';

/** Paths the console never answers: the API, its docs and the probes of the process. */
const NOT_CONSOLE = /^\/(api(\/|$)|docs|healthz(\/|$)|readyz(\/|$)|metrics(\/|$))/i;

/** Sent with every console response: the SPA loads only its own files and cannot be framed. */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
    "form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** Vite names assets by content hash, so a URL's content never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files: revalidated each time, so a new release is picked up at once. */
const REVALIDATE = 'no-cache';

const NOT_BUILT =
  'The Vigil console is not built: run `npm run build` (it writes dist/apps/console), ' +
  'or point VIGIL_CONSOLE_DIR at a built console. The API is at /api/v1 and its docs at /docs.\n';

/**
 * Where the built console is: VIGIL_CONSOLE_DIR, else `dist/apps/console` of this installation,
 * found from this file's own place (dist/apps/api/src/http once compiled; apps/api/src/http when
 * run from source by ts-node or jest).
 */
export function consoleDir(env: Pick<Env, 'VIGIL_CONSOLE_DIR'>, here: string = __dirname): string {
  if (env.VIGIL_CONSOLE_DIR) return resolve(env.VIGIL_CONSOLE_DIR);
  const top = resolve(here, '..', '..', '..', '..');
  return basename(top) === 'dist' ? join(top, 'apps', 'console') : join(top, 'dist', 'apps', 'console');
}

/**
 * Serves the console (a single-page app) at `/` on the API's port: `/assets/*` as immutable files,
 * other files of its directory revalidated, and `index.html` for every other GET/HEAD that accepts
 * HTML (deep links such as /actions/<id>), all with the security headers. The API, /docs, /healthz,
 * /readyz and /metrics are never touched, nor is any other method. Public: the files hold no data.
 * Registered with `app.use`, so it runs before Nest's router (and its guard) sees the request.
 */
export function useConsole(app: { use: (...args: unknown[]) => unknown }, env: Env): void {
  const dir = consoleDir(env);
  const index = join(dir, 'index.html');
  const assets = express.static(join(dir, 'assets'), {
    index: false,
    fallthrough: true,
    cacheControl: false,
    setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE),
  });
  const files = express.static(dir, {
    index: false,
    fallthrough: true,
    cacheControl: false,
    setHeaders: (res) => res.setHeader('Cache-Control', REVALIDATE),
  });

  const notFound = (res: Response) =>
    res.status(404).type('text/plain').setHeader('Cache-Control', REVALIDATE).send('Not found\n');

  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CONSOLE.test(req.path)) return next();
    res.set(SECURITY_HEADERS);
    if (req.path.startsWith('/assets/')) {
      // Mounted on /assets: strip it for the static handler, restore it after.
      const url = req.url;
      req.url = req.url.slice('/assets'.length);
      return assets(req, res, () => {
        req.url = url;
        notFound(res);
      });
    }
    files(req, res, () => {
      if (!req.accepts('html')) return next();
      res.setHeader('Cache-Control', REVALIDATE);
      res.sendFile(index, { cacheControl: false }, (err?: Error) => {
        if (!err || res.headersSent) return;
        res.status(404).type('text/plain').send(NOT_BUILT);
      });
    });
  });
}
