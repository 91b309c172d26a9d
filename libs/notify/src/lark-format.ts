import { createHmac } from 'node:crypto';
import type { Notice, Severity } from '@libs/domain';
import type { ConsoleLinks } from './console-links';
import type { ChannelTarget, OutboundRequest } from './target';
import { USER_AGENT } from './target';
import { clip, iso, oneLine } from './text';

type LarkTarget = Extract<ChannelTarget, { type: 'lark' }>;

/** Kept well inside the 30 KB a custom bot's request may carry. */
export const LARK_TITLE_MAX = 300;
export const LARK_TEXT_MAX = 4000;
export const LARK_FIELDS_MAX = 20;
export const LARK_FIELD_VALUE_MAX = 500;

/** Card header templates (colours). */
const SEVERITY_TEMPLATES: Record<Severity, 'red' | 'orange' | 'yellow' | 'blue'> = {
  critical: 'red',
  error: 'orange',
  warning: 'yellow',
  info: 'blue',
};

/**
 * A custom bot's signature as Lark checks it: base64 of HMAC-SHA256 keyed by `<timestamp>\n<secret>`
 * over an empty message (Lark's own construction, not a MAC of the body). `timestamp` in unix seconds.
 */
export function larkSign(timestamp: string, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

/**
 * A Lark / Feishu custom bot request: an interactive card (header coloured by severity, green when
 * resolved; the text; severity, event, service, IDC, time and details as fields; a button to the
 * console when `links`). Every text is `plain_text`, so a notice cannot mention `@all` or form links.
 * With a signing secret, `timestamp` (unix seconds at `nowMs`) and `sign` (larkSign) lead the body:
 * build it again for each attempt, as Lark refuses a timestamp older than an hour.
 */
export function larkRequest(
  target: LarkTarget,
  notice: Notice,
  opts: { nowMs: number; links?: ConsoleLinks },
): OutboundRequest {
  const prefix = notice.phase === 'resolve' ? 'Resolved: ' : notice.phase === 'remind' ? 'Reminder: ' : '';
  const plain = (content: string) => ({ tag: 'plain_text', content });
  const card = {
    config: { wide_screen_mode: true },
    header: {
      title: plain(clip(`${prefix}${oneLine(notice.title)}`, LARK_TITLE_MAX)),
      template: notice.phase === 'resolve' ? 'green' : SEVERITY_TEMPLATES[notice.severity],
    },
    elements: [
      { tag: 'div', text: plain(clip(notice.text.trim() || oneLine(notice.title), LARK_TEXT_MAX)) },
      {
        tag: 'div',
        fields: larkFields(notice).map(([name, value]) => ({
          is_short: true,
          text: plain(`${name}: ${value}`),
        })),
      },
      ...(opts.links ? [larkButtons(opts.links)] : []),
    ],
  };
  const timestamp = String(Math.floor(opts.nowMs / 1000));
  const signed =
    target.signingSecret === undefined ? {} : { timestamp, sign: larkSign(timestamp, target.signingSecret) };
  return {
    url: target.webhookUrl,
    headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
    body: JSON.stringify({ ...signed, msg_type: 'interactive', card }),
  };
}

function larkFields(notice: Notice): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  const put = (name: string, value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (text !== undefined && fields.length < LARK_FIELDS_MAX)
      fields.push([name, clip(text, LARK_FIELD_VALUE_MAX)]);
  };
  put('severity', notice.severity);
  put('event', notice.event);
  if (notice.labels.service !== undefined) put('service', notice.labels.service);
  if (notice.labels.idc !== undefined) put('IDC', notice.labels.idc);
  put('at', iso(notice.at));
  for (const [key, value] of Object.entries(notice.details)) put(key, value);
  return fields;
}

function larkButtons(links: ConsoleLinks) {
  const button = (text: string, url: string, type: 'primary' | 'default') => ({
    tag: 'button',
    text: { tag: 'plain_text', content: text },
    type,
    url,
  });
  const actions = [button('Open in Vigil', links.console, 'primary')];
  if (links.service && links.service !== links.console)
    actions.push(button('Open service', links.service, 'default'));
  return { tag: 'action', actions };
}

/** Lark's codes worth another attempt: 11232 frequency limited, 9499 (an overloaded or failing gateway). */
export const LARK_RETRYABLE_CODES: ReadonlySet<number> = new Set([11232, 9499]);

/**
 * What a 2xx answer of Lark says went wrong, or undefined when it says `code: 0`: Lark answers HTTP 200
 * with `{"code": <non-zero>, "msg": "..."}` when it refuses (19021 bad signature or stale timestamp,
 * 19024 keyword mismatch, 19001 bad webhook...). 11232 and 9499 are retryable, other codes not; an answer
 * without a numeric `code` is not Lark's (a wrong url), so not retryable either.
 */
export function larkAnswerError(answer: string): { retryable: boolean; detail: string } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(answer);
  } catch {
    json = undefined;
  }
  const { code, msg } = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (code === 0) return undefined;
  if (typeof code !== 'number')
    return { retryable: false, detail: 'the answer is not a Lark bot answer (no code)' };
  const word = typeof msg === 'string' ? `: ${clip(oneLine(msg), 100)}` : '';
  return { retryable: LARK_RETRYABLE_CODES.has(code), detail: `Lark code ${code}${word}` };
}
