import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ENV, loadEnv } from '@libs/config';
import { API_PREFIX, RuntimeModule, UNPREFIXED } from '@libs/runtime';
import { ApiModule } from '../api.module';
import { buildApiDocument } from './document';

/** The environment providers ask for; preview mode creates none of them, so the defaults do. */
@Global()
@Module({ providers: [{ provide: ENV, useValue: loadEnv({}) }], exports: [ENV] })
class DocsEnvModule {}

/** The routes an api process serves: RuntimeModule's /healthz, /readyz, /metrics and the API. */
@Module({ imports: [DocsEnvModule, RuntimeModule, ApiModule] })
class DocsModule {}

/**
 * The API's OpenAPI document without a database, Redis or an environment: Nest's preview mode
 * scans the modules and their routes but instantiates no provider. For `npm run openapi:generate`
 * and the spec that keeps the committed document fresh.
 */
export async function generateApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(DocsModule, { preview: true, abortOnError: false, logger: false });
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  try {
    return await buildApiDocument(app);
  } finally {
    await app.close();
  }
}
