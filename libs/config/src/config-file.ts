/** Public API of Vigil's declarative config file (re-exported by index.ts). */
export { API_VERSION, configSchema, policySchema, storedConfigSchemas } from './schema';
export { DRAINING_TRAFFIC_MANAGERS, READABLE_TRAFFIC_MANAGERS } from './schema-service';
export { defaultSmtpPort, SMTP_TLS_MODES, type SmtpTlsMode } from './schema-notify';
export type {
  AlertSettings,
  AnyConfig,
  Channel,
  NotificationRoute,
  NotificationSettings,
  Check,
  Config,
  ConfigInput,
  Endpoint,
  Idc,
  Policy,
  Rule,
  RuleAction,
  Service,
  StoredConfig,
  TrafficManager,
  VigilConfig,
} from './schema';
export { validateConfig, type ValidationResult } from './validate';
export { withCurrentDefaults } from './stored';
export { isWithheldSecret, proberView, readProberView, vantageResealer, type Reseal } from './prober-view';
export {
  isSealedForVantages,
  newProberKeyPair,
  openForVantage,
  proberPrivateKey,
  proberPublicKey,
  sealForVantages,
} from './vantage-seal';
export type { ConfigIssue } from './path';
export { formatPath } from './path';
export {
  parseConfigText,
  MAX_CONFIG_TEXT_LENGTH,
  type ConfigFormat,
  type ParseIssue,
  type ParseResult,
} from './parse';
export { serializeConfig } from './serialize';
export { MAX_NESTING_DEPTH, jsonNestsDeeperThan } from './nesting';
export {
  planConfig,
  diffConfigs,
  type ConfigPlan,
  type PlanChange,
  type PlanKind,
  type PlanOp,
} from './plan';
export { SECRET_CHANGED, SECRET_MASK, type FieldChange } from './plan-diff';
export { sealSecrets, redactSecrets, openSecret, type SealResult, type SecretEnv } from './secrets';
export {
  checkSecretRefs,
  secretRefPolicy,
  DEFAULT_SECRET_REF_POLICY,
  type SecretRefPolicy,
} from './secret-policy';
export { mapSecrets, visitSecrets, type SecretLocation } from './secret-walk';
export {
  REDACTED,
  isSecret,
  type AnySecret,
  type PlainSecret,
  type SealedSecret,
  type SecretInput,
  type SecretRef,
  type StoredSecret,
} from './secret-types';
export { configJsonSchema, CONFIG_SCHEMA_ID } from './json-schema';
export { parseDuration, formatDuration, isDuration, DURATION_PATTERN } from './duration';
export { endpointTarget, defaultEndpointName, type EndpointTarget } from './endpoint';
export { checkVantages, configVantages, serviceIdcs, serviceWeights, quorumOf } from './resolve';
export { shiftPolicy } from './shift-policy';
