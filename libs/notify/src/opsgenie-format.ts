import { createHash } from 'node:crypto';
import type { Notice, Severity } from '@libs/domain';
import type { ConsoleLinks } from './console-links';
import type { ChannelTarget, OutboundRequest } from './target';
import { USER_AGENT } from './target';
import { clip, iso, oneLine } from './text';

type OpsgenieTarget = Extract<ChannelTarget, { type: 'opsgenie' }>;

/** Alert API v2 limits (characters). */
export const OPSGENIE_MESSAGE_MAX = 130;
export const OPSGENIE_ALIAS_MAX = 512;
export const OPSGENIE_DESCRIPTION_MAX = 15_000;
export const OPSGENIE_NOTE_MAX = 25_000;
export const OPSGENIE_SOURCE_MAX = 100;
export const OPSGENIE_ENTITY_MAX = 512;
export const OPSGENIE_TAG_MAX = 50;
/** A details value; Opsgenie caps the whole map at 8,000 characters, so each value is kept short. */
export const OPSGENIE_DETAIL_MAX = 500;
/** Sent as `source` and in every note: shown in Opsgenie as who acted. */
export const OPSGENIE_SOURCE = 'Vigil';

/** Vigil's severities as Opsgenie priorities (P4 is left for nothing Vigil sends). */
export const OPSGENIE_PRIORITIES: Record<Severity, 'P1' | 'P2' | 'P3' | 'P5'> = {
  critical: 'P1',
  error: 'P2',
  warning: 'P3',
  info: 'P5',
};

/**
 * The alias of a notice's alert: for a resolvable notice its incident key, so trigger, escalations
 * and resolve act on one alert (Opsgenie de-duplicates a create on an open alias and closes by it);
 * for a one-shot notice its own id, each its own alert. `/` becomes `:` (neither a name nor a key holds
 * `:`, so no two keys meet) so the alias sits in a path without encoded slashes, which proxies refuse;
 * anything else, or past 512 characters, becomes `vigil-<sha256>`.
 */
export function opsgenieAlias(notice: Pick<Notice, 'id' | 'incidentKey' | 'resolvable'>): string {
  const key = notice.resolvable ? notice.incidentKey : notice.id;
  const alias = key.replace(/\//g, ':');
  if (alias.length <= OPSGENIE_ALIAS_MAX && /^[A-Za-z0-9._:@-]+$/.test(alias)) return alias;
  return `vigil-${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * An Opsgenie Alert API v2 request, authorised by `Authorization: GenieKey <apiKey>`:
 * - trigger (and a one-shot notice): create `POST {apiUrl}/v2/alerts` with `message` (the title,
 *   130 characters), `alias` (opsgenieAlias), `description` (text, then the console links), `priority`
 *   by severity, `tags`, `details` (labels and details as strings), `source`, `entity`;
 * - resolve: close `POST {apiUrl}/v2/alerts/{alias}/close?identifierType=alias` with `source`, `note`;
 * - reminder: a note on the alert (`…/{alias}/notes?identifierType=alias`): it never reopens an alert a
 *   human closed. The notifier sends Opsgenie no reminders (its own policies repeat); this covers a
 *   re-sent one.
 * Opsgenie answers 202 and processes the request later (an unknown alias is no error then).
 */
export function opsgenieRequest(
  target: OpsgenieTarget,
  notice: Notice,
  links?: ConsoleLinks,
): OutboundRequest {
  const base = target.apiUrl.replace(/\/+$/, '');
  const alias = opsgenieAlias(notice);
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    Authorization: `GenieKey ${target.apiKey}`,
  };
  const onAlert = (action: 'close' | 'notes') =>
    `${base}/v2/alerts/${encodeURIComponent(alias)}/${action}?identifierType=alias`;
  if (notice.phase === 'resolve' || notice.phase === 'remind') {
    const note = clip(`${oneLine(notice.title)}\n${notice.text}`, OPSGENIE_NOTE_MAX);
    const body = { source: OPSGENIE_SOURCE, note };
    return {
      url: onAlert(notice.phase === 'resolve' ? 'close' : 'notes'),
      headers,
      body: JSON.stringify(body),
    };
  }
  const linkLines = links
    ? [
        `Open in Vigil: ${links.console}`,
        ...(links.service && links.service !== links.console ? [`Service: ${links.service}`] : []),
      ]
    : [];
  const body = {
    message: clip(oneLine(notice.title), OPSGENIE_MESSAGE_MAX),
    alias,
    description: clip(
      [notice.text, ...(linkLines.length ? [linkLines.join('\n')] : [])].join('\n\n'),
      OPSGENIE_DESCRIPTION_MAX,
    ),
    priority: OPSGENIE_PRIORITIES[notice.severity],
    tags: opsgenieTags(notice),
    details: opsgenieDetails(notice, links),
    source: OPSGENIE_SOURCE,
    entity: clip(entityOf(notice.labels), OPSGENIE_ENTITY_MAX),
  };
  return { url: `${base}/v2/alerts`, headers, body: JSON.stringify(body) };
}

/** `vigil`, the event, the severity, and `service:<name>` / `idc:<name>` when known. */
function opsgenieTags(notice: Notice): string[] {
  const { service, idc } = notice.labels;
  const tags = ['vigil', notice.event, notice.severity];
  if (service !== undefined) tags.push(`service:${service}`);
  if (idc !== undefined) tags.push(`idc:${idc}`);
  return tags.map((tag) => clip(tag, OPSGENIE_TAG_MAX));
}

/** `details` is a string map: labels, then details (JSON for non-strings), the incident key, the time. */
function opsgenieDetails(notice: Notice, links?: ConsoleLinks): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (text !== undefined) out[key] = clip(text, OPSGENIE_DETAIL_MAX);
  };
  for (const [key, value] of Object.entries(notice.labels)) put(key, value);
  for (const [key, value] of Object.entries(notice.details)) if (!(key in out)) put(key, value);
  put('incidentKey', notice.incidentKey);
  put('at', iso(notice.at));
  if (links) put('console', links.console);
  return out;
}

/** What the alert is about: `<service>/<idc>`, the service, `vantage <name>`, or `vigil`. */
function entityOf(labels: Record<string, string>): string {
  const { service, idc, vantage } = labels;
  if (service !== undefined) return idc === undefined ? service : `${service}/${idc}`;
  if (vantage !== undefined) return `vantage ${vantage}`;
  return 'vigil';
}
