import type { Notice, Severity } from '@libs/domain';
import type { ConsoleLinks } from './console-links';
import type { ChannelTarget, OutboundRequest } from './target';
import { USER_AGENT } from './target';
import { clip, iso, oneLine } from './text';

type TeamsTarget = Extract<ChannelTarget, { type: 'teams' }>;

/** Kept well inside the 28 KB a Teams message may carry. */
export const TEAMS_TITLE_MAX = 300;
export const TEAMS_TEXT_MAX = 4000;
export const TEAMS_FACTS_MAX = 20;
export const TEAMS_FACT_VALUE_MAX = 500;

/** Adaptive Card colours: `attention` is red, `warning` amber, `accent` blue, `good` green. */
const SEVERITY_COLOURS: Record<Severity, 'attention' | 'warning' | 'accent'> = {
  critical: 'attention',
  error: 'attention',
  warning: 'warning',
  info: 'accent',
};

/** The colour of a notice: green when resolved, else by severity. */
export function teamsColour(
  notice: Pick<Notice, 'phase' | 'severity'>,
): 'attention' | 'warning' | 'accent' | 'good' {
  return notice.phase === 'resolve' ? 'good' : SEVERITY_COLOURS[notice.severity];
}

/**
 * A Teams Workflows ("Post to a channel when a webhook request is received") request: a message with
 * one Adaptive Card 1.4 attachment: a container styled by colour holding the title (bold, coloured),
 * the text, a FactSet (severity, event, service, IDC, time, then the details, 20 at most), and, with console
 * `links`, an Action.OpenUrl to the subject's page (and one to the service's when another page).
 */
export function teamsRequest(target: TeamsTarget, notice: Notice, links?: ConsoleLinks): OutboundRequest {
  const colour = teamsColour(notice);
  const title = `${notice.phase === 'resolve' ? 'Resolved: ' : notice.phase === 'remind' ? 'Reminder: ' : ''}${oneLine(notice.title)}`;
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body: [
      {
        type: 'Container',
        style: colour,
        bleed: true,
        items: [
          {
            type: 'TextBlock',
            text: clip(title, TEAMS_TITLE_MAX),
            weight: 'Bolder',
            size: 'Medium',
            color: colour,
            wrap: true,
          },
        ],
      },
      {
        type: 'TextBlock',
        text: clip(notice.text.trim() || oneLine(notice.title), TEAMS_TEXT_MAX),
        wrap: true,
      },
      { type: 'FactSet', facts: teamsFacts(notice) },
    ],
    ...(links ? { actions: teamsActions(links) } : {}),
  };
  const payload = {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
  return {
    url: target.webhookUrl,
    headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
    body: JSON.stringify(payload),
  };
}

function teamsFacts(notice: Notice): Array<{ title: string; value: string }> {
  const facts: Array<{ title: string; value: string }> = [];
  const put = (title: string, value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (text !== undefined && facts.length < TEAMS_FACTS_MAX)
      facts.push({ title, value: clip(text, TEAMS_FACT_VALUE_MAX) });
  };
  put('Severity', notice.severity);
  put('Event', notice.event);
  if (notice.labels.service !== undefined) put('Service', notice.labels.service);
  if (notice.labels.idc !== undefined) put('IDC', notice.labels.idc);
  put('At', iso(notice.at));
  for (const [key, value] of Object.entries(notice.details)) put(key, value);
  return facts;
}

function teamsActions(links: ConsoleLinks) {
  const actions = [{ type: 'Action.OpenUrl', title: 'Open in Vigil', url: links.console }];
  if (links.service && links.service !== links.console)
    actions.push({ type: 'Action.OpenUrl', title: 'Open service', url: links.service });
  return actions;
}
