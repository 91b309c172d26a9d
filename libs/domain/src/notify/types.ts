/**
 * The notifier's vocabulary: what it hears (health events and action changes), the incidents it
 * keeps open, and the notices it emits. Routing, silences and rate limits then decide, per channel,
 * whether a notice is sent.
 */
import type { HealthEvent } from '../health/transitions';
import type { TrafficEvent } from '../traffic/drift-event';

/** Severities, weakest first (PagerDuty's four). */
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What Vigil notifies about; routes pick from these. */
export const NOTIFY_EVENTS = [
  'endpoint.state', // endpoints of a (service, IDC) down or back (grouped; folded into idc.state)
  'idc.state', // a service in an IDC DEGRADED / UNHEALTHY / UNKNOWN, or back to HEALTHY
  'vantage.suspect', // a vantage's results are left out of quorums, or count again
  'traffic.drift', // a traffic manager's weights differ from what Vigil applied (or cannot be read), or agree again
  'action.proposed', // an action was recorded (executing or dry run)
  'action.awaiting-approval',
  'action.executed', // all steps applied
  'action.failed',
  'action.held', // stopped between steps: a receiver degraded
  'action.refused', // a guardrail refused a proposed action (other than panic)
  'panic', // fail-static: Vigil refused to shift because too much is unhealthy or stale
  'rule.notify', // a rule's notify action: sent to the channels the rule names, not routed
  'rule.disabled', // a rule overran its evaluation budget and is off until the config changes
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/**
 * Events that say traffic moves, or should and cannot: never suppressed by a channel's rate limit, so
 * a storm of health notices can never hide a new shift (silences, a human's choice, still apply).
 */
export const TRAFFIC_EVENTS: ReadonlySet<NotifyEvent> = new Set<NotifyEvent>([
  'action.proposed',
  'action.awaiting-approval',
  'action.executed',
  'action.failed',
  'action.held',
  'panic',
]);

/** An action as the notifier sees it: a row of `actions` whose state changed. */
export interface ActionChange {
  id: string;
  service: string;
  idc: string | null;
  /** shift-away, failback, set-weights, rollback, ... */
  kind: string;
  /** The action's state (ACTION_STATES). */
  state: string;
  reason: string;
  rule: string | null;
  mode: string;
  /** For refused actions: the guardrail that refused. */
  guardrail?: string;
  /**
   * The state before this change; undefined or null for a new action. An `executing` that follows an
   * approval is not a new proposal, so it sends nothing.
   */
  before?: string | null;
  /** Epoch ms of the change. */
  at: number;
}

/** What the notifier hears each tick. */
export type NotifyInput =
  | { kind: 'health'; event: HealthEvent }
  | { kind: 'traffic'; event: TrafficEvent }
  | { kind: 'action'; action: ActionChange };

export type NoticePhase = 'trigger' | 'resolve' | 'remind';

/** One message to send, before routing, silences and rate limits pick its channels. */
export interface Notice {
  /**
   * Deterministic and unique per notice: the idempotency key. Health incidents:
   * `<incidentKey>:<phase>:<due>`, where `due` is when the notice fell due (openedAt + groupWait, the
   * escalating event, the last notice + remindEvery, the recovering event), never the tick's clock, so a
   * replayed tick gives the same ids; `<incidentKey>:resolve:removed` when the config dropped its subject.
   * Actions: `action/<id>:<state>` and `action/<id>/<state>:<phase>`.
   */
  id: string;
  /** The incident (PagerDuty dedup_key): trigger, reminders and resolve share it. */
  incidentKey: string;
  event: NotifyEvent;
  phase: NoticePhase;
  severity: Severity;
  /** One line, e.g. `live-edge in sha is UNHEALTHY`. */
  title: string;
  /** A few lines: why, what is affected, what Vigil does. */
  text: string;
  /** What routes and silences match: event, severity, and service, idc, endpoint, vantage, rule, action when known. */
  labels: Record<string, string>;
  details: Record<string, unknown>;
  /** Epoch ms. */
  at: number;
  /**
   * True when a resolve may follow on the same incidentKey: health incidents, and actions awaiting
   * approval, held or failed (resolved when the action leaves that state). False for one-shot notices
   * (other action changes, panic, rule notices).
   */
  resolvable: boolean;
  /**
   * Resolves only: the channels its incident's trigger reached. The resolve goes to exactly these (not
   * routed), past silences and rate limits. Undefined for an incident of a book saved before channels
   * were remembered: routed then.
   */
  reached?: readonly string[];
}

/**
 * A health problem (or a traffic manager drifting from Vigil) the notifier tracks from open to
 * resolved. JSON-serialisable (kept in Redis).
 */
export interface Incident {
  /** `idc/<service>/<idc>`, `endpoints/<service>/<idc>`, `vantage/<vantage>` or `traffic/<service>`. */
  key: string;
  /** `<key>/<openedAt>`: the incidentKey of its notices. */
  id: string;
  event: 'idc.state' | 'endpoint.state' | 'vantage.suspect' | 'traffic.drift';
  service?: string;
  idc?: string;
  vantage?: string;
  severity: Severity;
  /** The state now, e.g. UNHEALTHY, and why. */
  state: string;
  reason: string;
  openedAt: number;
  /** Pending: waiting out groupWait, nothing sent yet (a blip that ends now sends nothing). */
  sent: boolean;
  /** When the last trigger or reminder went out. */
  notifiedAt?: number;
  /**
   * The highest severity sent so far: a rise above it is sent at once; the resolve carries it, so it
   * reaches every channel the trigger did.
   */
  sentSeverity?: Severity;
  /** IDC incidents: the healthy capacity ratio (0-1) of the last event. */
  healthyRatio?: number;
  /** Endpoint ids down (endpoints incidents; listed in IDC incidents too). */
  endpoints: string[];
  /** Traffic incidents: what the last read-back saw (the drift event's details, e.g. expected, actual). */
  drift?: Record<string, unknown>;
  /**
   * The channels a trigger or reminder of it reached (recorded pending), without duplicates: where its
   * resolve goes. Set (empty) when first sent; undefined in books saved before it existed (their
   * resolves are routed). Bounded by the channels of the config.
   */
  reached?: string[];
}

/**
 * An action notice that a later change resolves: the action awaits approval, is held, or failed (a
 * rollback resolves it). JSON-serialisable (kept in Redis with the incidents).
 */
export interface ActionIncident {
  /** `action/<action id>/<state>`: the incidentKey of its trigger and resolve. */
  id: string;
  action: string;
  /** The state it is about: `awaiting-approval`, `held` or `failed`. */
  state: string;
  event: NotifyEvent;
  severity: Severity;
  openedAt: number;
  /** As for Incident: the channels its trigger reached. */
  reached: string[];
}

/** The notifier's state: the open incidents by key, and the open action incidents by action id. */
export interface IncidentBook {
  incidents: Record<string, Incident>;
  /** Absent in books saved before action incidents existed. */
  actions?: Record<string, ActionIncident>;
}

export interface NotifySettings {
  groupWaitMs: number;
  /** Undefined: no reminders. */
  remindEveryMs?: number;
}

/** What the config holds now: each endpoint's service and IDC, by endpoint id. */
export type KnownEndpoints = ReadonlyMap<string, { service: string; idc: string }>;

/** A route of config `notifications.routes`, as the router needs it. */
export interface Route {
  channels: readonly string[];
  events?: readonly string[];
  minSeverity: Severity;
  services?: readonly string[];
  idcs?: readonly string[];
}

/** A silence: label matchers (Alertmanager's four operators; regexes anchored) and a window. */
export interface Silence {
  id: string;
  matchers: ReadonlyArray<{ label: string; op: '=' | '!=' | '=~' | '!~'; value: string }>;
  startsAt: number;
  endsAt: number;
}
