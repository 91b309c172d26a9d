import type { Dispatcher } from 'undici';
import type { Notice } from '@libs/domain';
import { buildRequest } from './build-request';
import { consoleLinks } from './console-links';
import { emailMessage } from './email-format';
import { larkAnswerError } from './lark-format';
import { sendEmail } from './send-email';
import { sendRequest } from './send-request';
import { channelLabel, type ChannelTarget, type HttpChannelTarget } from './target';

export interface DeliverOptions {
  /** The delivery's key (one notice to one channel): the same on every retry. */
  idempotencyKey: string;
  /** Clock for the webhook signature; default now. */
  nowMs?: number;
  /** VIGIL_EXTERNAL_URL: links to the console in the body (see consoleLinks); none when unset. */
  externalUrl?: string;
  /** Default 10 s (DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/**
 * Sends `notice` to `target` once: buildRequest, then sendRequest with errors naming the channel
 * (`slack channel "ops": HTTP 500`) and never repeating its secrets; Lark's answer is read for its
 * `code` (larkAnswerError). Email goes through SMTP instead (emailMessage, sendEmail). Resolves
 * `{status}` on success (2xx, or SMTP 250); throws a DeliveryError otherwise (`retryable` tells the
 * caller whether to try again later). Retries are the caller's (the queue's).
 */
export async function deliver(
  target: ChannelTarget,
  notice: Notice,
  opts: DeliverOptions,
): Promise<{ status: number }> {
  if (target.type === 'email') {
    const message = emailMessage(target, notice, consoleLinks(opts.externalUrl, notice));
    return sendEmail(target, message, {
      label: channelLabel(target),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    });
  }
  const req = buildRequest(target, notice, {
    idempotencyKey: opts.idempotencyKey,
    nowMs: opts.nowMs ?? Date.now(),
    ...(opts.externalUrl === undefined ? {} : { externalUrl: opts.externalUrl }),
  });
  return sendRequest(req, {
    label: channelLabel(target),
    secrets: secretsOf(target),
    ...(target.type === 'lark' ? { answerError: larkAnswerError } : {}),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher }),
  });
}

/** What errors must not repeat: the channel's secrets, and a webhook URL's path (as secret as the URL). */
function secretsOf(target: HttpChannelTarget): string[] {
  switch (target.type) {
    case 'webhook':
      return target.secret ? [target.secret] : [];
    case 'slack':
      return urlSecrets(target.webhookUrl);
    case 'pagerduty':
      return [target.routingKey];
    case 'opsgenie':
      return [target.apiKey];
    case 'teams':
      return urlSecrets(target.webhookUrl);
    case 'lark':
      return [...urlSecrets(target.webhookUrl), ...(target.signingSecret ? [target.signingSecret] : [])];
  }
}

/** Shorter path segments and query values are words (`hooks`, `invoke`, `2016-06-01`), not secrets. */
const MIN_URL_SECRET = 8;

/**
 * What an error must not repeat of a webhook URL that is a secret: the URL, its path and query, and
 * each path segment and query value long enough to be a token (a Teams `sig`, a Lark hook id), longest
 * first so the whole is cut before its parts.
 */
function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const { pathname, search } = parsed;
  const parts = [
    url,
    `${pathname}${search}`,
    pathname.length > 1 ? pathname : '', // "/" alone is no secret
    search,
    ...pathname.split('/').map(decodeSafely),
    ...[...parsed.searchParams.values()],
  ].filter((part) => part.length >= MIN_URL_SECRET);
  return [...new Set(parts)].sort((a, b) => b.length - a.length);
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
