import { createVigilApiClient, type components } from '@libs/api-client';

/** The API's schemas, by name (`Schema<'ActionDto'>`), as the generated client types them. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** An error answer of the API: its status, message and, for a 400, the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onSignedOut: () => void = () => undefined;

/** The session's CSRF token: sent as `X-CSRF-Token` on every write, as the server requires. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API answers 401: the session ended (expired, signed out elsewhere, key revoked). */
export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

/** The generated OpenAPI client; the browser sends the session cookie (same origin). */
export const api = createVigilApiClient({ baseUrl: window.location.origin });

api.use({
  onRequest({ request }) {
    if (csrfToken && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/session')) onSignedOut();
    return response;
  },
});

/** The message an error body carries: `message` (string or list) plus the fields `details` name. */
export function errorMessage(body: unknown, fallback: string): string {
  if (!body || typeof body !== 'object') return fallback;
  const { message } = body as { message?: unknown };
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' && message ? message : fallback;
}

/**
 * The data of an openapi-fetch result, or an {@link ApiError}: lets TanStack Query see failures.
 * `await ok(api.GET('/api/v1/status'))`.
 */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw new ApiError(
    response.status,
    errorMessage(error, `${response.status} ${response.statusText}`),
    error,
  );
}
