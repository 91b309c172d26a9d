import type { Notice } from '@libs/domain';
import { pagerDutyRequest } from './pagerduty-format';
import { slackRequest } from './slack-format';
import { consoleLinks } from './console-links';
import { larkRequest } from './lark-format';
import { opsgenieRequest } from './opsgenie-format';
import type { HttpChannelTarget, OutboundRequest } from './target';
import { teamsRequest } from './teams-format';
import { webhookRequest } from './webhook-format';

export interface BuildOptions {
  /** The delivery's key (one notice to one channel): webhook `Idempotency-Key` and body `id`. */
  idempotencyKey: string;
  /** Epoch ms the request is signed at (webhooks with a secret, Lark). Build again for each attempt. */
  nowMs: number;
  /** VIGIL_EXTERNAL_URL: when set, the request links to the console pages of the notice (consoleLinks). */
  externalUrl?: string;
}

/**
 * The HTTP request that delivers `notice` to `target`, in that channel's format (see webhook-format.ts,
 * slack-format.ts, pagerduty-format.ts, opsgenie-format.ts, teams-format.ts, lark-format.ts), with links to the console when `opts.externalUrl` is set. Pure but for the clock in `opts`. Throws a non-retryable
 * DeliveryError only when the channel cannot take the notice at all (a PagerDuty change event to a url
 * not ending in /enqueue).
 */
export function buildRequest(target: HttpChannelTarget, notice: Notice, opts: BuildOptions): OutboundRequest {
  const links = consoleLinks(opts.externalUrl, notice);
  switch (target.type) {
    case 'webhook':
      return webhookRequest(target, notice, { ...opts, links });
    case 'slack':
      return slackRequest(target, notice, links);
    case 'pagerduty':
      return pagerDutyRequest(target, notice, links);
    case 'opsgenie':
      return opsgenieRequest(target, notice, links);
    case 'teams':
      return teamsRequest(target, notice, links);
    case 'lark':
      return larkRequest(target, notice, { nowMs: opts.nowMs, ...(links ? { links } : {}) });
  }
}
