/** The service page's endpoint list: its filters (in the URL query) and its order. */

export const HEALTH_STATES = ['UNHEALTHY', 'DEGRADED', 'UNKNOWN', 'HEALTHY'] as const;

export interface EndpointRow {
  id: string;
  idc: string;
  state: string;
  reason: string;
}

export interface EndpointFilters {
  idc: string;
  state: string;
  /** Matched, case-insensitively, against the id and the reason. */
  text: string;
}

export function endpointFiltersFromQuery(query: URLSearchParams): EndpointFilters {
  const state = query.get('state') ?? '';
  return {
    idc: query.get('idc') ?? '',
    state: (HEALTH_STATES as readonly string[]).includes(state) ? state : '',
    text: query.get('q') ?? '',
  };
}

/**
 * The endpoints the filters keep, by IDC (name order), then worst state first (UNHEALTHY, DEGRADED,
 * UNKNOWN, HEALTHY), then id.
 */
export function filterEndpoints<T extends EndpointRow>(rows: T[], filters: EndpointFilters): T[] {
  const text = filters.text.trim().toLowerCase();
  const rank = (state: string) => {
    const i = (HEALTH_STATES as readonly string[]).indexOf(state);
    return i < 0 ? HEALTH_STATES.length : i;
  };
  return rows
    .filter(
      (r) =>
        (!filters.idc || r.idc === filters.idc) &&
        (!filters.state || r.state === filters.state) &&
        (!text || r.id.toLowerCase().includes(text) || r.reason.toLowerCase().includes(text)),
    )
    .sort((a, b) => a.idc.localeCompare(b.idc) || rank(a.state) - rank(b.state) || a.id.localeCompare(b.id));
}
