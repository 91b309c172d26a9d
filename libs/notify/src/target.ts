import type { Severity } from '@libs/domain';

/**
 * A notification channel with its secrets opened. The caller opens them (openSecret in @libs/config):
 * this library never sees sealed config, and never puts a secret in an error message.
 */
export type ChannelTarget =
  | { type: 'webhook'; name: string; url: string; secret?: string }
  /** `webhookUrl` is itself a secret (anyone holding it can post to the channel). */
  | { type: 'slack'; name: string; webhookUrl: string }
  /** `url`: the Events API v2 endpoint (…/v2/enqueue); `routingKey` travels in the body. */
  | { type: 'pagerduty'; name: string; url: string; routingKey: string; severity?: Severity }
  /** SMTP submission (see send-email.ts); `password` is the secret. */
  | EmailTarget
  /** Opsgenie Alert API v2 at `apiUrl` (https://api.opsgenie.com, or …eu… for the EU instance). */
  | { type: 'opsgenie'; name: string; apiUrl: string; apiKey: string }
  /** A Teams Workflows webhook: `webhookUrl` is itself a secret. */
  | { type: 'teams'; name: string; webhookUrl: string }
  /** A Lark / Feishu custom bot: `webhookUrl` is a secret, and so is `signingSecret` (signs each request). */
  | { type: 'lark'; name: string; webhookUrl: string; signingSecret?: string };

/** How the SMTP connection is secured: STARTTLS (required), TLS from the first byte, or none. */
export type SmtpTls = 'starttls' | 'implicit' | 'none';

export interface EmailTarget {
  type: 'email';
  name: string;
  host: string;
  port: number;
  tls: SmtpTls;
  /** Extra CA certificates (PEM) to trust besides the system's, for a relay with a private CA. */
  ca?: string;
  /** AUTH credentials: both or neither. */
  username?: string;
  password?: string;
  from: string;
  to: readonly string[];
}

/** The channels reached over HTTP: one POST per delivery (buildRequest, sendRequest). */
export type HttpChannelTarget = Exclude<ChannelTarget, { type: 'email' }>;

export type ChannelType = ChannelTarget['type'];

/** One HTTP POST, ready to send: the exact body that is sent (and, for webhooks, signed). */
export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Sent as `User-Agent` to every channel. */
export const USER_AGENT = 'vigil';

/** How errors name a channel, e.g. `slack channel "ops"`: never its URL, which may be a secret. */
export function channelLabel(target: Pick<ChannelTarget, 'type' | 'name'>): string {
  return `${target.type} channel "${target.name}"`;
}
