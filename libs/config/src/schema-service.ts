import { z } from 'zod';
import { defaultEndpointName } from './endpoint';
import { AnySecret } from './secret-types';
import { checkSchema } from './schema-checks';
import {
  addressSchema,
  durationSchema,
  endpointNameSchema,
  httpUrlSchema,
  labelsSchema,
  nameSchema,
  weightsSchema,
} from './schema-primitives';

/** An endpoint: one node of the service in one IDC, probed at its url or address. */
export const endpointSchema = z
  .strictObject({
    idc: nameSchema('IDC').describe('The IDC this endpoint runs in.'),
    name: endpointNameSchema.optional(),
    url: httpUrlSchema('Target URL (http/https checks). Exactly one of url or address.').optional(),
    address: addressSchema.optional(),
    capacity: z.number().gt(0).finite().default(1).describe('Relative capacity of this endpoint. Default 1.'),
    labels: labelsSchema.prefault({}),
  })
  .superRefine((endpoint, ctx) => {
    const hasUrl = endpoint.url !== undefined;
    const hasAddress = endpoint.address !== undefined;
    if (hasUrl && hasAddress)
      ctx.addIssue({ code: 'custom', message: 'expected one of url or address, not both' });
    if (!hasUrl && !hasAddress) ctx.addIssue({ code: 'custom', message: 'expected one of url or address' });
  })
  .transform((endpoint) => ({ ...endpoint, name: endpoint.name ?? defaultEndpointName(endpoint) }))
  .describe('An endpoint of the service in one IDC.');

/** Where traffic weights are applied: a signed webhook to a GSLB/DNS/LB, or only logged. */
export function trafficManagerSchema<S extends AnySecret>(secret: z.ZodType<S, S>) {
  return z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('webhook'),
        url: httpUrlSchema('Receives weight changes as signed JSON.'),
        secret: secret.optional().describe('HMAC key used to sign each request.'),
        timeout: durationSchema('Request timeout. Default 5s.').default('5s'),
      }),
      z.strictObject({ type: z.literal('log') }),
      haproxySchema,
      powerDnsSchema(secret),
    ])
    .describe('The traffic manager adapter. Default {type: log} (weights are only logged).');
}

/**
 * The traffic managers whose adapter can take single endpoints out of rotation: a `drain-endpoint`
 * rule or API call for a service with another is refused (its adapter's `drainsEndpoints` agrees).
 */
export const DRAINING_TRAFFIC_MANAGERS: ReadonlySet<string> = new Set(['log', 'webhook', 'haproxy']);

/** The traffic managers Vigil reads back (after each step, and periodically to see drift). */
export const READABLE_TRAFFIC_MANAGERS: ReadonlySet<string> = new Set(['haproxy', 'powerdns']);

/** `unix:/absolute/path` or `tcp://host:port`: where an HAProxy Runtime API listens. */
const runtimeApiSchema = z
  .string()
  .regex(/^(unix:\/\S+|tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][-A-Za-z0-9.]*):\d{1,5})$/, {
    error: 'must be unix:/path/to/admin.sock or tcp://host:port',
  })
  .describe('An HAProxy Runtime API (stats socket with level admin).');

/** HAProxy's names: letters, digits and `-_.:` (what its config parser accepts for proxies and servers). */
const haproxyNameSchema = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: `must be an HAProxy ${what} name (letters, digits, -_.:)` })
    .describe(`An HAProxy ${what} name.`);

const haproxySchema = z
  .strictObject({
    type: z.literal('haproxy'),
    runtimeApi: z
      .union([runtimeApiSchema, z.array(runtimeApiSchema).min(1).max(16)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .describe('The Runtime API of each HAProxy instance serving the service (all get every change).'),
    backend: haproxyNameSchema('backend').describe("The backend whose servers are the service's endpoints."),
    servers: z
      .record(z.string(), haproxyNameSchema('server'))
      .optional()
      .describe(
        'Server name per endpoint name, where they differ. Default: the server is named like the endpoint.',
      ),
    timeout: durationSchema('Deadline of one change or read on one instance. Default 2s.').default('2s'),
  })
  .describe(
    "HAProxy through its Runtime API: an IDC weight becomes its servers' weights (in proportion to their capacity); drain-endpoint puts a server into drain.",
  );

function powerDnsSchema<S extends AnySecret>(secret: z.ZodType<S, S>) {
  return z
    .strictObject({
      type: z.literal('powerdns'),
      url: httpUrlSchema('The PowerDNS Authoritative HTTP API, e.g. http://127.0.0.1:8081.'),
      apiKey: secret.describe('The API key (X-API-Key).'),
      serverId: z
        .string()
        .min(1)
        .max(63)
        .default('localhost')
        .describe('The API server id. Default localhost.'),
      zone: z
        .string()
        .regex(/^([A-Za-z0-9_-]+\.)+$/, { error: 'must be a zone name ending in a dot, e.g. "example.org."' })
        .describe('The zone holding the record.'),
      name: z
        .string()
        .regex(/^([A-Za-z0-9_*-]+\.)+$/, {
          error: 'must be a record name ending in a dot, e.g. "live.example.org."',
        })
        .describe('The record Vigil writes: a LUA record answering with one IDC address picked by weight.'),
      recordType: z.enum(['A', 'AAAA']).default('A').describe('The answer type. Default A.'),
      selector: z
        .enum(['pickwrandom', 'pickwhashed'])
        .default('pickwrandom')
        .describe(
          'pickwrandom: a weighted random address per query; pickwhashed: weighted, sticky per resolver address.',
        ),
      ttl: durationSchema(
        'TTL of the answers: a shift takes full effect only after it. Default 30s.',
        '1s',
      ).default('30s'),
      addresses: z
        .record(nameSchema('IDC'), z.array(z.ipv4().or(z.ipv6())).min(1).max(64))
        .describe('The addresses answered for each IDC of the service (its VIPs).'),
      timeout: durationSchema('Deadline of one API request. Default 5s.').default('5s'),
    })
    .describe('PowerDNS Authoritative through its HTTP API: weighted answers from a LUA record.');
}

/** Guardrails for automatic traffic shifts (see docs/architecture.md, "Planning a shift"). */
export const policySchema = z
  .strictObject({
    maxUtilization: z
      .number()
      .gt(0)
      .max(1)
      .default(0.8)
      .describe('Never load a receiver above this. Default 0.8.'),
    maxStepPercent: z
      .number()
      .min(1)
      .max(100)
      .default(25)
      .describe('Max % of traffic moved per step. Default 25.'),
    stepInterval: durationSchema('Wait between steps (receivers are re-checked). Default 30s.', '1s').default(
      '30s',
    ),
    panicThreshold: z
      .number()
      .min(0)
      .lt(1)
      .default(0.5)
      .describe('Below this healthy-capacity ratio across IDCs: fail static, no shift. Default 0.5.'),
    cooldown: durationSchema('Minimum time between two automatic actions. Default 5m.').default('5m'),
    maxActionsPerHour: z.int().min(1).default(6).describe('Default 6.'),
    recoveryHold: durationSchema('An IDC must stay healthy this long before failback. Default 5m.').default(
      '5m',
    ),
    degradedBelow: z
      .number()
      .gt(0)
      .max(1)
      .default(0.9)
      .describe('Healthy-capacity ratio below which DEGRADED. Default 0.9.'),
    unhealthyBelow: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe('Healthy-capacity ratio below which UNHEALTHY; less than degradedBelow. Default 0.5.'),
    quorum: z
      .int()
      .min(1)
      .optional()
      .describe('Vantages that must agree. Default: a majority of live vantages.'),
    flapping: z
      .strictObject({
        maxTransitions: z
          .int()
          .min(1)
          .default(5)
          .describe('Transitions within window that mean flapping. Default 5.'),
        window: durationSchema('Default 5m.').default('5m'),
        hold: durationSchema('How long a flapping state is held. Default 2m.').default('2m'),
      })
      .prefault({})
      .describe(
        'Flap damping: holds a flapping endpoint out of HEALTHY (never out of UNHEALTHY) until stable.',
      ),
    failbackBackoff: z
      .strictObject({
        window: durationSchema(
          'Outages of the same (service, IDC) within this window lengthen the hold before failback. Default 1h.',
        ).default('1h'),
        maxHold: durationSchema(
          'The backed-off hold never exceeds this (nor falls below recoveryHold). Default 1h.',
        ).default('1h'),
      })
      .prefault({})
      .describe(
        'Failback backs off: the hold before failback is recoveryHold x 2^(n-1) for the n-th outage of the ' +
          '(service, IDC) within window, capped at maxHold.',
      ),
  })
  .describe('Guardrails for automatic traffic shifts; every field has a default.');

/** A service: endpoints in several IDCs, the checks run against them, and how its traffic may move. */
export function serviceSchema<S extends AnySecret>(secret: z.ZodType<S, S>) {
  return z
    .strictObject({
      name: nameSchema('Service'),
      labels: labelsSchema.prefault({}),
      endpoints: z.array(endpointSchema).min(1).describe('Endpoints of the service, in one or more IDCs.'),
      checks: z.array(checkSchema(secret)).min(1).describe('Health checks run against every endpoint.'),
      weights: weightsSchema
        .optional()
        .describe('Baseline weight per IDC. Default: weight 1 on every IDC where the service has endpoints.'),
      trafficManager: trafficManagerSchema(secret).prefault({ type: 'log' }),
      policy: policySchema.prefault({}),
    })
    .describe('A service deployed in several IDCs.');
}
