/**
 * A service's weights over time, from `GET /api/v1/services/{name}/traffic/history?from&to`.
 *
 * Until that route is in the generated client (libs/api-client), it is called here with a plain
 * same-origin `fetch` (the session cookie goes along) and typed locally; switch `fetchTrafficHistory`
 * to `ok(api.GET('/api/v1/services/{name}/traffic/history', …))` once it is, and drop the local types.
 * `normalizeTrafficHistory` takes both shapes seen so far (`start` or `initial` for the value at `from`).
 */
import { ApiError, errorMessage } from '../api';
import { normalizeTrafficHistory, type TrafficHistory } from './weight-series';

export type { TrafficHistory, TrafficPoint, Weights } from './weight-series';

export async function fetchTrafficHistory(
  service: string,
  range: { from: number; to: number },
  signal?: AbortSignal,
): Promise<TrafficHistory> {
  const query = new URLSearchParams({
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
  });
  const response = await fetch(`/api/v1/services/${encodeURIComponent(service)}/traffic/history?${query}`, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    signal,
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(
      response.status,
      errorMessage(body, `${response.status} ${response.statusText}`),
      body,
    );
  }
  return normalizeTrafficHistory(body);
}
