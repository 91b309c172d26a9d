import { formatPath } from './path';
import { anyConfigSchemas, VigilConfig } from './schema';
import { isSecret } from './secret-types';

/**
 * Where each secret of a config is sent, by secret id (see SecretLocation.id), as a short text that
 * changes whenever the receiver may change:
 * - a check's secret header: the origins (scheme://host:port) of every endpoint of its service, since
 *   a check runs against all of them, and whether the TLS certificate is verified;
 * - a webhook channel's `secret` and a PagerDuty `routingKey`: the channel's `url`;
 * - a webhook traffic manager's `secret`: its `url`.
 * Secrets that are their own destination (a Slack `webhookUrl`) or are never sent (`alerts.signingSecret`
 * checks inbound requests) have none. `config` is taken with the current defaults applied, so a document
 * stored by an older version compares with the same defaults.
 */
export function secretDestinations(config: VigilConfig): Map<string, string> {
  const parsed = anyConfigSchemas.config.safeParse(config);
  const doc = parsed.success ? parsed.data : config;
  const out = new Map<string, string>();
  for (const service of doc.services ?? []) {
    const at = ['services', { name: service.name }] as const;
    const tm = service.trafficManager;
    if (tm?.type === 'webhook') out.set(formatPath([...at, 'trafficManager', 'secret']), tm.url);
    for (const check of service.checks ?? []) {
      if (check.type !== 'http' && check.type !== 'https') continue;
      const origins = [...new Set(service.endpoints.map((e) => originOf(check.type, e)))].sort();
      const where = `${origins.join(' ')}${check.http.tlsVerify === false ? ' (tlsVerify: false)' : ''}`;
      for (const [header, value] of Object.entries(check.http.headers ?? {})) {
        if (isSecret(value))
          out.set(formatPath([...at, 'checks', { name: check.name }, 'http', 'headers', header]), where);
      }
    }
  }
  for (const channel of doc.channels ?? []) {
    const at = ['channels', { name: channel.name }] as const;
    if (channel.type === 'webhook') out.set(formatPath([...at, 'secret']), channel.url);
    if (channel.type === 'pagerduty') out.set(formatPath([...at, 'routingKey']), channel.url);
  }
  return out;
}

/** The origin an http check reaches on an endpoint, as the probe builds it (libs/probes httpRequestTarget). */
function originOf(type: 'http' | 'https', endpoint: { url?: string; address?: string }): string {
  const text = endpoint.url ?? `${type}://${endpoint.address ?? ''}`;
  return URL.canParse(text) ? new URL(text).origin : text;
}
