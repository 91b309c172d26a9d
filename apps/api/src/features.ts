import type { DynamicModule, Type } from '@nestjs/common';
import { ControllerModule } from '@apps/controller';
import { ProberModule } from '@apps/prober';
import type { Env, Role } from '@libs/config';
import { ApiModule } from './api.module';

const ROLE_MODULES: Record<Role, Type> = {
  api: ApiModule,
  prober: ProberModule,
  controller: ControllerModule,
};

/** The feature modules of the roles in VIGIL_ROLES (all of them by default). */
export function roleModules(env: Env): Array<Type | DynamicModule> {
  return env.VIGIL_ROLES.map((role) => ROLE_MODULES[role]);
}
