import { request, type Dispatcher } from 'undici';
import { readCapped, requestDeadline } from '../http-helpers';

/** What one request to the PowerDNS API came to. */
export type ApiAttempt =
  | { kind: 'response'; status: number; body: string }
  /** `sent: false` when it was the connection that timed out (nothing reached the server). */
  | { kind: 'timeout'; sent: boolean }
  | { kind: 'aborted' }
  /** `sent: false` when the connection failed before the request could leave (refused, no route). */
  | { kind: 'network'; message: string; sent: boolean };

/** Bytes of a response read at most: a filtered zone read is small; more means something is off. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Characters of a server's error text kept in a detail line. */
const DETAIL_CHARS = 200;
/** Connection errors raised before anything was written to the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface PowerDnsApiOptions {
  /** Base URL; the API lives under `/api/v1`. */
  url: string;
  apiKey: string;
  dispatcher?: Dispatcher;
}

/** A PowerDNS Authoritative HTTP API client: one request per call, bounded, never throws. */
export class PowerDnsApi {
  private readonly base: string;

  constructor(private readonly options: PowerDnsApiOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  /** The API's origin, for detail lines (no path: it may hold a token of a proxy). */
  get origin(): string {
    return new URL(this.base).origin;
  }

  /** Sends one request to `/api/v1{path}`; settles within `limitMs` or when `signal` aborts. */
  async send(
    method: 'GET' | 'PATCH',
    path: string,
    body: unknown,
    limitMs: number,
    signal?: AbortSignal,
  ): Promise<ApiAttempt> {
    const deadline = requestDeadline(limitMs, signal);
    try {
      const response = await request(`${this.base}/api/v1${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'x-api-key': this.options.apiKey,
          'user-agent': 'vigil-traffic-powerdns',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: deadline.signal,
        headersTimeout: limitMs,
        bodyTimeout: limitMs,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
      const text = await readCapped(response.body, MAX_BODY_BYTES);
      return { kind: 'response', status: response.statusCode, body: text };
    } catch (error) {
      if (signal?.aborted) return { kind: 'aborted' };
      const code = errorCode(error);
      if (code === 'UND_ERR_CONNECT_TIMEOUT') return { kind: 'timeout', sent: false };
      if (deadline.timedOut() || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        return { kind: 'timeout', sent: true };
      }
      return { kind: 'network', message: errorMessage(error), sent: !NOT_SENT_CODES.has(code ?? '') };
    } finally {
      deadline.done();
    }
  }

  /** One line for operators; the API key, should a server ever echo it, is masked. */
  describe(attempt: ApiAttempt): string {
    let text: string;
    switch (attempt.kind) {
      case 'response':
        text = `HTTP ${attempt.status}${statusHint(attempt.status)}`;
        {
          const message = errorText(attempt.body);
          if (message !== '') text += `: ${message}`;
        }
        break;
      case 'timeout':
        text = attempt.sent ? 'timeout: no complete answer in time' : 'timeout: could not connect in time';
        break;
      case 'aborted':
        text = 'aborted';
        break;
      case 'network':
        text = `network error: ${attempt.message}`;
        break;
    }
    return this.options.apiKey === '' ? text : text.split(this.options.apiKey).join('***');
  }
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return ' (the API key was refused)';
  return '';
}

/** The server's message: `error` of a JSON body, else the start of the text. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error.slice(0, DETAIL_CHARS);
  } catch {
    // not JSON: PowerDNS answers 401 and 404 in plain text
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, DETAIL_CHARS);
}

function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'string' && !own.startsWith('UND_ERR_SOCKET')) return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? cause : typeof own === 'string' ? own : undefined;
}

function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = errorCode(error);
  const base =
    code !== undefined && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
  return cause instanceof Error && cause.message !== error.message ? `${base} (${cause.message})` : base;
}
