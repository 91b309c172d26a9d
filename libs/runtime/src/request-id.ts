import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The header a request id comes in and goes back out in. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * What an incoming request id may be: 1 to 128 characters of letters, digits and `._:-` (UUIDs, ULIDs,
 * hex ids, a proxy's `host:port-n`). Anything else (spaces, quotes, newlines, a megabyte) could forge or
 * break a log line, and is replaced.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is sane (one value), else a new UUID. */
export function requestIdFrom(
  header: string | string[] | undefined,
  make: () => string = randomUUID,
): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : make();
}

/** A request with the id this middleware gave it (pino-http calls the same field `id`). */
export type WithRequestId = IncomingMessage & { id?: unknown };

/** The id of a request, once requestIds ran; undefined before (or for what never went through it). */
export function requestIdOf(req: WithRequestId): string | undefined {
  return typeof req.id === 'string' ? req.id : undefined;
}

/**
 * The first middleware: gives every request its id (the caller's `X-Request-Id` when sane, else a UUID)
 * and answers with it in `X-Request-Id`, so even a request refused before routing can be found in the
 * log. The request log line and error bodies carry the same id.
 */
export function requestIds(req: WithRequestId, res: ServerResponse, next: () => void): void {
  const id = requestIdFrom(req.headers['x-request-id']);
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}
