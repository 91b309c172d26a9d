/**
 * Storm control: health events become incidents, and incidents become few notices. An incident waits
 * out groupWait before its first notice (a blip sends nothing), endpoints of one (service, IDC) share
 * one incident, and that incident is folded into the IDC's own when the IDC is down too: one notice
 * for an IDC going down, not one per endpoint.
 */
import type { HealthEvent } from '../health/transitions';
import type { TrafficEvent } from '../traffic/drift-event';
import { stepAction } from './action-notices';
import { incidentNotice } from './incident-notices';
import {
  SEVERITIES,
  type ActionChange,
  type ActionIncident,
  type Incident,
  type IncidentBook,
  type Notice,
  type NotifyInput,
  type NotifySettings,
  type Severity,
} from './types';

/** An IDC's state -> its incident's severity; states not listed (HEALTHY) close the incident. */
const IDC_SEVERITY: Readonly<Record<string, Severity>> = {
  DEGRADED: 'warning',
  UNHEALTHY: 'critical',
  UNKNOWN: 'warning',
};

/** States an IDC leaves when it goes UNKNOWN that make the change news (a new IDC's first UNKNOWN is not). */
const KNOWN_IDC_STATES: ReadonlySet<string> = new Set(['HEALTHY', 'DEGRADED', 'UNHEALTHY']);

export const idcIncidentKey = (service: string, idc: string) => `idc/${service}/${idc}`;
export const endpointsIncidentKey = (service: string, idc: string) => `endpoints/${service}/${idc}`;
export const vantageIncidentKey = (vantage: string) => `vantage/${vantage}`;
export const trafficIncidentKey = (service: string) => `traffic/${service}`;

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * At most this many open action incidents: an action holds its service while awaiting approval or
 * held, so there are about as many as services; past the cap the oldest are forgotten (unresolved).
 */
export const MAX_ACTION_INCIDENTS = 1000;

/**
 * A copy of an incident whose arrays are its own (JSON data). `drift` is shared: it is replaced,
 * never changed in place.
 */
export function copyIncident(incident: Incident): Incident {
  const copy: Incident = { ...incident, endpoints: [...incident.endpoints] };
  if (incident.reached) copy.reached = [...incident.reached];
  return copy;
}

/** A deep copy of an action incident (its `reached` is the only nested value). */
export function copyActionIncident(open: ActionIncident): ActionIncident {
  return { ...open, reached: [...open.reached] };
}

/** One step's working state: copies of the book's incidents, mutated freely, and the notices so far. */
class Step {
  readonly incidents: Record<string, Incident> = {};
  readonly actions: Record<string, ActionIncident> = {};
  readonly notices: Notice[] = [];

  constructor(book: IncidentBook) {
    for (const [key, incident] of Object.entries(book.incidents))
      this.incidents[key] = copyIncident(incident);
    for (const [id, open] of Object.entries(book.actions ?? {})) this.actions[id] = copyActionIncident(open);
  }

  onAction(change: ActionChange): void {
    const { open, notices } = stepAction(this.actions[change.id], change);
    if (open) this.actions[change.id] = open;
    else delete this.actions[change.id];
    this.notices.push(...notices);
  }

  /** Forgets the oldest action incidents past MAX_ACTION_INCIDENTS (an action never seen to leave its state). */
  boundActions(): void {
    const ids = Object.keys(this.actions);
    if (ids.length <= MAX_ACTION_INCIDENTS) return;
    ids.sort((a, b) => this.actions[a].openedAt - this.actions[b].openedAt || a.localeCompare(b));
    for (const id of ids.slice(0, ids.length - MAX_ACTION_INCIDENTS)) delete this.actions[id];
  }

  /** The open incident under `key`, or a new pending one opened at `at`. */
  openOrGet(
    key: string,
    at: number,
    fields: Omit<Incident, 'key' | 'id' | 'openedAt' | 'sent' | 'endpoints'>,
  ): Incident {
    const existing = this.incidents[key];
    if (existing) return existing;
    const incident: Incident = {
      key,
      id: `${key}/${at}`,
      ...fields,
      openedAt: at,
      sent: false,
      endpoints: [],
    };
    this.incidents[key] = incident;
    return incident;
  }

  /** Closes an incident: a resolve if its trigger went out, else nothing (a blip). */
  close(incident: Incident, e: HealthEvent | TrafficEvent): void {
    this.syncEndpoints(incident);
    delete this.incidents[incident.key];
    if (incident.event === 'idc.state') this.unfold(incident, e.at);
    if (!incident.sent) return;
    const closed: Incident = { ...incident, state: e.after, reason: e.reason };
    const ratio = e.details?.healthyRatio;
    if (incident.event === 'idc.state' && typeof ratio === 'number') closed.healthyRatio = ratio;
    if (incident.event === 'traffic.drift') closed.drift = { ...e.details };
    this.notices.push(incidentNotice(closed, 'resolve', e.at));
  }

  /**
   * The IDC is back but some of its endpoints are not (yet): the endpoints incident folded into it
   * waits a full groupWait from now, so the stragglers of a recovery send nothing.
   */
  private unfold(idcIncident: Incident, at: number): void {
    const key = endpointsIncidentKey(idcIncident.service ?? '', idcIncident.idc ?? '');
    const folded = this.incidents[key];
    if (folded && !folded.sent) this.incidents[key] = { ...folded, openedAt: at, id: `${key}/${at}` };
  }

  /** An IDC incident lists the endpoints down in its (service, IDC), from the endpoints incident. */
  syncEndpoints(incident: Incident): void {
    if (incident.event !== 'idc.state' || incident.service === undefined || incident.idc === undefined)
      return;
    const endpoints = this.incidents[endpointsIncidentKey(incident.service, incident.idc)];
    incident.endpoints = endpoints ? [...endpoints.endpoints] : [];
  }

  /** Sends an incident's trigger (first notice or escalation) at `at`; `due` makes its id (default `at`). */
  trigger(incident: Incident, at: number, options: { due?: number; note?: string } = {}): void {
    this.syncEndpoints(incident);
    if (!incident.sent) incident.reached = []; // dispatchNotices fills it in
    incident.sent = true;
    incident.notifiedAt = at;
    incident.sentSeverity =
      incident.sentSeverity && rank(incident.sentSeverity) > rank(incident.severity)
        ? incident.sentSeverity
        : incident.severity;
    this.notices.push(incidentNotice(incident, 'trigger', at, options));
  }

  onIdc(e: HealthEvent): void {
    if (e.service === undefined || e.idc === undefined) return;
    const key = idcIncidentKey(e.service, e.idc);
    const current = this.incidents[key];
    const severity = IDC_SEVERITY[e.after];
    if (severity === undefined) {
      if (current && e.after === 'HEALTHY') this.close(current, e);
      return;
    }
    if (e.after === 'UNKNOWN' && !KNOWN_IDC_STATES.has(e.before)) return;
    const incident = this.openOrGet(key, e.at, {
      event: 'idc.state',
      service: e.service,
      idc: e.idc,
      severity,
      state: e.after,
      reason: e.reason,
    });
    incident.severity = severity;
    incident.state = e.after;
    incident.reason = e.reason;
    const ratio = e.details?.healthyRatio;
    if (typeof ratio === 'number') incident.healthyRatio = ratio;
    const sent = incident.sentSeverity ?? incident.severity;
    if (incident.sent && rank(severity) > rank(sent)) {
      // Never at the first trigger's time: the notice id (`<incidentKey>:trigger:<at>`) must differ.
      const at = Math.max(e.at, (incident.notifiedAt ?? incident.openedAt) + 1);
      this.trigger(incident, at, {
        note: `Worse than last notified: ${e.before} -> ${e.after} (${sent} -> ${severity}).`,
      });
    }
  }

  onEndpoint(e: HealthEvent): void {
    if (e.service === undefined || e.idc === undefined || e.endpoint === undefined) return;
    const key = endpointsIncidentKey(e.service, e.idc);
    if (e.after === 'UNHEALTHY') {
      const incident = this.openOrGet(key, e.at, {
        event: 'endpoint.state',
        service: e.service,
        idc: e.idc,
        severity: 'warning',
        state: 'UNHEALTHY',
        reason: e.reason,
      });
      if (!incident.endpoints.includes(e.endpoint)) incident.endpoints.push(e.endpoint);
      incident.reason = e.reason;
      return;
    }
    const incident = this.incidents[key];
    if (!incident || !incident.endpoints.includes(e.endpoint)) return;
    if (incident.endpoints.length > 1) {
      incident.endpoints = incident.endpoints.filter((id) => id !== e.endpoint);
      return;
    }
    // The last one is back: the resolve names it (its labels match the one-endpoint trigger's).
    this.close(incident, e);
  }

  onVantage(e: HealthEvent): void {
    if (e.vantage === undefined) return;
    const key = vantageIncidentKey(e.vantage);
    if (e.after === 'SUSPECT') {
      const incident = this.openOrGet(key, e.at, {
        event: 'vantage.suspect',
        vantage: e.vantage,
        severity: 'warning',
        state: 'SUSPECT',
        reason: e.reason,
      });
      incident.reason = e.reason;
      return;
    }
    const incident = this.incidents[key];
    if (incident && e.after === 'OK') this.close(incident, e);
  }

  /** A traffic manager drifting from Vigil (or unreadable) opens `traffic/<service>`; in sync closes it. */
  onTraffic(e: TrafficEvent): void {
    const key = trafficIncidentKey(e.service);
    if (e.after === 'drift') {
      const incident = this.openOrGet(key, e.at, {
        event: 'traffic.drift',
        service: e.service,
        severity: 'warning',
        state: e.after,
        reason: e.reason,
      });
      incident.reason = e.reason;
      incident.drift = { ...e.details };
      return;
    }
    const incident = this.incidents[key];
    if (incident) this.close(incident, e);
  }

  /**
   * Sends what waited out groupWait, and reminders. Their ids come from when they fell due (openedAt +
   * groupWait, last notice + remindEvery), not from `now`: a tick replayed later from the same book
   * (its notices recorded, the book not saved) gives the same ids, which the notifications table
   * then ignores.
   */
  flush(now: number, settings: NotifySettings): void {
    for (const key of Object.keys(this.incidents).sort()) {
      const incident = this.incidents[key];
      if (!incident.sent) {
        const due = incident.openedAt + settings.groupWaitMs;
        if (now < due) continue;
        // Folded into the IDC's incident, which lists these endpoints: never sent, so never resolved.
        if (this.foldedIntoIdc(incident)) continue;
        this.trigger(incident, now, { due });
      } else if (settings.remindEveryMs !== undefined) {
        const due = (incident.notifiedAt ?? incident.openedAt) + settings.remindEveryMs;
        if (now < due) continue;
        this.syncEndpoints(incident);
        incident.notifiedAt = now;
        this.notices.push(incidentNotice(incident, 'remind', now, { due }));
      }
    }
    for (const incident of Object.values(this.incidents)) this.syncEndpoints(incident);
  }

  private foldedIntoIdc(incident: Incident): boolean {
    return (
      incident.event === 'endpoint.state' &&
      incident.service !== undefined &&
      incident.idc !== undefined &&
      this.incidents[idcIncidentKey(incident.service, incident.idc)] !== undefined
    );
  }
}

/**
 * One step of the notifier: applies `inputs` (in order) to the open incidents, then sends what waited
 * out groupWait and the reminders due at `now`. Pure: the arguments are not changed; the returned
 * book is new and JSON-serialisable. Notice ids depend only on the book and the inputs, not on
 * `now`, so a replay of a step (even at a later time) gives the same ids (they are idempotency keys).
 *
 * - idc events: DEGRADED (warning), UNHEALTHY (critical), and UNKNOWN after a known state (warning)
 *   open or update `idc/<service>/<idc>`; a sent incident whose severity rises above what was sent
 *   gets a new trigger at once (same incidentKey); HEALTHY resolves it (or drops it if unsent).
 * - endpoint events: UNHEALTHY adds the endpoint to `endpoints/<service>/<idc>`; anything else removes
 *   it; the last one out resolves (or drops) it. While an IDC incident exists for the same (service,
 *   IDC), an unsent endpoints incident is folded into it and sends nothing; when the IDC recovers,
 *   what is still down waits a new groupWait (stragglers of a recovery send nothing).
 * - vantage events: SUSPECT opens `vantage/<vantage>`; OK resolves (or drops) it.
 * - traffic events: drift opens `traffic/<service>` (warning), or updates its reason and details;
 *   in-sync resolves (or drops) it.
 * - action inputs: a notice at once (see actionNotice); awaiting-approval, held and failed open an
 *   action incident (`book.actions`, by action id) that the action's next state resolves (stepAction).
 *
 * Resolves carry `reached`, the channels the incident's trigger reached (filled in by dispatchNotices).
 */
export function stepIncidents(
  book: IncidentBook,
  inputs: readonly NotifyInput[],
  now: number,
  settings: NotifySettings,
): { book: IncidentBook; notices: Notice[] } {
  const step = new Step(book);
  for (const input of inputs) {
    if (input.kind === 'action') {
      step.onAction(input.action);
    } else if (input.kind === 'traffic') {
      step.onTraffic(input.event);
    } else if (input.event.kind === 'idc') {
      step.onIdc(input.event);
    } else if (input.event.kind === 'endpoint') {
      step.onEndpoint(input.event);
    } else {
      step.onVantage(input.event);
    }
  }
  step.flush(now, settings);
  step.boundActions();
  return { book: { incidents: step.incidents, actions: step.actions }, notices: step.notices };
}
