import {
  ApiError,
  apiBase,
  contentTypeFor,
  describeNetworkError,
  EXIT_API,
  EXIT_USAGE,
  formatError,
  formatIssue,
  SseParser,
  toApiError,
  UsageError,
  VigilClient,
} from './client';

describe('formatIssue and formatError', () => {
  it('prints the message, then each detail as `  path: message`', () => {
    const err = new ApiError('invalid config (HTTP 400 Bad Request)', 400, [
      { path: 'services[0].endpoints[0].idc', message: 'unknown IDC "shx"' },
      { path: 'idcs[1].capacity', message: 'expected a number', line: 7, column: 15 },
    ]);
    expect(formatError(err)).toBe(
      [
        'error: invalid config (HTTP 400 Bad Request)',
        '  services[0].endpoints[0].idc: unknown IDC "shx"',
        '  idcs[1].capacity: expected a number (line 7, column 15)',
      ].join('\n'),
    );
  });

  it('shows a detail without a path by its location only', () => {
    expect(formatIssue({ path: '', message: 'bad indentation', line: 3, column: 5 })).toBe(
      '  line 3, column 5: bad indentation',
    );
    expect(formatIssue({ path: '', message: 'empty' })).toBe('  empty');
  });

  it('gives usage errors exit code 2 and API errors exit code 1', () => {
    expect(new UsageError('x').exitCode).toBe(EXIT_USAGE);
    expect(new ApiError('x', 500).exitCode).toBe(EXIT_API);
  });
});

describe('toApiError', () => {
  it("reads the API's error shape", () => {
    const body = {
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid config',
      details: [{ path: 'rules[0].when', message: 'syntax error' }],
    };
    const err = toApiError(400, 'Bad Request', JSON.stringify(body));
    expect(err.message).toBe('invalid config (HTTP 400 Bad Request)');
    expect(err.status).toBe(400);
    expect(err.details).toEqual(body.details);
    expect(err.body).toEqual(body);
  });

  it('keeps only well-formed details', () => {
    const err = toApiError(
      400,
      '',
      JSON.stringify({ message: 'm', details: [{ message: 'no path' }, 'junk', null] }),
    );
    expect(err.details).toEqual([{ path: '', message: 'no path' }]);
    expect(err.message).toBe('m (HTTP 400)');
  });

  it('falls back to the status and the first line of a non-JSON body', () => {
    expect(toApiError(502, 'Bad Gateway', '<html>\n<body>nginx</body>').message).toBe(
      'HTTP 502 Bad Gateway: <html>',
    );
    expect(toApiError(503, 'Service Unavailable', '').message).toBe('HTTP 503 Service Unavailable');
  });
});

describe('describeNetworkError', () => {
  it("uses fetch's cause", () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' });
    expect(describeNetworkError(new TypeError('fetch failed', { cause }))).toBe(
      'connect ECONNREFUSED 127.0.0.1:3000',
    );
  });

  it('looks inside an AggregateError (several addresses tried)', () => {
    const inner = new Error('connect ECONNREFUSED ::1:3000');
    const cause = new AggregateError([inner], '');
    expect(describeNetworkError(new TypeError('fetch failed', { cause }))).toBe(
      'connect ECONNREFUSED ::1:3000',
    );
  });

  it('names a timeout', () => {
    const err = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(describeNetworkError(err, 30_000)).toBe('no answer within 30s');
  });
});

describe('apiBase', () => {
  it('appends /api/v1 once', () => {
    expect(apiBase('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000/api/v1');
    expect(apiBase('http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000/api/v1');
    expect(apiBase('https://vigil.example.com/api/v1/')).toBe('https://vigil.example.com/api/v1');
    expect(apiBase('https://example.com/vigil')).toBe('https://example.com/vigil/api/v1');
  });

  it('rejects anything but an http(s) URL as a usage error', () => {
    expect(() => apiBase('localhost:3000')).toThrow(UsageError);
    expect(() => apiBase('not a url')).toThrow('--server must be an http(s) URL, got "not a url"');
  });
});

describe('contentTypeFor', () => {
  it('goes by extension, then by content', () => {
    expect(contentTypeFor('x.yaml', '{}')).toBe('application/yaml');
    expect(contentTypeFor('X.YML', '')).toBe('application/yaml');
    expect(contentTypeFor('x.json', 'a: 1')).toBe('application/json');
    expect(contentTypeFor('-', '  {"apiVersion": "vigil/v1"}')).toBe('application/json');
    expect(contentTypeFor('-', 'apiVersion: vigil/v1')).toBe('application/yaml');
    expect(contentTypeFor('config.txt', 'apiVersion: vigil/v1')).toBe('application/yaml');
  });
});

describe('VigilClient', () => {
  const reply = (status: number, body: string) =>
    jest.fn(async (_url: Parameters<typeof fetch>[0], _init?: RequestInit) => new Response(body, { status }));

  it('sends the bearer key, the query and the body, and parses JSON', async () => {
    const fetchFn = reply(200, '{"version":4}');
    const client = new VigilClient({
      server: 'http://vigil:3000',
      token: 'k',
      fetch: fetchFn as typeof fetch,
    });
    const out = await client.request('PUT', '/config', {
      query: { dryRun: 'true', message: 'a b&c', skipped: undefined },
      body: 'apiVersion: vigil/v1',
      contentType: 'application/yaml',
      headers: { 'if-match': '3' },
    });
    expect(out).toEqual({ version: 4 });
    const [url, init] = fetchFn.mock.calls[0];
    expect(String(url)).toBe('http://vigil:3000/api/v1/config?dryRun=true&message=a+b%26c');
    expect(init?.method).toBe('PUT');
    expect(init?.body).toBe('apiVersion: vigil/v1');
    expect(init?.headers).toMatchObject({
      authorization: 'Bearer k',
      'content-type': 'application/yaml',
      'if-match': '3',
    });
  });

  it('throws the API error with its details', async () => {
    const body = {
      statusCode: 409,
      error: 'Conflict',
      message: 'If-Match: the current config version is 4, not 3',
    };
    const client = new VigilClient({
      server: 'http://vigil:3000',
      token: 'k',
      fetch: reply(409, JSON.stringify(body)) as typeof fetch,
    });
    await expect(client.get('/config')).rejects.toMatchObject({
      status: 409,
      message: 'If-Match: the current config version is 4, not 3 (HTTP 409)',
    });
  });

  it('reports an unreachable server as an API error (exit 1)', async () => {
    const fetchFn = jest.fn(async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND vigil') });
    });
    const client = new VigilClient({
      server: 'http://vigil:3000',
      token: 'k',
      fetch: fetchFn as typeof fetch,
    });
    await expect(client.get('/idcs')).rejects.toMatchObject({
      exitCode: EXIT_API,
      message: 'cannot reach Vigil at http://vigil:3000: getaddrinfo ENOTFOUND vigil',
    });
  });
});

describe('SseParser', () => {
  it('returns the data of each complete event, across chunks, skipping comments and other fields', () => {
    const parser = new SseParser();
    expect(parser.push(': connected\n\n')).toEqual([]);
    expect(parser.push('data: {"a":')).toEqual([]);
    expect(parser.push('1}\n')).toEqual([]);
    expect(parser.push('\nid: 7\nevent: x\ndata:{"b":2}\r\n\r')).toEqual(['{"a":1}']);
    expect(parser.push('\n: heartbeat\n\n')).toEqual(['{"b":2}']);
  });

  it('joins the data lines of one event with newlines', () => {
    expect(new SseParser().push('data: one\ndata: two\n\n')).toEqual(['one\ntwo']);
  });
});

describe('VigilClient.send and stream', () => {
  const events = (...chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    });

  it('sends a JSON body', async () => {
    const fetchFn = jest.fn(async (_url: Parameters<typeof fetch>[0], _init?: RequestInit) =>
      Response.json({ paused: true }),
    );
    const client = new VigilClient({
      server: 'http://vigil:3000',
      token: 'k',
      fetch: fetchFn as typeof fetch,
    });
    await expect(client.send('POST', '/automation/pause', { reason: 'incident' })).resolves.toEqual({
      paused: true,
    });
    const [url, init] = fetchFn.mock.calls[0];
    expect(String(url)).toBe('http://vigil:3000/api/v1/automation/pause');
    expect(init).toMatchObject({
      method: 'POST',
      body: '{"reason":"incident"}',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    });
  });

  it('yields each event as JSON with the filters as query, and says when the server closes the stream', async () => {
    const fetchFn = jest.fn(
      async (_url: Parameters<typeof fetch>[0], _init?: RequestInit) =>
        new Response(events(': connected\n\n', 'data: {"kind":"idc"}\n\ndata: not json\n\n'), {
          headers: { 'content-type': 'text/event-stream' },
        }),
    );
    const client = new VigilClient({
      server: 'http://vigil:3000',
      token: 'k',
      fetch: fetchFn as typeof fetch,
    });
    const got: unknown[] = [];
    const stream = client.stream(
      '/events/stream',
      { service: 'web', kind: undefined },
      new AbortController().signal,
    );
    await expect(
      (async () => {
        for await (const e of stream) got.push(e);
      })(),
    ).rejects.toMatchObject({
      exitCode: EXIT_API,
      message: 'Vigil at http://vigil:3000 closed the event stream',
    });
    expect(got).toEqual([{ kind: 'idc' }, 'not json']);
    const [url, init] = fetchFn.mock.calls[0];
    expect(String(url)).toBe('http://vigil:3000/api/v1/events/stream?service=web');
    expect(init?.headers).toMatchObject({ accept: 'text/event-stream', authorization: 'Bearer k' });
  });

  it('ends quietly once the signal aborts', async () => {
    const abort = new AbortController();
    const fetchFn = jest.fn(async (_url: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: {"n":1}\n\n'));
          init?.signal?.addEventListener('abort', () =>
            controller.error(new DOMException('aborted', 'AbortError')),
          );
        },
      });
      return new Response(body);
    });
    const client = new VigilClient({
      server: 'http://vigil:3000',
      token: 'k',
      fetch: fetchFn as typeof fetch,
    });
    const got: unknown[] = [];
    for await (const e of client.stream('/events/stream', {}, abort.signal)) {
      got.push(e);
      abort.abort();
    }
    expect(got).toEqual([{ n: 1 }]);
  });

  it('throws the API error of a refused stream (429)', async () => {
    const body = { statusCode: 429, message: 'too many open streams for this API key' };
    const fetchFn = jest.fn(async () =>
      Response.json(body, { status: 429, statusText: 'Too Many Requests' }),
    );
    const client = new VigilClient({
      server: 'http://vigil:3000',
      token: 'k',
      fetch: fetchFn as typeof fetch,
    });
    const iterate = async () => {
      for await (const _ of client.stream('/events/stream', {}, new AbortController().signal)) void _;
    };
    await expect(iterate()).rejects.toMatchObject({
      status: 429,
      message: 'too many open streams for this API key (HTTP 429 Too Many Requests)',
    });
  });
});

describe('VigilClient.api (the typed client) through ok()', () => {
  it('sends the typed request with the bearer key and returns the data', async () => {
    const fetchFn = jest.fn(async (_url: Parameters<typeof fetch>[0], _init?: RequestInit) =>
      Response.json({ paused: true, reason: 'x', by: 'bob', since: null }),
    );
    const client = new VigilClient({
      server: 'http://vigil:3000/',
      token: 'k',
      fetch: fetchFn as typeof fetch,
    });
    const state = await client.ok(client.api.POST('/api/v1/automation/pause', { body: { reason: 'x' } }));
    expect(state.paused).toBe(true);
    const [url, init] = fetchFn.mock.calls[0];
    expect(String(url)).toBe('http://vigil:3000/api/v1/automation/pause');
    expect(init).toMatchObject({ method: 'POST', body: '{"reason":"x"}' });
    expect(init?.headers).toMatchObject({ authorization: 'Bearer k', 'content-type': 'application/json' });
  });

  it('throws the API error with its details (exit 1), and a network error as one', async () => {
    const body = {
      statusCode: 400,
      message: 'invalid',
      details: [{ path: 'weights.szx', message: 'unknown IDC' }],
    };
    const refuse = jest.fn(async () => Response.json(body, { status: 400, statusText: 'Bad Request' }));
    const client = new VigilClient({
      server: 'http://vigil:3000',
      token: 'k',
      fetch: refuse as typeof fetch,
    });
    const call = client.api.PUT('/api/v1/services/{name}/weights', {
      params: { path: { name: 'web' } },
      body: { weights: { szx: 1 }, reason: 'x' },
    });
    await expect(client.ok(call)).rejects.toMatchObject({
      exitCode: EXIT_API,
      status: 400,
      message: 'invalid (HTTP 400 Bad Request)',
      details: [{ path: 'weights.szx', message: 'unknown IDC' }],
    });
    const down = jest.fn(async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    });
    const offline = new VigilClient({
      server: 'http://127.0.0.1:1',
      token: 'k',
      fetch: down as typeof fetch,
    });
    await expect(offline.ok(offline.api.GET('/api/v1/automation'))).rejects.toMatchObject({
      exitCode: EXIT_API,
      message: 'cannot reach Vigil at http://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1',
    });
  });
});
