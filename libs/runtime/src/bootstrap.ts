import { DynamicModule, ForbiddenException, INestApplication, Logger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger as PinoLogger, LoggerModule } from 'nestjs-pino';
import { EnvError, loadEnv, type Env } from '@libs/config';
import { roleAtLeast } from '@libs/domain';
import { ensureDatabase, runMigrations } from '@libs/persistence';
// The api app's document; a relative path, as @apps/api would load every role's modules here.
import { buildApiDocument } from '../../../apps/api/src/openapi/document';
import { AuthService } from './auth/auth.service';
import { EnvModule } from './env.module';
import { HttpExceptionFilter } from './http-exception.filter';
import { loggerOptions } from './logger';
import { RuntimeModule } from './runtime.module';
import { useRequestBodies } from './request-bodies';
import { validationPipe } from './validation.pipe';

/** The prefix of every route but {@link UNPREFIXED}. */
export const API_PREFIX = 'api/v1';
/** Routes outside `/api/v1`. */
export const UNPREFIXED = ['healthz', 'readyz', 'metrics'];
@Module({})
class VigilModule {}

/** Postgres text cannot hold NUL: a `%00` in a filter would fail deep down as a 500, so refuse it here. */
function refuseNulInUrl(req: Request, res: Response, next: NextFunction): void {
  if (!/%00/.test(req.url)) return next();
  res
    .status(400)
    .json({ statusCode: 400, error: 'Bad Request', message: 'the URL must not contain NUL (%00)' });
}

/**
 * Builds a Vigil app with the given feature modules: creates the database if needed, applies
 * pending migrations, wires logging, the caller's key before any body, body limits, the `/api/v1`
 * prefix and (with the API) `/docs`.
 * Used by every entry point and by the e2e tests, so they run exactly what production runs.
 */
export async function createVigilApp(
  env: Env,
  features: Array<Type | DynamicModule>,
): Promise<NestExpressApplication> {
  await ensureDatabase(env.DATABASE_URL);
  await runMigrations(env.DATABASE_URL);
  const root: DynamicModule = {
    module: VigilModule,
    imports: [EnvModule.forRoot(env), LoggerModule.forRoot(loggerOptions(env)), RuntimeModule, ...features],
  };
  const app = await NestFactory.create<NestExpressApplication>(root, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(PinoLogger));
  app.set('trust proxy', env.VIGIL_TRUST_PROXY);
  app.use(refuseNulInUrl);
  useRequestBodies(app, env, app.get(AuthService));
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  app.useGlobalPipes(validationPipe);
  if (env.VIGIL_ROLES.includes('api')) await setUpDocs(app);
  return app;
}

/** OpenAPI at `/docs` (UI), `/docs-json` and `/docs-yaml`; like every route, they need a key (an API role). */
async function setUpDocs(app: INestApplication): Promise<void> {
  const auth = app.get(AuthService);
  const filter = new HttpExceptionFilter();
  app.use(['/docs', '/docs-json', '/docs-yaml'], (req: Request, res: Response, next: NextFunction) => {
    const fail = (err: unknown) =>
      filter.catch(err, { switchToHttp: () => ({ getResponse: () => res }) } as never);
    auth.authenticate(req).then((principal) => {
      // Any API role; a webhook key may only post alerts.
      if (roleAtLeast(principal.role, 'viewer')) return next();
      fail(
        new ForbiddenException(`requires the viewer role; the key "${principal.name}" is ${principal.role}`),
      );
    }, fail);
  });
  const document = await buildApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Stops the app on SIGTERM / SIGINT; if shutdown takes longer than the timeout, exits anyway. */
function closeOnSignals(app: INestApplication, env: Env): void {
  const logger = new Logger('shutdown');
  const close = (signal: string) => {
    logger.log(`${signal} received; shutting down (at most ${env.VIGIL_SHUTDOWN_TIMEOUT_MS} ms)`);
    setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, env.VIGIL_SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

/**
 * The entry point of every Vigil binary: validates the environment (a bad value stops start-up
 * with a message naming it), builds the app from the features the roles need, and listens.
 */
export async function bootstrap(
  features: (env: Env) => Array<Type | DynamicModule>,
  overrides: NodeJS.ProcessEnv = {},
): Promise<void> {
  let env: Env;
  try {
    env = loadEnv({ ...process.env, ...overrides });
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    process.stderr.write(`vigil: ${err.message}\n`);
    process.exit(2);
  }
  try {
    const app = await createVigilApp(env, features(env));
    closeOnSignals(app, env);
    await app.listen(env.PORT);
    app
      .get(PinoLogger)
      .log(`Vigil listening on :${env.PORT} with roles ${env.VIGIL_ROLES.join(', ')}`, 'bootstrap');
  } catch (err) {
    process.stderr.write(`vigil: start-up failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  }
}
