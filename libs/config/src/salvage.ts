import { z } from 'zod';
import {
  AlertSettings,
  Channel,
  Check,
  Config,
  configSchemas,
  Endpoint,
  endpointSchema,
  Idc,
  idcSchema,
  NotificationRoute,
  Policy,
  policySchema,
  Rule,
  ruleSchema,
  TrafficManager,
} from './schema';
import { alertLabelsSchema, routeSchema } from './schema-notify';
import { weightsSchema } from './schema-primitives';
import { isPlainObject } from './tree';

/** A service as far as it could be parsed; holes (undefined) mark elements that failed the schema. */
export interface PartialService {
  name?: string;
  endpoints: Array<Endpoint | undefined>;
  checks: Array<Check | undefined>;
  /** IDC names of all endpoints as written, also those that failed the schema. */
  endpointIdcs: string[];
  weights?: Record<string, number>;
  policy?: Policy;
  /** The traffic manager when it parses. */
  trafficManager?: TrafficManager;
}

/**
 * The config as far as it could be parsed, so that semantic checks can still run when some parts
 * failed the schema. `names` hold the names as written (index-aligned), for uniqueness and references.
 */
export interface PartialConfig {
  idcs: Array<Idc | undefined>;
  services: Array<PartialService | undefined>;
  rules: Array<Rule | undefined>;
  channels: Array<Channel | undefined>;
  names: Record<'idcs' | 'services' | 'rules' | 'channels', Array<string | undefined>>;
  /** False when `channels` is written but is not a list: channel references cannot be checked then. */
  channelsListed: boolean;
  /** `notifications.routes`, each parsed on its own (also when other notification settings are broken). */
  routes: Array<NotificationRoute | undefined>;
  /** `alerts.labels` when it parses (defaults applied). */
  alertLabels?: AlertSettings['labels'];
}

/** A fully parsed config seen as a PartialConfig (no holes). */
export function partialFromConfig(config: Config): PartialConfig {
  return {
    idcs: config.idcs,
    services: config.services.map((s) => ({ ...s, endpointIdcs: s.endpoints.map((e) => e.idc) })),
    rules: config.rules,
    channels: config.channels,
    names: {
      idcs: config.idcs.map((x) => x.name),
      services: config.services.map((x) => x.name),
      rules: config.rules.map((x) => x.name),
      channels: config.channels.map((x) => x.name),
    },
    channelsListed: true,
    routes: config.notifications.routes,
    alertLabels: config.alerts.labels,
  };
}

/** Parses every element of every list on its own, keeping what parses. */
export function salvageConfig(raw: unknown): PartialConfig {
  const root = isPlainObject(raw) ? raw : {};
  return {
    idcs: parseEach(root.idcs, idcSchema),
    services: asList(root.services).map(salvageService),
    rules: parseEach(root.rules, ruleSchema),
    channels: parseEach(root.channels, configSchemas.channel),
    names: {
      idcs: namesOf(root.idcs),
      services: namesOf(root.services),
      rules: namesOf(root.rules),
      channels: namesOf(root.channels),
    },
    channelsListed: root.channels === undefined || Array.isArray(root.channels),
    routes: parseEach(field(root.notifications, 'routes'), routeSchema),
    alertLabels: tryParse(alertLabelsSchema, field(root.alerts, 'labels') ?? {}),
  };
}

/** `object[key]` when `object` is a plain object. */
function field(object: unknown, key: string): unknown {
  return isPlainObject(object) ? object[key] : undefined;
}

function salvageService(raw: unknown): PartialService | undefined {
  if (!isPlainObject(raw)) return undefined;
  const endpoints = asList(raw.endpoints);
  return {
    name: typeof raw.name === 'string' ? raw.name : undefined,
    endpoints: parseEach(endpoints, endpointSchema),
    checks: parseEach(raw.checks, configSchemas.check),
    endpointIdcs: endpoints.flatMap((e) => (isPlainObject(e) && typeof e.idc === 'string' ? [e.idc] : [])),
    weights: raw.weights === undefined ? undefined : tryParse(weightsSchema, raw.weights),
    policy: tryParse(policySchema, raw.policy ?? {}),
    trafficManager: tryParse(
      configSchemas.service.shape.trafficManager,
      raw.trafficManager ?? { type: 'log' },
    ),
  };
}

function parseEach<T>(list: unknown, schema: z.ZodType<T, unknown>): Array<T | undefined> {
  return asList(list).map((item) => tryParse(schema, item));
}

function tryParse<T>(schema: z.ZodType<T, unknown>, value: unknown): T | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function namesOf(list: unknown): Array<string | undefined> {
  return asList(list).map((item) =>
    isPlainObject(item) && typeof item.name === 'string' ? item.name : undefined,
  );
}
