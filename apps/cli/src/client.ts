import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createVigilApiClient, type VigilApiClient } from '@libs/api-client';

/** One problem the API found, e.g. `{path: 'services[0].endpoints[0].idc', message: 'unknown IDC "shx"'}`. */
export interface ApiIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** The API's one error shape. */
export interface ApiErrorBody {
  statusCode: number;
  error?: string;
  message: string;
  details?: ApiIssue[];
}

/** Exit codes: 0 ok, 1 API or network error, 2 usage error, 3 `vigil plan` found changes. */
export const EXIT_OK = 0;
export const EXIT_API = 1;
export const EXIT_USAGE = 2;
/** `vigil plan`: the plan has changes (as `terraform plan -detailed-exitcode`); 0 means none. */
export const EXIT_CHANGES = 3;

/** An error the CLI reports and exits on; `details` are printed one per line under the message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly details: readonly ApiIssue[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line is wrong (missing token, bad number, unreadable file): exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

/** The API answered with an error, or could not be reached: exit 1. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number | undefined,
    details: readonly ApiIssue[] = [],
    readonly body?: unknown,
  ) {
    super(message, EXIT_API, details);
    this.name = 'ApiError';
  }
}

/** `  path: message (line 3, column 5)`; a detail without a path shows only its location. */
export function formatIssue(issue: ApiIssue): string {
  const where =
    issue.line !== undefined
      ? `line ${issue.line}${issue.column !== undefined ? `, column ${issue.column}` : ''}`
      : '';
  if (!issue.path) return where ? `  ${where}: ${issue.message}` : `  ${issue.message}`;
  return `  ${issue.path}: ${issue.message}${where ? ` (${where})` : ''}`;
}

/** What the CLI prints on stderr for an error: `error: <message>` then one line per detail. */
export function formatError(err: CliError): string {
  return [`error: ${err.message}`, ...err.details.map(formatIssue)].join('\n');
}

const isIssue = (x: unknown): x is ApiIssue =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as ApiIssue).message === 'string' &&
  typeof ((x as ApiIssue).path ?? '') === 'string';

/** Turns an error response (the API's JSON shape, or anything a proxy sends) into an {@link ApiError}. */
export function toApiError(status: number, statusText: string, bodyText: string): ApiError {
  const reason = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    const snippet = bodyText.trim().split('\n')[0]?.slice(0, 200) ?? '';
    return new ApiError(snippet ? `${reason}: ${snippet}` : reason, status);
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Partial<ApiErrorBody>;
  const message = typeof fields.message === 'string' && fields.message ? fields.message : reason;
  const details = Array.isArray(fields.details)
    ? fields.details.filter(isIssue).map((d) => ({ ...d, path: d.path ?? '' }))
    : [];
  return new ApiError(`${message} (${reason})`, status, details, body);
}

/** Why fetch failed, as one line: `connect ECONNREFUSED 127.0.0.1:3000`, `timed out after 30s`. */
export function describeNetworkError(err: unknown, timeoutMs?: number): string {
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return timeoutMs ? `no answer within ${timeoutMs / 1000}s` : 'request aborted';
  }
  const cause = err instanceof Error ? (err as Error & { cause?: unknown }).cause : undefined;
  const reason = cause ?? err;
  if (reason instanceof AggregateError && reason.errors.length) return describeNetworkError(reason.errors[0]);
  if (reason instanceof Error) {
    const code = (reason as Error & { code?: string }).code;
    if (reason.message) return reason.message;
    if (code) return code;
  }
  return String(reason);
}

/**
 * The API base (`<server>/api/v1`) from `--server`: an http(s) URL, with or without `/api/v1`.
 * Throws a {@link UsageError} for anything else.
 */
export function apiBase(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server must be an http(s) URL, got "${server}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--server must be an http(s) URL, got "${server}"`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${url.origin}${path}/api/v1`;
}

/** The Content-Type for a config file: by extension, else by a look at the text (JSON starts with `{`). */
export function contentTypeFor(file: string, text: string): 'application/yaml' | 'application/json' {
  const ext = file === '-' ? '' : extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'application/yaml';
  if (ext === '.json') return 'application/json';
  return text.trimStart().startsWith('{') ? 'application/json' : 'application/yaml';
}

/** A config file's text and Content-Type; `-` reads stdin. An unreadable file is a usage error. */
export async function readConfigInput(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<{ text: string; contentType: string }> {
  let text: string;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
      throw new UsageError(`cannot read ${file}: ${why}`);
    }
  }
  if (!text.trim()) throw new UsageError(`${file === '-' ? 'stdin' : file} is empty`);
  return { text, contentType: contentTypeFor(file, text) };
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ClientOptions {
  server: string;
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** What a call of the typed client resolves to: the answer's data (or, never here, its error). */
interface TypedAnswer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Vigil's HTTP API: `/api/v1`, bearer key, JSON answers, the API's errors as {@link ApiError}.
 *
 * `api` is the typed client generated from the OpenAPI document (@libs/api-client): paths, params,
 * bodies and answers are checked against it. Its requests go through the same fetch as `request`,
 * with the same timeout and errors: an error answer or an unreachable server throws an
 * {@link ApiError} (exit 1, `details` printed), so `ok(client.api.GET(...))` is the answer's data.
 */
export class VigilClient {
  readonly base: string;
  readonly api: VigilApiClient;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.base = apiBase(options.server);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchFn = options.fetch ?? fetch;
    this.api = createVigilApiClient({
      // The generated paths start with /api/v1.
      baseUrl: this.base.slice(0, -'/api/v1'.length),
      token: options.token,
      fetch: (request) => this.fetchTyped(request),
    });
  }

  /** The data of a typed call; its error answer was thrown as an {@link ApiError} already. */
  async ok<T>(call: Promise<TypedAnswer<T>>): Promise<T> {
    let answer: TypedAnswer<T>;
    try {
      answer = await call;
    } catch (err) {
      if (err instanceof CliError) throw err;
      // openapi-fetch parses the answer: only a body that is not JSON gets here.
      throw new ApiError(`the answer is not JSON: ${(err as Error)?.message ?? String(err)}`, undefined);
    }
    if (answer.error !== undefined || answer.data === undefined) {
      const { status, statusText } = answer.response;
      throw toApiError(status, statusText, JSON.stringify(answer.error ?? ''));
    }
    return answer.data;
  }

  /** The typed client's fetch: the request as `request` sends it; an error answer throws. */
  private async fetchTyped(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const body = request.body ? await request.text() : undefined;
    const headers = Object.fromEntries(request.headers.entries());
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(url, {
        method: request.method,
        headers: { accept: 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (res.ok) return res;
      text = await res.text();
    } catch (err) {
      throw new ApiError(
        `cannot reach Vigil at ${url.origin}: ${describeNetworkError(err, this.timeoutMs)}`,
        undefined,
      );
    }
    throw toApiError(res.status, res.statusText, text);
  }

  get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  /** A request with a JSON body (none when `body` is undefined). */
  send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.request<T>(
      method,
      path,
      body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' },
    );
  }

  /**
   * A Server-Sent Events stream: yields each event's `data` as parsed JSON until `signal` aborts
   * (then it returns quietly). An error answer is an {@link ApiError}, and so is the server closing
   * the stream or the connection breaking.
   */
  async *stream(path: string, query: RequestOptions['query'], signal: AbortSignal): AsyncGenerator<unknown> {
    const url = this.url(path, query);
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${this.options.token}` },
        signal,
      });
    } catch (err) {
      if (signal.aborted) return;
      throw new ApiError(`cannot reach Vigil at ${url.origin}: ${describeNetworkError(err)}`, undefined);
    }
    if (!res.ok) throw toApiError(res.status, res.statusText, await res.text().catch(() => ''));
    if (!res.body) throw new ApiError(`GET ${url.pathname}: no event stream in the answer`, res.status);
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    // Cancelling the reader ends a pending read at once, whether or not fetch aborts the body itself.
    const cancel = () => void reader.cancel().catch(() => undefined);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          if (signal.aborted) return;
          throw new ApiError(
            `the event stream from ${url.origin} broke: ${describeNetworkError(err)}`,
            undefined,
          );
        }
        if (chunk.done) break;
        for (const data of parser.push(decoder.decode(chunk.value, { stream: true }))) {
          try {
            yield JSON.parse(data);
          } catch {
            yield data; // not JSON: passed on as text
          }
        }
      }
    } finally {
      signal.removeEventListener('abort', cancel);
      cancel();
    }
    if (signal.aborted) return;
    throw new ApiError(`Vigil at ${url.origin} closed the event stream`, undefined);
  }

  private url(path: string, query: RequestOptions['query'] = {}): URL {
    const url = new URL(this.base + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.options.token}`,
      ...options.headers,
    };
    if (options.contentType) headers['content-type'] = options.contentType;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(url, {
        method,
        headers,
        body: options.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new ApiError(
        `cannot reach Vigil at ${url.origin}: ${describeNetworkError(err, this.timeoutMs)}`,
        undefined,
      );
    }
    if (!res.ok) throw toApiError(res.status, res.statusText, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(
        `${method} ${url.pathname}: the answer is not JSON (HTTP ${res.status})`,
        res.status,
      );
    }
  }
}

/**
 * Splits a Server-Sent Events byte stream (as text, in any chunks) into events and returns the `data`
 * of each complete one (its `data:` lines joined by newlines). Comments (`: heartbeat`) and the other
 * fields (`event:`, `id:`, `retry:`) are skipped: Vigil's stream sends only data.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    let end: number;
    while ((end = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A lone \r at the end of a chunk may be the first half of \r\n: wait for more.
      if (this.buffer[end] === '\r' && end === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (this.data.length) out.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith('data:')) {
        this.data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
    return out;
  }
}
