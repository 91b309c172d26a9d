import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a cookie-authenticated write must carry, holding the session's CSRF token. */
export const CSRF_HEADER = 'X-CSRF-Token';

/** Methods that change nothing: they need no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A session's CSRF token: HMAC-SHA256 of its cookie token under `key`, so nothing more is stored and
 * the token cannot be made without the cookie (which scripts cannot read: HttpOnly).
 */
export function csrfTokenOf(key: Buffer, sessionToken: string): string {
  return createHmac('sha256', key).update(sessionToken).digest('base64url');
}

/** What a cookie-authenticated request brings to the CSRF check. */
export interface CsrfInput {
  method: string;
  /** The X-CSRF-Token header, if any. */
  header: string | string[] | undefined;
  /** The Origin header, if any. */
  origin: string | string[] | undefined;
  /** The request's own host (with port), as the client addressed it. */
  host: string | undefined;
}

/**
 * Whether a cookie-authenticated request may go on: a safe method always; any other only with the
 * session's token in X-CSRF-Token (compared in constant time) and, when the browser sent an Origin,
 * from the request's own host.
 */
export function passesCsrf(input: CsrfInput, expected: string): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return true;
  if (typeof input.header !== 'string') return false;
  const given = Buffer.from(input.header);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return false;
  if (input.origin === undefined) return true;
  return typeof input.origin === 'string' && sameHost(input.origin, input.host);
}

/** Whether an Origin header names the request's own host (with port); false for "null" or garbage. */
export function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}
