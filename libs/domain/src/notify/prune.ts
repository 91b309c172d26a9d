/** Incidents about what the config no longer has: resolved (when sent) and dropped, never kept open. */
import { REMOVED_STATE, incidentNotice } from './incident-notices';
import { copyIncident } from './incidents';
import type { Incident, IncidentBook, KnownEndpoints, Notice } from './types';

const pairKey = (service: string, idc: string) => `${service}\u0000${idc}`;

/**
 * Drops from `book` what the config no longer has: IDC and endpoints incidents of a (service, IDC)
 * without endpoints in `known` (the service, the IDC, or all its endpoints there removed), traffic
 * incidents of a service without endpoints in `known` (its drift is never seen to end), and from
 * endpoints incidents the endpoints removed or moved to another IDC (the health engine forgets them
 * without an event, so they would never come back). An incident left without subject is resolved
 * when its trigger went out (state REMOVED, reason `removed from config`, to the channels it reached;
 * id `<incidentKey>:resolve:removed`, the same on a replay) and dropped silently when it did not.
 * Vantage incidents and action incidents are kept: a prober may probe from a place that is not an
 * IDC of the config, and an action goes on whatever the config says. IDC incidents catch up with the
 * endpoints dropped here at the next stepIncidents. Pure.
 */
export function pruneIncidents(
  book: IncidentBook,
  known: KnownEndpoints,
  now: number,
): { book: IncidentBook; notices: Notice[] } {
  const pairs = new Set([...known.values()].map((e) => pairKey(e.service, e.idc)));
  const services = new Set([...known.values()].map((e) => e.service));
  const incidents: Record<string, Incident> = {};
  const notices: Notice[] = [];
  for (const [key, original] of Object.entries(book.incidents)) {
    if (original.service === undefined) {
      incidents[key] = original; // vantage incidents
      continue;
    }
    const incident = copyIncident(original);
    const here = (id: string) => known.get(id)?.idc === incident.idc;
    const kept =
      original.event === 'traffic.drift'
        ? services.has(original.service)
        : pairs.has(pairKey(original.service, original.idc ?? ''));
    if (kept && incident.event === 'endpoint.state') incident.endpoints = incident.endpoints.filter(here);
    if (kept && (incident.event !== 'endpoint.state' || incident.endpoints.length > 0)) {
      incidents[key] = incident;
      continue;
    }
    if (!incident.sent) continue;
    const closed: Incident = { ...incident, state: REMOVED_STATE, reason: 'removed from config' };
    notices.push(incidentNotice(closed, 'resolve', now, { due: 'removed' }));
  }
  return { book: { ...book, incidents }, notices };
}
