import { parseDuration, type AnySecret } from '@libs/config';
import { AdapterLog, TrafficAdapter } from './adapter';
import { LogAdapter } from './log-adapter';
import { WebhookAdapter, WebhookAdapterOptions } from './webhook-adapter';

/**
 * A service's `trafficManager` from the config, validated (defaults applied or not), with its secret in
 * any form (user, stored or redacted config all fit).
 */
export type TrafficManagerSpec =
  { type: 'log' } | { type: 'webhook'; url: string; secret?: AnySecret; timeout?: string };

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
 * variable or key fails when the adapter is built, not in the middle of a shift.
 * @throws Error when the secret cannot be opened, or on an unknown type.
 */
export function createAdapter(spec: TrafficManagerSpec, deps: AdapterDeps): TrafficAdapter {
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
    default: {
      const unknown: { type?: unknown } = spec;
      throw new Error(`unknown traffic manager type ${JSON.stringify(unknown.type)}`);
    }
  }
}
