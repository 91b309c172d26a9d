import { request, type Dispatcher } from 'undici';
import { parseRetryAfter } from '@libs/traffic';
import { DeliveryError } from './delivery-error';
import type { OutboundRequest } from './target';
import { clip, oneLine } from './text';

/** Limit of one request, connect to the end of the answer, unless told otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Bytes of an answer read at most; the rest is dropped with the connection. */
const MAX_RESPONSE_BYTES = 4096;
/** Characters of a receiver's explanation kept in an error. */
const MAX_EXCERPT = 200;
/** Cut from an excerpt whatever the receiver echoed: urls, and runs that look like keys or tokens. */
const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s;,'"<>]*/gi;
const TOKEN_LIKE = /[\w+/=-]{20,}/g;

export interface SendOptions {
  /** Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** undici dispatcher (connection pool); default undici's global one. undici 7 follows no redirects. */
  dispatcher?: Dispatcher;
  /** How errors name the destination, e.g. `slack channel "ops"`. Default `POST <origin of url>`. */
  label?: string;
  /** Values an error must never repeat (a routing key, a webhook URL): cut from any excerpt of the answer. */
  secrets?: readonly string[];
  /**
   * For receivers that answer 2xx when they refuse (Lark: HTTP 200 with a non-zero `code`): what the
   * answer of a 2xx says is wrong, or undefined when it was accepted. The detail is scrubbed of secrets.
   */
  answerError?: (answer: string) => { retryable: boolean; detail: string } | undefined;
}

/**
 * POSTs `req` once and tells how it went: `{status}` on 2xx, else throws a DeliveryError (never
 * anything else). Retryable: network errors, timeouts, 408, 425, 429, 5xx. Not retryable: 3xx
 * (redirects are not followed) and other 4xx. The answer's body is read up to 4 KiB and dropped; what
 * it says is wrong is kept in the message: a Slack-style error word (`channel_not_found`), or a JSON
 * answer's `message` and `errors` (PagerDuty's 400) as a short excerpt without secrets (see
 * answerExcerpt). Messages hold neither the url's path nor the body: both may carry secrets (a Slack
 * webhook URL, a PagerDuty routing key).
 */
export async function sendRequest(req: OutboundRequest, opts: SendOptions = {}): Promise<{ status: number }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new Error(`timeoutMs must be positive, got ${timeoutMs}`);
  const url = parseUrl(req.url);
  const label = opts.label ?? (url === undefined ? 'POST' : `POST ${url.origin}`);
  if (url === undefined) {
    throw new DeliveryError(`${label}: invalid URL (http or https expected)`, {
      retryable: false,
      code: 'INVALID_REQUEST',
    });
  }

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      });
    } catch (error) {
      if (timedOut || isTimeoutError(error)) {
        throw new DeliveryError(`${label}: timed out after ${timeoutMs}ms`, {
          retryable: true,
          code: 'TIMEOUT',
        });
      }
      const failure = networkFailure(error);
      throw new DeliveryError(`${label}: ${failure.reason}`, failure);
    }
    // The status is the answer; a body that fails or stalls after it changes nothing.
    const answer = await readCapped(response.body).catch(() => '');
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      const refused = opts.answerError?.(answer);
      if (refused === undefined) return { status };
      const detail = scrub(refused.detail, [req.url, ...(opts.secrets ?? [])]);
      throw new DeliveryError(`${label}: HTTP ${status}: ${detail}`, {
        retryable: refused.retryable,
        status,
        detail,
      });
    }

    const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
    const redirect = status >= 300 && status < 400;
    const word = /^[a-z][a-z_]{0,63}$/.exec(answer.trim())?.[0];
    const detail = redirect ? undefined : (word ?? answerExcerpt(answer, [req.url, ...(opts.secrets ?? [])]));
    const note = redirect ? ' (redirects are not followed)' : detail ? `: ${detail}` : '';
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
    throw new DeliveryError(`${label}: HTTP ${status}${note}`, { retryable, status, retryAfterMs, detail });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a JSON answer says is wrong, e.g. PagerDuty's
 * `{"status":"invalid event","message":"Event object is invalid","errors":["..."]}`: its `message` (or
 * `status`) and `errors`, on one line, at most MAX_EXCERPT characters. Receivers may echo what they
 * got, so `secrets`, urls and key-like runs are cut out first. Undefined when there is nothing to say.
 */
function answerExcerpt(answer: string, secrets: readonly string[]): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(answer);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { message, status, errors } = json as Record<string, unknown>;
  const parts = [message ?? status, ...(Array.isArray(errors) ? errors : [])];
  const text = scrub(oneLine(parts.filter((p): p is string => typeof p === 'string').join('; ')), secrets);
  return text || undefined;
}

/** `text` without `secrets`, urls, key-like runs and control characters, at most MAX_EXCERPT characters. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('<redacted>');
  out = out
    .replace(URL_LIKE, '<url>')
    .replace(TOKEN_LIKE, '<redacted>')
    .replace(/\p{Cc}/gu, ''); // control characters
  return out ? clip(out, MAX_EXCERPT) : '';
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Reads at most MAX_RESPONSE_BYTES of a body as text, then drops the rest. */
async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer);
      size += buffer.length;
      if (size >= MAX_RESPONSE_BYTES) break;
    }
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof causeCode === 'string' ? causeCode : undefined;
}

function isTimeoutError(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ETIMEDOUT'
  );
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/**
 * A sentence for a failed request, from the error's code only: error messages are not copied, so
 * nothing of the url or body can leak. Invalid arguments (a bad header) are not retryable.
 */
function networkFailure(error: unknown): { reason: string; retryable: boolean; code?: string } {
  const code = errorCode(error);
  if (code === undefined) {
    const name = error instanceof Error ? error.name : typeof error;
    return { reason: `network error (${name})`, retryable: true };
  }
  if (code === 'UND_ERR_INVALID_ARG' || code.startsWith('ERR_INVALID')) {
    return { reason: `invalid request (${code})`, retryable: false, code };
  }
  const known = NETWORK_REASONS[code];
  if (known !== undefined) return { reason: known, retryable: true, code };
  if (/CERT|TLS|SSL/.test(code)) return { reason: `TLS error (${code})`, retryable: true, code };
  return { reason: `network error (${code})`, retryable: true, code };
}
