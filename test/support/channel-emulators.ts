/**
 * Receivers that answer as Opsgenie, Teams Workflows and Lark custom bots do, checking what those
 * services check, for the channel e2e tests (plugged into @libs/fleet's startReceiver).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { ReceiverReply, ReceiverRequest } from '@libs/fleet';

/** What Lark answers: HTTP 200 and a code. */
export const larkAnswer = (code: number, msg: string): ReceiverReply => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ code, msg, data: {} }),
});

/**
 * Lark's check of a custom bot request, as Lark documents it: the timestamp within an hour of now, and
 * `sign` = base64(HMAC-SHA256 keyed by "<timestamp>\n<secret>" over nothing). Written here apart from
 * Vigil's larkSign, so the two must agree.
 */
export function larkVerdict(body: string, secret: string, nowMs: number): ReceiverReply {
  const { timestamp, sign } = JSON.parse(body) as { timestamp?: string; sign?: string };
  const seconds = Number(timestamp);
  const expected = createHmac('sha256', `${timestamp}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
  if (!Number.isInteger(seconds) || Math.abs(nowMs / 1000 - seconds) > 3600 || sign !== expected)
    return larkAnswer(19021, 'sign match fail or timestamp is not within one hour from current time');
  return larkAnswer(0, 'success');
}

/** The code of a Lark answer. */
export const larkCode = (reply: ReceiverReply) =>
  (JSON.parse((reply as { body: string }).body) as { code: number }).code;

/** What the Teams Workflows trigger checks before it accepts: a message with one Adaptive Card. */
export function teamsVerdict(body: string): ReceiverReply {
  const json = JSON.parse(body) as { type?: string; attachments?: Array<Record<string, any>> };
  const card = json.attachments?.[0];
  const ok =
    json.type === 'message' &&
    json.attachments?.length === 1 &&
    card?.contentType === 'application/vnd.microsoft.card.adaptive' &&
    card.content?.type === 'AdaptiveCard' &&
    Array.isArray(card.content?.body);
  return ok ? { status: 202 } : { status: 400, body: 'Bad Request' };
}

/**
 * Opsgenie's Alert API as far as Vigil uses it: the GenieKey header (else 422, as Opsgenie answers a
 * bad key), create with a message of at most 130 characters and an alias, close by alias; 202 with a
 * requestId. `alerts` holds what is open by alias.
 */
export function opsgenieVerdict(
  req: ReceiverRequest,
  genieKey: string,
  alerts: Map<string, 'open' | 'closed'>,
): ReceiverReply {
  const requestId = randomUUID();
  const accepted: ReceiverReply = {
    status: 202,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ result: 'Request will be processed', took: 0.01, requestId }),
  };
  if (req.headers.authorization !== `GenieKey ${genieKey}`)
    return { status: 422, body: JSON.stringify({ message: 'Key format is not valid!', requestId }) };
  const body = JSON.parse(req.body) as Record<string, unknown>;
  const url = new URL(req.path, 'http://opsgenie');
  if (url.pathname === '/og/v2/alerts') {
    const message = body.message;
    if (typeof message !== 'string' || message.length > 130 || typeof body.alias !== 'string')
      return { status: 422, body: JSON.stringify({ message: 'Request body is not processable', requestId }) };
    alerts.set(body.alias, 'open');
    return accepted;
  }
  const close = /^\/og\/v2\/alerts\/([^/]+)\/close$/.exec(url.pathname);
  if (close && url.searchParams.get('identifierType') === 'alias') {
    const alias = decodeURIComponent(close[1]);
    if (alerts.has(alias)) alerts.set(alias, 'closed');
    return accepted;
  }
  return { status: 404, body: JSON.stringify({ message: 'Not found', requestId }) };
}
