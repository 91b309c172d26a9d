import { createHash } from 'node:crypto';
import { formatPath } from './path';
import { anyConfigSchemas, VigilConfig } from './schema';
import { defaultSmtpPort } from './schema-notify';
import { AnySecret, isSealedSecret, isSecret, isSecretRef } from './secret-types';

/**
 * Names a secret that is itself a destination (a Lark webhook URL) without its value: the variable of
 * a secretRef, the fingerprint of a sealed one. `id` is where it sits (SecretLocation.id), so a caller
 * can name a redacted one by the stored secret it stands for.
 */
export type DescribeSecret = (secret: AnySecret, id: string) => string;

/** Without a sealing key: a plain value is never the same destination as anything stored. */
const describeStored: DescribeSecret = (secret) =>
  isSecretRef(secret)
    ? `$${secret.secretRef}`
    : isSealedSecret(secret)
      ? `sealed ${secret.fingerprint}`
      : 'plain';

/**
 * Where each secret of a config is sent, by secret id (see SecretLocation.id), as a short text that
 * changes whenever the receiver may change:
 * - a check's secret header: the origins (scheme://host:port) of every endpoint of its service, since
 *   a check runs against all of them, and whether the TLS certificate is verified;
 * - a webhook channel's `secret` and a PagerDuty `routingKey`: the channel's `url`;
 * - a webhook traffic manager's `secret`: its `url`;
 * - an email `password`: the SMTP server (`smtp://host:port`), the TLS mode and the extra CA trusted;
 * - an Opsgenie `apiKey`: the channel's `apiUrl`;
 * - a Lark `signingSecret`: the channel's `webhookUrl`, itself a secret, named by `describe`.
 * Secrets that are their own destination (a Slack, Teams or Lark `webhookUrl`) or are never sent
 * (`alerts.signingSecret` checks inbound requests) have none. `config` is taken with the current
 * defaults applied, so a document stored by an older version compares with the same defaults.
 */
export function secretDestinations(
  config: VigilConfig,
  describe: DescribeSecret = describeStored,
): Map<string, string> {
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
    if (channel.type === 'opsgenie') out.set(formatPath([...at, 'apiKey']), channel.apiUrl);
    if (channel.type === 'email' && channel.password !== undefined) {
      const port = channel.port ?? defaultSmtpPort(channel.tls);
      const ca = channel.ca
        ? ` ca ${createHash('sha256').update(channel.ca).digest('hex').slice(0, 16)}`
        : '';
      out.set(formatPath([...at, 'password']), `smtp://${channel.host}:${port} (${channel.tls})${ca}`);
    }
    if (channel.type === 'lark' && channel.signingSecret !== undefined) {
      const url = describe(channel.webhookUrl, formatPath([...at, 'webhookUrl']));
      out.set(formatPath([...at, 'signingSecret']), `webhookUrl ${url}`);
    }
  }
  return out;
}

/** The origin an http check reaches on an endpoint, as the probe builds it (libs/probes httpRequestTarget). */
function originOf(type: 'http' | 'https', endpoint: { url?: string; address?: string }): string {
  const text = endpoint.url ?? `${type}://${endpoint.address ?? ''}`;
  return URL.canParse(text) ? new URL(text).origin : text;
}
