import type { Notice } from '@libs/domain';
import { signatureHeaders } from '@libs/traffic';
import type { ConsoleLinks } from './console-links';
import type { ChannelTarget, OutboundRequest } from './target';
import { USER_AGENT } from './target';
import { iso } from './text';

type WebhookTarget = Extract<ChannelTarget, { type: 'webhook' }>;

/** Version of the webhook body below: a contract with receivers, bumped on any breaking change. */
export const WEBHOOK_VERSION = '1';

/** What a webhook channel receives (JSON). */
export interface WebhookBody {
  version: typeof WEBHOOK_VERSION;
  /** The delivery's idempotency key (also the `Idempotency-Key` header): the same on every retry. */
  id: string;
  /** The notice's id: the same for every channel the notice goes to. */
  notice: string;
  /** Shared by an incident's trigger, reminders and resolve. */
  incidentKey: string;
  event: Notice['event'];
  phase: Notice['phase'];
  status: 'firing' | 'resolved';
  /** True when a resolve will follow; false for one-shot notices (actions, panic). */
  resolvable: boolean;
  severity: Notice['severity'];
  title: string;
  text: string;
  labels: Record<string, string>;
  details: Record<string, unknown>;
  /** When it happened (ISO 8601, UTC). */
  at: string;
  /**
   * Links into the web console, only when Vigil runs with VIGIL_EXTERNAL_URL: `console` is the page of
   * the notice's most specific subject (its action, else its endpoint, else its service for a traffic
   * drift, else its incident); `service`
   * the service's page when the notice has one. Absent otherwise (added in version 1: receivers must
   * ignore fields they do not know).
   */
  links?: ConsoleLinks;
}

/**
 * A webhook channel's request: the notice as JSON (with `links` when given), with `Idempotency-Key` and, when the channel has a
 * secret, `X-Vigil-Timestamp` / `X-Vigil-Signature` over the exact body, signed at `nowMs`.
 */
export function webhookRequest(
  target: WebhookTarget,
  notice: Notice,
  opts: { idempotencyKey: string; nowMs: number; links?: ConsoleLinks },
): OutboundRequest {
  const payload: WebhookBody = {
    version: WEBHOOK_VERSION,
    id: opts.idempotencyKey,
    notice: notice.id,
    incidentKey: notice.incidentKey,
    event: notice.event,
    phase: notice.phase,
    status: notice.phase === 'resolve' ? 'resolved' : 'firing',
    resolvable: notice.resolvable,
    severity: notice.severity,
    title: notice.title,
    text: notice.text,
    labels: notice.labels,
    details: notice.details,
    at: iso(notice.at),
    ...(opts.links ? { links: opts.links } : {}),
  };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'Idempotency-Key': opts.idempotencyKey,
    ...(target.secret === undefined ? {} : signatureHeaders(target.secret, body, opts.nowMs)),
  };
  return { url: target.url, headers, body };
}
