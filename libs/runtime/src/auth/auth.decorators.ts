import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { ApiRole } from '@libs/domain';

export const PUBLIC_ROUTE = 'vigil:public';
export const MIN_ROLE = 'vigil:min-role';

/** Marks a route that needs no API key (only /healthz and /readyz). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The weakest role that may call the route; routes without it need admin. */
export const MinRole = (role: ApiRole) =>
  applyDecorators(
    SetMetadata(MIN_ROLE, role),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No or unknown API key' }),
    ApiForbiddenResponse({ description: `Requires the ${role} role or higher` }),
  );
