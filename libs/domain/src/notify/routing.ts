import { severityAtLeast } from './severity';
import type { Notice, Route } from './types';

/** Whether a notice matches a route: every condition the route gives holds. */
function matches(notice: Notice, route: Route): boolean {
  if (route.events && !route.events.includes(notice.event)) return false;
  if (!severityAtLeast(notice.severity, route.minSeverity)) return false;
  // A notice without a service (or IDC) label cannot match a route restricted to some.
  if (route.services && !route.services.includes(notice.labels.service ?? '')) return false;
  if (route.idcs && !route.idcs.includes(notice.labels.idc ?? '')) return false;
  return true;
}

/**
 * The channels a notice goes to. No routes: every channel. Else the union of the channels of every
 * route it matches, in config order, without duplicates, keeping only names in `channels`.
 */
export function routeChannels(
  notice: Notice,
  routes: readonly Route[],
  channels: readonly string[],
): string[] {
  const known = new Set(channels);
  const out = new Set<string>();
  if (routes.length === 0) {
    for (const name of channels) out.add(name);
    return [...out];
  }
  for (const route of routes) {
    if (!matches(notice, route)) continue;
    for (const name of route.channels) if (known.has(name)) out.add(name);
  }
  return [...out];
}
