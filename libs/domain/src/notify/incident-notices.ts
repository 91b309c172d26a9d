/**
 * The words of health (and traffic drift) incidents' notices: titles, texts, labels and details for
 * humans and receivers.
 */
import { humanDuration, formatRatio } from '../shift/format';
import type { Incident, Notice, NoticePhase } from './types';

/** How many endpoints a notice names before "+N more". */
export const ENDPOINTS_LISTED = 10;

/** The state of an incident resolved because the config no longer has what it is about. */
export const REMOVED_STATE = 'REMOVED';

/**
 * Endpoint ids as a short list: the first ten, then "+N more". Ids lose their `<service>.` prefix
 * when it is `service` (the title already names the service).
 */
export function listEndpoints(ids: readonly string[], service?: string): string {
  const prefix = service ? `${service}.` : '';
  const names = ids.map((id) => (prefix && id.startsWith(prefix) ? id.slice(prefix.length) : id));
  const shown = names.slice(0, ENDPOINTS_LISTED).join(', ');
  return names.length > ENDPOINTS_LISTED ? `${shown} +${names.length - ENDPOINTS_LISTED} more` : shown;
}

/** What the incident is about, e.g. `live-edge in sha`, `vantage bjs`, `traffic manager of live-edge`. */
function subject(incident: Incident): string {
  if (incident.event === 'vantage.suspect') return `vantage ${incident.vantage}`;
  if (incident.event === 'traffic.drift') return `traffic manager of ${incident.service}`;
  return `${incident.service} in ${incident.idc}`;
}

/** The problem in a few words, e.g. `live-edge in sha is UNHEALTHY`, `3 endpoints of live-edge in sha are down`. */
function problem(incident: Incident): string {
  if (incident.event === 'idc.state') return `${subject(incident)} is ${incident.state}`;
  if (incident.event === 'vantage.suspect') return `${subject(incident)} is suspect`;
  if (incident.event === 'traffic.drift') return `${subject(incident)} differs from Vigil`;
  const n = incident.endpoints.length;
  return n === 1
    ? `endpoint ${listEndpoints(incident.endpoints, incident.service)} of ${subject(incident)} is down`
    : `${n} endpoints of ${subject(incident)} are down`;
}

/** The recovery in a few words, e.g. `live-edge in sha is HEALTHY again`. */
function recovery(incident: Incident): string {
  if (incident.state === REMOVED_STATE) {
    const what =
      incident.event === 'endpoint.state'
        ? `endpoints of ${subject(incident)} are`
        : incident.event === 'traffic.drift'
          ? `service ${incident.service} is`
          : `${subject(incident)} is`;
    return `${what} no longer in the config`;
  }
  if (incident.event === 'idc.state') return `${subject(incident)} is ${incident.state} again`;
  if (incident.event === 'vantage.suspect') return `${subject(incident)} is back in line`;
  if (incident.event === 'traffic.drift') return `${subject(incident)} agrees with Vigil again`;
  return `endpoints of ${subject(incident)} are back`;
}

function title(incident: Incident, phase: NoticePhase, at: number): string {
  const open = humanDuration(at - incident.openedAt);
  if (phase === 'resolve') {
    const verb =
      incident.event === 'vantage.suspect'
        ? 'suspect for'
        : incident.event === 'traffic.drift'
          ? 'differed for'
          : 'down';
    return `resolved: ${recovery(incident)} (${verb} ${open})`;
  }
  if (phase === 'remind') return `reminder: ${problem(incident)} (for ${open})`;
  return problem(incident);
}

function lines(incident: Incident, phase: NoticePhase, at: number, note?: string): string[] {
  const out: string[] = [];
  if (note) out.push(note);
  if (incident.event === 'vantage.suspect') {
    out.push(`${subject(incident)} is ${phase === 'resolve' ? 'back' : 'suspect'}: ${incident.reason}.`);
    out.push(
      phase === 'resolve'
        ? 'Its results count in quorums again.'
        : 'Its results are left out of quorums until it is back in line with the other vantages.',
    );
  } else {
    out.push(`${phase === 'resolve' ? recovery(incident) : problem(incident)} (reason: ${incident.reason}).`);
    if (incident.event === 'idc.state' && incident.healthyRatio !== undefined) {
      out.push(`Healthy capacity: ${formatRatio(incident.healthyRatio)}.`);
    }
    if (phase !== 'resolve' && incident.endpoints.length > 0) {
      out.push(
        `Down endpoints (${incident.endpoints.length}): ${listEndpoints(incident.endpoints, incident.service)}.`,
      );
    }
    if (incident.event === 'traffic.drift' && incident.state !== REMOVED_STATE) {
      out.push(
        phase === 'resolve'
          ? 'It has the weights Vigil applied in force again.'
          : 'Its weights were changed outside Vigil, or cannot be read back: what it has in force is not what Vigil applied.',
      );
    }
  }
  const opened = new Date(incident.openedAt).toISOString();
  out.push(
    phase === 'resolve'
      ? `Opened ${opened}, resolved after ${humanDuration(at - incident.openedAt)}.`
      : `Open since ${opened}.`,
  );
  return out;
}

/**
 * The notice of a health incident for one phase, sent at `at`. Trigger and remind carry the
 * incident's severity now; a resolve carries the highest severity sent and the channels its trigger
 * reached (`reached`). `due` (default `at`) makes the id: when the notice fell due, so that a replay
 * of the same step at a later time gives the same id. `note` is an extra first line (e.g. an
 * escalation).
 */
export function incidentNotice(
  incident: Incident,
  phase: NoticePhase,
  at: number,
  options: { due?: number | 'removed'; note?: string } = {},
): Notice {
  const { due = at, note } = options;
  const severity = phase === 'resolve' ? (incident.sentSeverity ?? incident.severity) : incident.severity;
  const labels: Record<string, string> = { event: incident.event, severity };
  if (incident.service !== undefined) labels.service = incident.service;
  if (incident.idc !== undefined) labels.idc = incident.idc;
  if (incident.vantage !== undefined) labels.vantage = incident.vantage;
  if (incident.event === 'endpoint.state' && incident.endpoints.length === 1) {
    labels.endpoint = incident.endpoints[0];
  }
  const details: Record<string, unknown> = {
    state: incident.state,
    reason: incident.reason,
    openedAt: new Date(incident.openedAt).toISOString(),
  };
  if (incident.service !== undefined) details.service = incident.service;
  if (incident.idc !== undefined) details.idc = incident.idc;
  if (incident.vantage !== undefined) details.vantage = incident.vantage;
  if (incident.healthyRatio !== undefined) details.healthyRatio = incident.healthyRatio;
  if (incident.event === 'idc.state' || incident.event === 'endpoint.state')
    details.endpoints = [...incident.endpoints];
  if (incident.drift !== undefined) details.drift = { ...incident.drift };
  if (phase === 'resolve') details.durationMs = at - incident.openedAt;
  return {
    id: `${incident.id}:${phase}:${due}`,
    incidentKey: incident.id,
    event: incident.event,
    phase,
    severity,
    title: title(incident, phase, at),
    text: lines(incident, phase, at, note).join('\n'),
    labels,
    details,
    at,
    resolvable: true,
    ...(phase === 'resolve' && incident.reached ? { reached: [...incident.reached] } : {}),
  };
}
