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
  | { type: 'pagerduty'; name: string; url: string; routingKey: string; severity?: Severity };

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
