import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Env } from '@libs/config';
import { setUpDocs } from './docs';
import { useRequestBodies } from './request-bodies';

/**
 * The HTTP wiring only the API needs, run by `createVigilApp` through the api role's `setUpHttp`:
 * the body parsers (JSON, YAML/text for PUT /config, raw bytes for webhooks, each with its limit),
 * then `/docs`.
 */
export async function setUpApiHttp(app: NestExpressApplication, env: Env): Promise<void> {
  useRequestBodies(app, env);
  await setUpDocs(app);
}
