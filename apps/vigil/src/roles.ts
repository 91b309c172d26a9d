import { ApiModule, setUpApiHttp } from '@apps/api';
import { ControllerModule } from '@apps/controller';
import { ProberModule } from '@apps/prober';
import type { Env, Role } from '@libs/config';
import type { RoleFeature } from '@libs/runtime';

/** What each role adds to a process: its feature module and, for the API, its HTTP wiring. */
const ROLE_FEATURES: Record<Role, RoleFeature> = {
  api: { module: ApiModule, setUpHttp: setUpApiHttp },
  prober: { module: ProberModule },
  controller: { module: ControllerModule },
};

/** The features of the roles in VIGIL_ROLES (all of them by default). */
export function roleFeatures(env: Env): RoleFeature[] {
  return env.VIGIL_ROLES.map((role) => ROLE_FEATURES[role]);
}
