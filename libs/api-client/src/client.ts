import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export interface VigilApiClientOptions {
  /** Where Vigil listens, e.g. `https://vigil.example.com`; `/api/v1` is part of every path. */
  baseUrl: string;
  /**
   * An API key (`vgl_...`), sent as `Authorization: Bearer`. Left out in the console, where the
   * browser sends its session cookie instead.
   */
  token?: string;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: (input: Request) => Promise<Response>;
}

export type VigilApiClient = Client<paths>;

/**
 * A typed client of the Vigil API, built on openapi-fetch from the generated `paths`:
 * `client.GET('/api/v1/status/{service}', { params: { path: { service } } })` is checked against
 * the document, and so are its response body and errors (`ErrorResponseDto`).
 */
export function createVigilApiClient(options: VigilApiClientOptions): VigilApiClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
