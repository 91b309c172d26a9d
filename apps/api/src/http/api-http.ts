import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Env } from '@libs/config';
import { useConsole } from './console';
import { setUpDocs } from './docs';
import { useRequestBodies } from './request-bodies';

/**
 * The HTTP wiring only the API needs, run by `createVigilApp` through the api role's `setUpHttp`:
 * the body parsers (JSON, YAML/text for PUT /config, raw bytes for webhooks, each with its limit),
 * then `/docs`, then the web console at `/` (public static files, before Nest's router).
 */
export async function setUpApiHttp(app: NestExpressApplication, env: Env): Promise<void> {
  useRequestBodies(app, env);
  await setUpDocs(app);
  useConsole(app, env);
}
