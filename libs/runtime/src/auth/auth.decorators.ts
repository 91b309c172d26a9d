import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiHeader,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ApiRole } from '@libs/domain';
import { ErrorResponseDto } from '../http-error.dto';
import { SignatureSettlement } from './signature-settlement.interceptor';

export const PUBLIC_ROUTE = 'vigil:public';
export const MIN_ROLE = 'vigil:min-role';
export const WEBHOOK_ROUTE = 'vigil:webhook-route';
export const METRICS_ROUTE = 'vigil:metrics-route';

/** Marks a route that needs no API key (/healthz, /readyz and the console's sign-in). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * `/metrics`: a viewer key (a remote prober: VIGIL_METRICS_TOKEN), or nothing at all with
 * VIGIL_METRICS_PUBLIC=true, for a scraper on a private network.
 */
export const MetricsRoute = () => SetMetadata(METRICS_ROUTE, true);

/** Every route with a key may get this: AuthService refuses an address after too many failed attempts. */
const TooManyFailedAttempts = () =>
  ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Too many failed authentications from this address; retry after `Retry-After` seconds',
  });

/** The weakest role that may call the route; routes without it need admin. */
export const MinRole = (role: ApiRole) =>
  applyDecorators(
    SetMetadata(MIN_ROLE, role),
    ApiBearerAuth(),
    ApiCookieAuth('session'),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No or unknown API key' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: `Requires the ${role} role or higher` }),
    TooManyFailedAttempts(),
  );

/**
 * A route for monitoring systems (`/api/v1/webhooks/*`): only a webhook-role key may call it (other
 * roles get 403), or, without an `Authorization` header, a body signed with config
 * `alerts.signingSecret` (X-Vigil-Timestamp with X-Vigil-Signature or X-Grafana-Alerting-Signature;
 * needs the raw body, which the body parser keeps for `/api/v1/webhooks/` paths only). A signature
 * counts as used only once its request succeeded (SignatureSettlement).
 */
export const WebhookRoute = () =>
  applyDecorators(
    SetMetadata(MIN_ROLE, 'webhook'),
    SetMetadata(WEBHOOK_ROUTE, true),
    UseInterceptors(SignatureSettlement),
    ApiBearerAuth(),
    ApiHeader({
      name: 'X-Vigil-Timestamp',
      required: false,
      description: 'Signed webhooks (instead of a key): Unix time in seconds, within 5 minutes of now',
    }),
    ApiHeader({
      name: 'X-Vigil-Signature',
      required: false,
      description:
        'sha256=<hex HMAC-SHA256(alerts.signingSecret, "<timestamp>.<raw body>")>, usable once: a request ' +
        'that fails (4xx, 5xx) does not use it up',
    }),
    ApiHeader({
      name: 'X-Grafana-Alerting-Signature',
      required: false,
      description:
        'Grafana\'s own HMAC instead: <hex HMAC-SHA256(alerts.signingSecret, "<timestamp>:<raw body>")>, ' +
        "with the timestamp in X-Vigil-Timestamp (the contact point's Timestamp Header), usable once",
    }),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'No or unknown key; bad, stale or replayed signature',
    }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'A key of another role than webhook' }),
    TooManyFailedAttempts(),
  );
