import { z } from 'zod';
import { AnySecret, PlainSecret, SealedSecret, SecretRef } from './secret-types';
import { labelsSchema, nameSchema, secretSchema } from './schema-primitives';
import { endpointSchema, policySchema, serviceSchema } from './schema-service';
import { checkSchema } from './schema-checks';
import { ruleSchema } from './schema-rules';
import { alertsSchema, channelSchema, notificationsSchema } from './schema-notify';

export const API_VERSION = 'vigil/v1';

const idcSchema = z
  .strictObject({
    name: nameSchema('IDC').describe('IDC name, e.g. "sha". Also the prober vantage name (VIGIL_VANTAGE).'),
    region: z.string().min(1).max(63).optional().describe('Free-form region, e.g. "cn-east".'),
    capacity: z.number().gt(0).finite().describe('Capacity in abstract units (e.g. Gbps or rps).'),
    labels: labelsSchema.prefault({}),
  })
  .describe('An IDC: a data centre, region or edge PoP.');

/**
 * Builds every schema of the config file around one secret-field schema. The same shape serves user
 * input (secretRef | value), stored configs (secretRef | sealed) and both (serialization).
 */
function buildSchemas<S extends AnySecret>(secret: z.ZodType<S, S>) {
  const service = serviceSchema(secret);
  const check = checkSchema(secret);
  const channel = channelSchema(secret);
  const alerts = alertsSchema(secret);
  const config = z
    .strictObject({
      apiVersion: z.literal(API_VERSION).describe('Always "vigil/v1".'),
      idcs: z.array(idcSchema).min(1).describe('Data centres, regions or edge PoPs.'),
      services: z.array(service).prefault([]).describe('Services and how they are checked and shifted.'),
      rules: z.array(ruleSchema).prefault([]).describe('Rules: conditions and the actions they take.'),
      channels: z.array(channel).prefault([]).describe('Notification channels.'),
      notifications: notificationsSchema.prefault({}),
      alerts: alerts.prefault({}),
    })
    .describe("Vigil's declarative configuration: the whole desired state.");
  return { config, service, check, channel, alerts, notifications: notificationsSchema };
}

/** Schemas for what users submit. */
export const configSchemas = buildSchemas(secretSchema<SecretRef | PlainSecret>(['secretRef', 'value']));
/** Schemas for what is persisted (after sealSecrets). */
export const storedConfigSchemas = buildSchemas(
  secretSchema<SecretRef | SealedSecret>(['secretRef', 'sealed']),
);
/** Schemas accepting every secret form (serialization of either). */
export const anyConfigSchemas = buildSchemas(secretSchema<AnySecret>(['secretRef', 'value', 'sealed']));

/** The user-facing config schema: the validator and the source of the published JSON Schema. */
export const configSchema = configSchemas.config;
export { idcSchema, endpointSchema, policySchema, ruleSchema };

/** A validated config as users write it, defaults applied. */
export type Config = z.output<typeof configSchema>;
/** A config as persisted: no plaintext secrets. */
export type StoredConfig = z.output<typeof storedConfigSchemas.config>;
/** Either of the above. */
export type AnyConfig = z.output<typeof anyConfigSchemas.config>;
/** What users may write (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;

export type Idc = z.output<typeof idcSchema>;
export type Service = Config['services'][number];
export type Endpoint = z.output<typeof endpointSchema>;
export type Check = Service['checks'][number];
export type Policy = z.output<typeof policySchema>;
export type TrafficManager = Service['trafficManager'];
export type Rule = z.output<typeof ruleSchema>;
export type RuleAction = Rule['actions'][number];
export type Channel = Config['channels'][number];
export type NotificationSettings = Config['notifications'];
export type NotificationRoute = NotificationSettings['routes'][number];
export type AlertSettings = Config['alerts'];

/** Any config document Vigil handles (validated, stored or redacted): secrets in any form. */
export type VigilConfig = AnyConfig;
