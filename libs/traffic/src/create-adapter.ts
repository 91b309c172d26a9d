import { parseDuration, type AnySecret } from '@libs/config';
import { AdapterEndpoint, AdapterLog, TrafficAdapter } from './adapter';
import { HaproxyAdapter } from './haproxy/haproxy-adapter';
import { LogAdapter } from './log-adapter';
import { PowerDnsAdapter } from './powerdns/powerdns-adapter';
import { WebhookAdapter, WebhookAdapterOptions } from './webhook-adapter';

/**
 * A service's `trafficManager` from the config, validated (defaults applied or not), with its secret in
 * any form (user, stored or redacted config all fit).
 */
export type TrafficManagerSpec =
  | { type: 'log' }
  | { type: 'webhook'; url: string; secret?: AnySecret; timeout?: string }
  | {
      type: 'haproxy';
      runtimeApi: readonly string[];
      backend: string;
      servers?: Readonly<Record<string, string>>;
      timeout?: string;
    }
  | {
      type: 'powerdns';
      url: string;
      apiKey: AnySecret;
      serverId?: string;
      zone: string;
      name: string;
      recordType?: 'A' | 'AAAA';
      selector?: 'pickwrandom' | 'pickwhashed';
      ttl?: string;
      addresses: Readonly<Record<string, readonly string[]>>;
      timeout?: string;
    };

export interface AdapterDeps {
  /** Opens a secret, e.g. `(s) => openSecret(s, env, process.env)`. */
  secret: (secret: AnySecret) => string;
  log?: AdapterLog;
  /** Overrides for the webhook adapter's retry policy (tests, benchmarks). */
  webhook?: Omit<WebhookAdapterOptions, 'url' | 'secret' | 'log'>;
  /** Changes the log adapter keeps. Default 100. */
  logLimit?: number;
}

/**
 * The adapter for a service's `trafficManager` config. The secret is opened here, so a missing
 * variable or key fails when the adapter is built, not in the middle of a shift. `endpoints` are the
 * service's (adapters with endpoint-level weights map them to servers).
 * @throws Error when the secret cannot be opened, or on an unknown type.
 */
export function createAdapter(
  spec: TrafficManagerSpec,
  deps: AdapterDeps,
  endpoints: readonly AdapterEndpoint[] = [],
): TrafficAdapter {
  switch (spec.type) {
    case 'log':
      return new LogAdapter({ log: deps.log, limit: deps.logLimit });
    case 'webhook':
      return new WebhookAdapter({
        ...deps.webhook,
        url: spec.url,
        secret: spec.secret === undefined ? undefined : deps.secret(spec.secret),
        ...(spec.timeout === undefined ? {} : { timeoutMs: parseDuration(spec.timeout) }),
        log: deps.log,
      });
    case 'haproxy':
      return new HaproxyAdapter({
        runtimeApi: spec.runtimeApi,
        backend: spec.backend,
        endpoints,
        servers: spec.servers,
        ...(spec.timeout === undefined ? {} : { timeoutMs: parseDuration(spec.timeout) }),
        log: deps.log,
      });
    case 'powerdns':
      return new PowerDnsAdapter({
        url: spec.url,
        apiKey: deps.secret(spec.apiKey),
        serverId: spec.serverId ?? 'localhost',
        zone: spec.zone,
        name: spec.name,
        recordType: spec.recordType ?? 'A',
        selector: spec.selector ?? 'pickwrandom',
        ttlSeconds: Math.round(parseDuration(spec.ttl ?? '30s') / 1000),
        addresses: spec.addresses,
        ...(spec.timeout === undefined ? {} : { timeoutMs: parseDuration(spec.timeout) }),
        log: deps.log,
      });
    default: {
      const unknown: { type?: unknown } = spec;
      throw new Error(`unknown traffic manager type ${JSON.stringify(unknown.type)}`);
    }
  }
}
