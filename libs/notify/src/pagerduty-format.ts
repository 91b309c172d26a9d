import { createHash } from 'node:crypto';
import type { Notice } from '@libs/domain';
import type { ConsoleLinks } from './console-links';
import { DeliveryError } from './delivery-error';
import type { ChannelTarget, OutboundRequest } from './target';
import { channelLabel, USER_AGENT } from './target';
import { clip, iso, oneLine } from './text';

type PagerDutyTarget = Extract<ChannelTarget, { type: 'pagerduty' }>;

/** Events API v2 limits: `payload.summary` 1024 characters, `dedup_key` 255. */
export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
/** `client` of alert events: shown in PagerDuty as the monitoring tool. */
export const PAGERDUTY_CLIENT = 'Vigil';

/**
 * Whether a notice goes to PagerDuty as a Change Event rather than an alert: a one-shot info notice
 * (an action proposed or executed...) would open an incident that no resolve ever closes, and a
 * reminder sent as a trigger would reopen an alert a human resolved (PagerDuty pages again by its own
 * escalation policy; the notifier sends it no reminders, this covers a re-sent one).
 */
export function isChangeEvent(notice: Pick<Notice, 'phase' | 'resolvable' | 'severity'>): boolean {
  return notice.phase === 'remind' || (!notice.resolvable && notice.severity === 'info');
}

/**
 * `dedup_key` for an incident key: the key itself, or, past PagerDuty's 255 characters, its start and a
 * SHA-256 of the whole (deterministic, so trigger, reminders and resolve still share it).
 */
export function pagerDutyDedupKey(incidentKey: string): string {
  if (incidentKey.length <= PAGERDUTY_DEDUP_KEY_MAX) return incidentKey;
  const hash = createHash('sha256').update(incidentKey).digest('hex');
  return `${incidentKey.slice(0, PAGERDUTY_DEDUP_KEY_MAX - hash.length - 1)}~${hash}`;
}

/**
 * The Change Events endpoint beside an alert endpoint: the last path segment `enqueue` becomes
 * `change/enqueue` (https://events.pagerduty.com/v2/enqueue → …/v2/change/enqueue); query kept.
 * Undefined when the path does not end in `/enqueue`.
 */
export function changeEventsUrl(alertUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(alertUrl);
  } catch {
    return undefined;
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/enqueue')) return undefined;
  url.pathname = `${path.slice(0, -'enqueue'.length)}change/enqueue`;
  return url.toString();
}

/**
 * A PagerDuty Events API v2 request:
 * - trigger: an alert event `trigger` with `dedup_key` = the incident key (an escalation adds to the
 *   open alert); resolve: `resolve` with the same `dedup_key`;
 * - a reminder or a one-shot info notice (`isChangeEvent`): a Change Event to `…/v2/change/enqueue`.
 * One-shot notices above info (action refused, panic, rule.notify) are alerts no resolve follows: a
 * human resolves them in PagerDuty.
 * With console `links`, triggers and change events carry `links: [{ href, text }]` (the subject's page,
 * then the service's).
 * Throws a non-retryable DeliveryError when a change event is due but `url` does not end in `/enqueue`.
 */
export function pagerDutyRequest(
  target: PagerDutyTarget,
  notice: Notice,
  links?: ConsoleLinks,
): OutboundRequest {
  const headers = { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };
  const summary = clip(oneLine(notice.title), PAGERDUTY_SUMMARY_MAX);
  const source = pagerDutySource(notice.labels);
  const customDetails = { text: notice.text, labels: notice.labels, details: notice.details };
  const linkList = links ? { links: pagerDutyLinks(links) } : {};

  if (notice.phase === 'resolve') {
    const body = {
      routing_key: target.routingKey,
      event_action: 'resolve',
      dedup_key: pagerDutyDedupKey(notice.incidentKey),
    };
    return { url: target.url, headers, body: JSON.stringify(body) };
  }

  if (isChangeEvent(notice)) {
    const url = changeEventsUrl(target.url);
    if (url === undefined) {
      throw new DeliveryError(
        `${channelLabel(target)}: cannot send a change event: the url's path does not end in /enqueue`,
        { retryable: false, code: 'INVALID_REQUEST' },
      );
    }
    const body = {
      routing_key: target.routingKey,
      payload: { summary, source, timestamp: iso(notice.at), custom_details: customDetails },
      ...linkList,
    };
    return { url, headers, body: JSON.stringify(body) };
  }

  const body = {
    routing_key: target.routingKey,
    event_action: 'trigger',
    dedup_key: pagerDutyDedupKey(notice.incidentKey),
    payload: {
      summary,
      source,
      severity: target.severity ?? notice.severity,
      timestamp: iso(notice.at),
      component: notice.labels.service,
      group: notice.labels.idc,
      class: notice.event,
      custom_details: customDetails,
    },
    client: PAGERDUTY_CLIENT,
    ...linkList,
  };
  return { url: target.url, headers, body: JSON.stringify(body) };
}

/** `payload.source` (required: the affected system): `<service>/<idc>`, the service, the vantage, or `vigil`. */
function pagerDutySource(labels: Record<string, string>): string {
  const { service, idc, vantage } = labels;
  if (service !== undefined) return idc === undefined ? service : `${service}/${idc}`;
  if (vantage !== undefined) return `vantage ${vantage}`;
  return 'vigil';
}

/** Events API v2 `links`: the subject's console page, then the service's when it is another page. */
function pagerDutyLinks(links: ConsoleLinks): Array<{ href: string; text: string }> {
  const subject = links.action
    ? 'action'
    : links.endpoint
      ? 'endpoint'
      : links.incident
        ? 'incident'
        : 'service';
  const list = [{ href: links.console, text: `Open the ${subject} in Vigil` }];
  if (links.service && links.service !== links.console)
    list.push({ href: links.service, text: 'Open the service in Vigil' });
  return list;
}
