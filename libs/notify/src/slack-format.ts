import type { Notice } from '@libs/domain';
import type { ConsoleLinks } from './console-links';
import type { ChannelTarget, OutboundRequest } from './target';
import { USER_AGENT } from './target';
import { clip, oneLine, slackEscape } from './text';

type SlackTarget = Extract<ChannelTarget, { type: 'slack' }>;

/** Block Kit limits: header text (plain_text) 150 characters, section and context text 3000. */
export const SLACK_HEADER_MAX = 150;
export const SLACK_SECTION_MAX = 3000;
export const SLACK_CONTEXT_MAX = 3000;
/** The top-level `text`: the one line shown in notifications and by clients without blocks. */
export const SLACK_FALLBACK_MAX = 300;

const SEVERITY_MARKERS: Record<Notice['severity'], string> = {
  critical: '🔴 ',
  error: '🟠 ',
  warning: '🟡 ',
  info: '🔵 ',
};

/** Resolved: ✅; otherwise a coloured disc by severity. */
export function slackMarker(notice: Pick<Notice, 'phase' | 'severity'>): string {
  return notice.phase === 'resolve' ? '✅ ' : SEVERITY_MARKERS[notice.severity];
}

/**
 * A Slack incoming-webhook request (Block Kit): a header (marker and title), a section with the text
 * (mrkdwn, escaped), and a context line (severity · event · service · IDC). Every text is clipped to
 * Slack's limits; `&`, `<`, `>` are escaped in mrkdwn and in the fallback text, so a notice cannot
 * mention `@channel` or forge links. The plain_text header is not parsed by Slack and is sent as is.
 * With console `links`, an actions block follows: a button to the subject's page (and one to the
 * service's when that is another page).
 */
export function slackRequest(target: SlackTarget, notice: Notice, links?: ConsoleLinks): OutboundRequest {
  const title = oneLine(notice.title);
  const headline = `${slackMarker(notice)}${notice.phase === 'remind' ? 'Reminder: ' : ''}${title}`;
  const context = [
    `*${notice.severity}*`,
    notice.event,
    notice.labels.service === undefined ? undefined : `service ${notice.labels.service}`,
    notice.labels.idc === undefined ? undefined : `IDC ${notice.labels.idc}`,
  ]
    .filter((part): part is string => part !== undefined)
    .join(' · ');
  const text = notice.text.trim() === '' ? title : notice.text;
  const payload = {
    text: clip(oneLine(headline), SLACK_FALLBACK_MAX, slackEscape),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(headline, SLACK_HEADER_MAX), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_SECTION_MAX, slackEscape) } },
      // `*` is no control character for Slack's escaping: the severity stays bold.
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: clip(context, SLACK_CONTEXT_MAX, slackEscape) }],
      },
      ...(links ? [slackButtons(links)] : []),
    ],
  };
  return {
    url: target.webhookUrl,
    headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
    body: JSON.stringify(payload),
  };
}

/** A button's URL: at most 3000 characters in Block Kit. */
export const SLACK_BUTTON_URL_MAX = 3000;

/** An actions block: "Open in Vigil" (the subject's page), then "Open service" when another page. */
function slackButtons(links: ConsoleLinks) {
  const button = (id: string, text: string, url: string) => ({
    type: 'button',
    action_id: id,
    text: { type: 'plain_text', text, emoji: false },
    url: url.slice(0, SLACK_BUTTON_URL_MAX),
  });
  const elements = [button('vigil-open', 'Open in Vigil', links.console)];
  if (links.service && links.service !== links.console)
    elements.push(button('vigil-open-service', 'Open service', links.service));
  return { type: 'actions', elements };
}
