import { isSecret, type Endpoint } from '@libs/config';
import type { HttpCheck, ProbeContext } from './types';

/** The request an http probe sends, built once per check and endpoint. */
export interface HttpRequest {
  /** scheme://host:port */
  origin: string;
  /** Path and query. */
  path: string;
  method: HttpCheck['http']['method'];
  /** Lowercased names; secrets already opened. */
  headers: Record<string, string>;
  /** Headers with a secret or a credential: dropped on a redirect to another origin. */
  secretHeaders: ReadonlySet<string>;
  body?: string;
}

const USER_AGENT = 'vigil-probe/1';
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/**
 * Where an http check goes on an endpoint: the endpoint's url, or `scheme://address` for an address endpoint
 * (scheme from the check type); the check's `http.path` replaces the url's path and query.
 * @throws Error when the endpoint has neither a usable url nor address.
 */
export function httpRequestTarget(check: HttpCheck, endpoint: Endpoint): { origin: string; path: string } {
  const text = endpoint.url ?? (endpoint.address === undefined ? '' : `${check.type}://${endpoint.address}`);
  if (!URL.canParse(text)) throw new Error(`endpoint ${endpoint.name} has no usable url or address`);
  const url = new URL(text);
  return { origin: url.origin, path: check.http.path ?? `${url.pathname}${url.search}` };
}

/** Opens the secret header values once; returns them too, so that details can be scrubbed of them. */
export function openHeaders(
  configured: HttpCheck['http']['headers'],
  ctx: ProbeContext,
): { headers: Record<string, string>; secrets: string[]; secretHeaders: Set<string> } {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT };
  const secrets: string[] = [];
  const secretHeaders = new Set<string>();
  for (const [name, value] of Object.entries(configured ?? {})) {
    const key = name.toLowerCase();
    if (isSecret(value)) {
      headers[key] = ctx.secret(value);
      if (headers[key] !== '') secrets.push(headers[key]);
    } else headers[key] = value;
    if (isSecret(value) || CREDENTIAL_HEADERS.has(key)) secretHeaders.add(key);
  }
  return { headers, secrets, secretHeaders };
}
