import { DynamicModule, INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Logger as PinoLogger, LoggerModule } from 'nestjs-pino';
import { EnvError, loadEnv, type Env } from '@libs/config';
import { ensureDatabase, runMigrations } from '@libs/persistence';
import { AuthService } from './auth/auth.service';
import { identifyCaller } from './auth/identify-caller';
import { EnvModule } from './env.module';
import { loggerOptions } from './logger';
import type { RoleFeature } from './role-feature';
import { RemoteRuntimeModule } from './remote/remote-runtime.module';
import { requestIdOf, requestIds } from './request-id';
import { RuntimeModule } from './runtime.module';
import { startTracing, stopTracing, tracingSettings, TracingSettingsError } from './tracing';
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
  const requestId = requestIdOf(req);
  res.status(400).json({
    statusCode: 400,
    error: 'Bad Request',
    message: 'the URL must not contain NUL (%00)',
    ...(requestId ? { requestId } : {}),
  });
}

/**
 * Builds a Vigil app with the given role features: creates the database if needed, applies pending
 * migrations (neither on a remote prober, VIGIL_CONFIG_SOURCE=redis), wires logging, the caller's key before any body, the `/api/v1` prefix and the
 * validation pipe, then lets each feature add its own HTTP wiring (the API: bodies and `/docs`).
 * Used by the entry point and by the e2e tests, so they run exactly what production runs.
 */
export async function createVigilApp(env: Env, features: RoleFeature[]): Promise<NestExpressApplication> {
  // A remote prober (config from Redis) never touches Postgres: no database, no migrations, no keys.
  const remote = env.VIGIL_CONFIG_SOURCE === 'redis';
  if (!remote) {
    await ensureDatabase(env.DATABASE_URL);
    await runMigrations(env.DATABASE_URL);
  }
  const root: DynamicModule = {
    module: VigilModule,
    imports: [
      EnvModule.forRoot(env),
      LoggerModule.forRoot(loggerOptions(env)),
      remote ? RemoteRuntimeModule : RuntimeModule,
      ...features.map((feature) => feature.module),
    ],
  };
  const app = await NestFactory.create<NestExpressApplication>(root, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(PinoLogger));
  app.set('trust proxy', env.VIGIL_TRUST_PROXY);
  app.use(requestIds);
  app.use(refuseNulInUrl);
  if (!remote) app.use(identifyCaller(app.get(AuthService)));
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  app.useGlobalPipes(validationPipe);
  for (const feature of features) await feature.setUpHttp?.(app, env);
  return app;
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
    // Spans still buffered are sent once the app (whose last work may have made them) has stopped.
    app
      .close()
      .then(() => stopTracing())
      .then(
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
 * The entry point of the Vigil binary: validates the environment (a bad value stops start-up with a
 * message naming it), builds the app from the features the roles need, and listens.
 */
export async function bootstrap(features: (env: Env) => RoleFeature[]): Promise<void> {
  let env: Env;
  try {
    env = loadEnv(process.env);
    // Before any module is built: BullMQ's telemetry and every span need the SDK in place.
    startTracing(tracingSettings(process.env, env.VIGIL_ROLES));
  } catch (err) {
    if (!(err instanceof EnvError) && !(err instanceof TracingSettingsError)) throw err;
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
