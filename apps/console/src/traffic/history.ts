import { api, ok } from '../api';
import type { TrafficHistory } from './weight-series';

export type { TrafficHistory, TrafficPoint, Weights } from './weight-series';

/** A service's weights over `range` (epoch ms), from `GET /services/{name}/traffic/history`. */
export function fetchTrafficHistory(
  service: string,
  range: { from: number; to: number },
  signal?: AbortSignal,
): Promise<TrafficHistory> {
  return ok(
    api.GET('/api/v1/services/{name}/traffic/history', {
      params: {
        path: { name: service },
        query: { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
      },
      signal,
    }),
  );
}
