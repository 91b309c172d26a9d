import { createHash } from 'node:crypto';
import type { Notice } from '@libs/domain';
import type { ConsoleLinks } from './console-links';
import type { EmailTarget } from './target';
import { clip, iso, oneLine } from './text';

/** A subject line longer than this is cut (RFC 5322 recommends 78 characters per header line). */
export const EMAIL_SUBJECT_MAX = 200;
/** Text body bound: a notice is a few lines, details included. */
export const EMAIL_TEXT_MAX = 20_000;

/** One email, ready for SMTP: what is sent, with no secret in it. */
export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** `<…@domain>`: the notice's own, the same on every attempt and for every email channel. */
  messageId: string;
  /** The incident's thread: `In-Reply-To` and `References` of every message of an incident. */
  inReplyTo: string;
  references: string;
  /** Extra headers: X-Vigil-Incident, X-Vigil-Event, X-Vigil-Severity, X-Vigil-Phase. */
  headers: Record<string, string>;
}

/** The domain of the `from` address, for message ids (`vigil.invalid` when it has none). */
function domainOf(from: string): string {
  const at = from.lastIndexOf('@');
  const domain = at < 0 ? '' : from.slice(at + 1).replace(/[^A-Za-z0-9.-]/g, '');
  return domain || 'vigil.invalid';
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 40);

/**
 * The Message-ID of a notice (`<notice.<sha256 of its id>@domain>`) and the thread id of its incident
 * (`<incident.<sha256 of the incident key>@domain>`). Every message of an incident (trigger, escalation,
 * reminder, resolve) answers the thread id (`In-Reply-To`, `References`), so mail clients thread the
 * resolve under its trigger; the thread id is never itself a message, so an escalation is not taken for
 * a duplicate of the first trigger (Gmail drops a message whose Message-ID it has seen).
 */
export function emailIds(
  notice: Pick<Notice, 'id' | 'incidentKey'>,
  from: string,
): { messageId: string; threadId: string } {
  const domain = domainOf(from);
  return {
    messageId: `<notice.${digest(notice.id)}@${domain}>`,
    threadId: `<incident.${digest(notice.incidentKey)}@${domain}>`,
  };
}

/** HTML escaping of text and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `[Vigil] RESOLVED: …` / `[Vigil] CRITICAL: …`: the state first, as a pager's subject should. */
function subjectOf(notice: Notice): string {
  const state = notice.phase === 'resolve' ? 'RESOLVED' : notice.severity.toUpperCase();
  const reminder = notice.phase === 'remind' ? ' (reminder)' : '';
  return clip(`[Vigil] ${state}${reminder}: ${oneLine(notice.title)}`, EMAIL_SUBJECT_MAX);
}

/** Labels, then details (JSON for non-strings), as name/value rows. */
function rowsOf(notice: Notice): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['severity', notice.severity],
    ['event', notice.event],
  ];
  for (const [key, value] of Object.entries(notice.labels))
    if (key !== 'severity' && key !== 'event') rows.push([key, value]);
  for (const [key, value] of Object.entries(notice.details)) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (text !== undefined) rows.push([key, clip(text, 1000)]);
  }
  rows.push(['at', iso(notice.at)], ['incident', notice.incidentKey]);
  return rows;
}

function linkList(links?: ConsoleLinks): Array<[string, string]> {
  if (!links) return [];
  const out: Array<[string, string]> = [['Open in Vigil', links.console]];
  if (links.service && links.service !== links.console) out.push(['Open service', links.service]);
  return out;
}

/**
 * The email of `notice` for `target`: subject `[Vigil] <SEVERITY|RESOLVED>: <title>`; a text body (the
 * title, the text, the labels and details as `name: value` lines, the console links) and the same as
 * HTML, every value escaped; ids from emailIds so a resolve threads under its trigger; X-Vigil-*
 * headers for mail filters. Pure.
 */
export function emailMessage(target: EmailTarget, notice: Notice, links?: ConsoleLinks): EmailMessage {
  const { messageId, threadId } = emailIds(notice, target.from);
  const title = oneLine(notice.title);
  const rows = rowsOf(notice);
  const anchors = linkList(links);
  const text = clip(
    [
      title,
      '',
      notice.text,
      '',
      ...rows.map(([name, value]) => `${name}: ${value}`),
      ...(anchors.length ? ['', ...anchors.map(([name, url]) => `${name}: ${url}`)] : []),
      '',
      '-- ',
      'Sent by Vigil',
    ].join('\n'),
    EMAIL_TEXT_MAX,
  );
  const colour =
    notice.phase === 'resolve'
      ? '#2e7d32'
      : notice.severity === 'info'
        ? '#1565c0'
        : notice.severity === 'warning'
          ? '#b26a00'
          : '#c62828';
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="color:${colour}">${escapeHtml(title)}</h2>`,
    `<p>${escapeHtml(clip(notice.text, EMAIL_TEXT_MAX)).replace(/\n/g, '<br>')}</p>`,
    '<table cellpadding="4" style="border-collapse:collapse">',
    ...rows.map(
      ([name, value]) => `<tr><th align="left">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    ...(anchors.length
      ? [
          `<p>${anchors.map(([name, url]) => `<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>`).join(' · ')}</p>`,
        ]
      : []),
    '</body></html>',
  ].join('\n');
  return {
    from: target.from,
    to: [...target.to],
    subject: subjectOf(notice),
    text,
    html,
    messageId,
    inReplyTo: threadId,
    references: threadId,
    headers: {
      'X-Vigil-Incident': notice.incidentKey,
      'X-Vigil-Event': notice.event,
      'X-Vigil-Severity': notice.severity,
      'X-Vigil-Phase': notice.phase,
    },
  };
}
