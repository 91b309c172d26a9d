/** Traffic-manager adapters: how Vigil applies weight changes (see adapter.ts for the contract). */
export {
  checkWeightChange,
  FENCING_TOKEN_HEADER,
  WEIGHT_SUM_TOLERANCE,
  type AdapterCheck,
  type AdapterEndpoint,
  type AdapterLog,
  type ReadBack,
  type AdapterResult,
  type Fence,
  type TrafficAdapter,
  type WeightChange,
} from './adapter';
export {
  checkTimestamp,
  headerValue,
  matchesAny,
  signBody,
  signatureHeaders,
  verifySignature,
  DEFAULT_TOLERANCE_S,
  SIGNATURE_HEADER,
  SIGNATURE_PREFIX,
  TIMESTAMP_HEADER,
  type HeaderBag,
  type VerifyResult,
} from './signature';
export {
  WebhookAdapter,
  parseRetryAfter,
  DETAIL_BODY_CHARS,
  type WebhookAdapterOptions,
} from './webhook-adapter';
export { LogAdapter, type LogAdapterOptions, type RecordedChange } from './log-adapter';
export { createAdapter, type AdapterDeps, type TrafficManagerSpec } from './create-adapter';
export { readBackMismatch, type ExpectedTraffic } from './read-back';
export { HaproxyAdapter, type HaproxyAdapterOptions } from './haproxy/haproxy-adapter';
export { PowerDnsAdapter, type PowerDnsAdapterOptions } from './powerdns/powerdns-adapter';
