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
    ])
    .describe('The traffic manager adapter. Default {type: log} (weights are only logged).');
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
