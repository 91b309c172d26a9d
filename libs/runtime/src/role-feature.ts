import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Env } from '@libs/config';

/**
 * What a role adds to a Vigil process: its feature module, and optionally the HTTP wiring only it
 * needs (body parsers, extra routes). `createVigilApp` calls `setUpHttp` after the generic wiring
 * (logging, NUL refusal, the caller's key, the `/api/v1` prefix, validation), so each role's hook
 * sees the prefix and installs its middleware before Nest's router.
 */
export interface RoleFeature {
  module: Type | DynamicModule;
  setUpHttp?(app: NestExpressApplication, env: Env): void | Promise<void>;
}
