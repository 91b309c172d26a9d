/**
 * The facts a rule's `when` (CEL) sees, and the CEL environments that declare them.
 *
 * Which rules see which facts (the subject of a rule, see ruleSubject):
 * - `idc` rules (every rule without a drain-endpoint action) are evaluated once per (service, IDC)
 *   in scope and see `idc`, `service`, `alerts` and `now`;
 * - `endpoint` rules (a rule with a drain-endpoint action) are evaluated once per endpoint of a
 *   (service, IDC) in scope and see the same facts plus `endpoint` (`idc` is the endpoint's IDC).
 * A rule of the first kind that names `endpoint` fails at compile time, not at run time.
 *
 * Times are epoch milliseconds here and CEL timestamps in expressions (`now - a.startsAt >
 * duration("5m")`). Numbers are CEL doubles, except scores (0-100, whole numbers), which are ints.
 * The alerts array is converted to CEL values once per array (WeakMap): pass the same array to every
 * evaluation of a tick, and a new array (never a mutated one) when the alerts change.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { HealthState } from '../health/types';
import { registerRe2Matches } from './cel-regex';

/** A (service, IDC): the IDC's attributes and the service's health and weight there. */
export interface IdcFact {
  name: string;
  /** '' in CEL when the IDC has no region. */
  region?: string;
  state: HealthState;
  /** 0-100, the capacity-weighted mean of the endpoints' scores. */
  score: number;
  /** healthyCapacity / capacity, 0-1. */
  healthyRatio: number;
  /**
   * Capacity of the service's HEALTHY and DEGRADED endpoints in this IDC; a flapping one counts only by
   * its recent success share (see healthyShare).
   */
  healthyCapacity: number;
  /** Capacity of all the service's endpoints in this IDC. */
  capacity: number;
  /** The service's current traffic weight on this IDC. */
  weight: number;
  /** The IDC's labels. */
  labels: Readonly<Record<string, string>>;
}

export interface ServiceFact {
  name: string;
  labels: Readonly<Record<string, string>>;
}

/** One endpoint, for drain-endpoint rules only. */
export interface EndpointFact {
  id: string;
  name: string;
  idc: string;
  state: HealthState;
  /** 0-100. */
  score: number;
  labels: Readonly<Record<string, string>>;
}

/** A firing alert received by webhook. In CEL, a missing service, idc or endpoint is ''. */
export interface AlertFact {
  name: string;
  status: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  service?: string;
  idc?: string;
  endpoint?: string;
  /** Epoch ms. */
  startsAt: number;
}

/** Everything one evaluation sees. `endpoint` is required by endpoint rules, ignored by the others. */
export interface RuleFacts {
  idc: IdcFact;
  service: ServiceFact;
  endpoint?: EndpointFact;
  alerts: readonly AlertFact[];
  /** Epoch ms. */
  now: number;
}

/** What a rule is evaluated for: each (service, IDC), or each endpoint (drain-endpoint rules). */
export type RuleSubject = 'idc' | 'endpoint';

/** A rule with a drain-endpoint action is evaluated per endpoint; any other per (service, IDC). */
export function ruleSubject(actions: ReadonlyArray<{ readonly type: string }>): RuleSubject {
  return actions.some((action) => action.type === 'drain-endpoint') ? 'endpoint' : 'idc';
}

const TIMESTAMP = 'google.protobuf.Timestamp';
const LABELS = 'map<string, string>';

/** The CEL fields of each fact type; also used for "unknown field" messages. */
export const FACT_FIELDS = {
  Idc: {
    name: 'string',
    region: 'string',
    state: 'string',
    score: 'int',
    healthyRatio: 'double',
    healthyCapacity: 'double',
    capacity: 'double',
    weight: 'double',
    labels: LABELS,
  },
  Service: { name: 'string', labels: LABELS },
  Endpoint: { id: 'string', name: 'string', idc: 'string', state: 'string', score: 'int', labels: LABELS },
  Alert: {
    name: 'string',
    status: 'string',
    labels: LABELS,
    annotations: LABELS,
    service: 'string',
    idc: 'string',
    endpoint: 'string',
    startsAt: TIMESTAMP,
  },
} as const satisfies Record<string, Record<string, string>>;

export type FactType = keyof typeof FACT_FIELDS;

/** The fact name operators write for each CEL type, in messages. */
export const FACT_NAMES: Record<FactType, string> = {
  Idc: 'idc',
  Service: 'service',
  Endpoint: 'endpoint',
  Alert: 'alert',
};

// CEL values of the fact types: plain classes the environment knows by constructor.
class CelIdc {
  constructor(
    readonly name: string,
    readonly region: string,
    readonly state: string,
    readonly score: bigint,
    readonly healthyRatio: number,
    readonly healthyCapacity: number,
    readonly capacity: number,
    readonly weight: number,
    readonly labels: Map<string, string>,
  ) {}
}
class CelService {
  constructor(
    readonly name: string,
    readonly labels: Map<string, string>,
  ) {}
}
class CelEndpoint {
  constructor(
    readonly id: string,
    readonly name: string,
    readonly idc: string,
    readonly state: string,
    readonly score: bigint,
    readonly labels: Map<string, string>,
  ) {}
}
class CelAlert {
  constructor(
    readonly name: string,
    readonly status: string,
    readonly labels: Map<string, string>,
    readonly annotations: Map<string, string>,
    readonly service: string,
    readonly idc: string,
    readonly endpoint: string,
    readonly startsAt: Date,
  ) {}
}

/** The variables of each subject, in the order messages list them. */
export const SUBJECT_FACTS: Record<RuleSubject, readonly string[]> = {
  idc: ['idc', 'service', 'alerts', 'now'],
  endpoint: ['idc', 'service', 'endpoint', 'alerts', 'now'],
};

function buildEnvironments(): Record<RuleSubject, Environment> {
  // Declared variables only (unlistedVariablesAreDyn: false), so an unknown fact is a type error.
  const base = registerRe2Matches(new Environment({ unlistedVariablesAreDyn: false }))
    .registerType('Idc', { ctor: CelIdc, fields: FACT_FIELDS.Idc })
    .registerType('Service', { ctor: CelService, fields: FACT_FIELDS.Service })
    .registerType('Endpoint', { ctor: CelEndpoint, fields: FACT_FIELDS.Endpoint })
    .registerType('Alert', { ctor: CelAlert, fields: FACT_FIELDS.Alert })
    .registerVariable('idc', 'Idc', { description: 'The (service, IDC) being evaluated.' })
    .registerVariable('service', 'Service', { description: 'The service being evaluated.' })
    .registerVariable('alerts', 'list<Alert>', { description: 'Firing alerts received by webhook.' })
    .registerVariable('now', TIMESTAMP, { description: 'The evaluation time.' });
  const endpoint = base
    .clone()
    .registerVariable('endpoint', 'Endpoint', { description: 'The endpoint (drain-endpoint rules).' });
  return { idc: base, endpoint };
}

let environments: Record<RuleSubject, Environment> | undefined;

/** The CEL environment of a subject, built once. */
export function ruleEnvironment(subject: RuleSubject): Environment {
  environments ??= buildEnvironments();
  return environments[subject];
}

const convertedAlerts = new WeakMap<readonly AlertFact[], CelAlert[]>();

function labels(values: Readonly<Record<string, string>> | undefined): Map<string, string> {
  return new Map(Object.entries(values ?? {}));
}

const toIdc = (f: IdcFact) =>
  new CelIdc(
    f.name,
    f.region ?? '',
    f.state,
    BigInt(Math.round(f.score)),
    f.healthyRatio,
    f.healthyCapacity,
    f.capacity,
    f.weight,
    labels(f.labels),
  );
const toService = (f: ServiceFact) => new CelService(f.name, labels(f.labels));
const toEndpoint = (f: EndpointFact) =>
  new CelEndpoint(f.id, f.name, f.idc, f.state, BigInt(Math.round(f.score)), labels(f.labels));
const toAlert = (f: AlertFact) =>
  new CelAlert(
    f.name,
    f.status,
    labels(f.labels),
    labels(f.annotations),
    f.service ?? '',
    f.idc ?? '',
    f.endpoint ?? '',
    new Date(f.startsAt),
  );

/**
 * The CEL context of one evaluation. Throws on facts that cannot be converted (e.g. a NaN score);
 * evaluateRule catches that.
 */
export function celContext(facts: RuleFacts, subject: RuleSubject): Record<string, unknown> {
  const context: Record<string, unknown> = {
    idc: toIdc(facts.idc),
    service: toService(facts.service),
    alerts: alertValues(facts.alerts),
    now: new Date(facts.now),
  };
  if (subject === 'endpoint') {
    if (!facts.endpoint) throw new Error('no endpoint fact for an endpoint rule');
    context.endpoint = toEndpoint(facts.endpoint);
  }
  return context;
}

function alertValues(alerts: readonly AlertFact[]): CelAlert[] {
  let values = convertedAlerts.get(alerts);
  if (!values) {
    values = alerts.map(toAlert);
    convertedAlerts.set(alerts, values);
  }
  return values;
}
