import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileProbe } from './compile';
import { closeKeepalivePools, POOL_CONNECTIONS } from './http-connect';
import {
  closedPort,
  makeCert,
  makeCheck,
  makeContext,
  makeEndpoint,
  startHttpServer,
  startHttpsServer,
  type TestServer,
} from './test-servers';
import type { ProbeOutcome } from './types';

const HUGE_BYTES = 16 * 1024 * 1024;
const SLACK_MS = 1_000;
let hugeSent = 0;
let hugeClosed: Promise<void> = Promise.resolve();

function pumpHuge(res: ServerResponse): void {
  hugeSent = 0;
  hugeClosed = new Promise((resolve) => res.on('close', resolve));
  res.writeHead(200, { 'content-type': 'text/plain' });
  const chunk = Buffer.alloc(16 * 1024, 'a');
  const pump = (): void => {
    while (hugeSent < HUGE_BYTES) {
      hugeSent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end('zzz');
  };
  pump();
}

function routes(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  if (path === '/ok') return void res.writeHead(200, { 'x-version': '1.2.3' }).end('hello world');
  if (path === '/json') return void res.end(JSON.stringify({ status: 'up', items: [{ id: 7 }] }));
  if (path === '/error') return void res.writeHead(500).end('boom');
  if (path === '/created') return void res.writeHead(201).end();
  if (path === '/slow') return void setTimeout(() => res.end('late'), 150);
  if (path === '/hang') return;
  if (path === '/reset') return void req.socket.resetAndDestroy();
  if (path === '/redirect') return void res.writeHead(302, { location: '/ok' }).end();
  if (path === '/huge') return pumpHuge(res);
  if (path === '/auth')
    return void res.writeHead(req.headers.authorization === 'Bearer s3cret' ? 200 : 401).end();
  if (path === '/echo') return void req.pipe(res);
  if (path === '/stall') {
    // Answers, then stalls this process's event loop past the probe's timeout: the answer waits in
    // the socket while the timeout is due, as on a machine busy enough to delay the prober.
    res.end('hello world');
    const until = performance.now() + 400;
    while (performance.now() < until);
    return;
  }
  res.writeHead(404).end();
}

let server: TestServer;
let base: string;
const ctx = makeContext({ PROBE_TOKEN: 'Bearer s3cret' });

beforeAll(async () => {
  server = await startHttpServer(routes);
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await closeKeepalivePools();
  await server.close();
});

function probe(http: Record<string, unknown>, url = `${base}/ok`, timeout = '1s'): Promise<ProbeOutcome> {
  return compileProbe(makeCheck({ type: 'http', timeout, http }), makeEndpoint({ url }), ctx)();
}

describe('http probe', () => {
  it('passes a 2xx answer and reports its phases', async () => {
    const outcome = await probe({});
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    expect(outcome.errorKind).toBeUndefined();
    const { connectMs, firstByteMs } = outcome.phases ?? {};
    expect(connectMs).toBeGreaterThanOrEqual(0);
    expect(firstByteMs).toBeGreaterThanOrEqual(connectMs ?? Infinity);
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(firstByteMs ?? Infinity);
  });

  it('fails a 500 as status', async () => {
    const outcome = await probe({}, `${base}/error`);
    expect(outcome).toMatchObject({ ok: false, errorKind: 'status', statusCode: 500 });
    expect(outcome.detail).toBe('status 500, expected 2xx');
  });

  it('accepts only the expected status set', async () => {
    expect(await probe({ expectStatus: [201, '4xx'] }, `${base}/created`)).toMatchObject({
      ok: true,
      statusCode: 201,
    });
    const outcome = await probe({ expectStatus: [200, 204] }, `${base}/created`);
    expect(outcome).toMatchObject({
      ok: false,
      errorKind: 'status',
      detail: 'status 201, expected 200, 204',
    });
  });

  it('lets http.path override the url path, with an address endpoint too', async () => {
    const check = makeCheck({ type: 'http', http: { path: '/error' } });
    const viaUrl = await compileProbe(check, makeEndpoint({ url: `${base}/ok` }), ctx)();
    const viaAddress = await compileProbe(
      check,
      makeEndpoint({ address: `127.0.0.1:${server.port}` }),
      ctx,
    )();
    expect(viaUrl).toMatchObject({
      errorKind: 'status',
      statusCode: 500,
      detail: 'status 500, expected 2xx',
    });
    expect(viaAddress).toMatchObject({
      errorKind: 'status',
      statusCode: 500,
      detail: 'status 500, expected 2xx',
    });
  });

  it('checks the body: contains, regex and JSON path', async () => {
    expect(await probe({ bodyContains: 'world' })).toMatchObject({ ok: true });
    expect(await probe({ bodyContains: 'planet' })).toMatchObject({
      errorKind: 'body',
      detail: 'body lacks "planet"',
    });
    expect(await probe({ bodyRegex: '^hel+o\\s' })).toMatchObject({ ok: true });
    const regex = await probe({ bodyRegex: '^world' });
    expect(regex).toMatchObject({ errorKind: 'body', detail: 'body does not match /^world/' });
    const json = `${base}/json`;
    expect(await probe({ jsonPath: { path: '$.items[0].id', equals: 7 } }, json)).toMatchObject({ ok: true });
    expect(await probe({ jsonPath: { path: '$.status' } }, json)).toMatchObject({ ok: true });
    const wrong = await probe({ jsonPath: { path: '$.status', equals: 'down' } }, json);
    expect(wrong).toMatchObject({ errorKind: 'body', detail: '$.status is "up", expected "down"' });
    const missing = await probe({ jsonPath: { path: '$.items[3]' } }, json);
    expect(missing).toMatchObject({ errorKind: 'body', detail: '$.items[3] is missing' });
    expect(await probe({ jsonPath: { path: '$.a' } })).toMatchObject({
      errorKind: 'body',
      detail: 'body is not JSON',
    });
  });

  it('matches response headers (substring), failing as body', async () => {
    expect(await probe({ headerMatch: { 'X-Version': '1.2.' } })).toMatchObject({ ok: true });
    const outcome = await probe({ headerMatch: { 'x-version': '2.0' } });
    expect(outcome).toMatchObject({ ok: false, errorKind: 'body', statusCode: 200 });
    expect(outcome.detail).toBe('header x-version lacks "2.0"');
  });

  it('fails a correct but slow answer as latency', async () => {
    const outcome = await probe({ maxLatency: '50ms' }, `${base}/slow`);
    expect(outcome).toMatchObject({ ok: false, errorKind: 'latency', statusCode: 200 });
    expect(outcome.detail).toMatch(/^took \d+ ms, max 50 ms$/);
    expect(outcome.latencyMs).toBeGreaterThan(50);
  });

  it('times a hanging server out within the check timeout', async () => {
    const outcome = await probe({}, `${base}/hang`, '300ms');
    expect(outcome).toMatchObject({ ok: false, errorKind: 'timeout', detail: 'no answer within 300 ms' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(290);
    expect(outcome.latencyMs).toBeLessThan(300 + SLACK_MS);
    expect(outcome.phases?.connectMs).toBeDefined();
  });

  it('passes an answer that arrived before the timeout even when the loop stalled past it', async () => {
    const outcome = await probe({}, `${base}/stall`, '200ms');
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
  });

  it('reports a reset connection as reset', async () => {
    const outcome = await probe({}, `${base}/reset`);
    expect(outcome).toMatchObject({ ok: false, errorKind: 'reset' });
    expect(outcome.detail).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('reports a closed port as refused', async () => {
    const outcome = await probe({}, `http://127.0.0.1:${await closedPort()}/`);
    expect(outcome).toMatchObject({ ok: false, errorKind: 'refused' });
    expect(outcome.detail).toContain('ECONNREFUSED');
  });

  it('does not follow redirects unless told to', async () => {
    const kept = await probe({}, `${base}/redirect`);
    expect(kept).toMatchObject({ ok: false, errorKind: 'status', statusCode: 302 });
    expect(kept.detail).toBe('status 302 to /ok, expected 2xx');
    const followed = await probe({ followRedirects: true, bodyContains: 'hello' }, `${base}/redirect`);
    expect(followed).toMatchObject({ ok: true, statusCode: 200 });
  });

  it('reads at most 64 KiB of a huge body and drops the connection', async () => {
    const outcome = await probe({ bodyContains: 'zzz' }, `${base}/huge`, '5s');
    expect(outcome).toMatchObject({ ok: false, errorKind: 'body', detail: 'body lacks "zzz"' });
    await hugeClosed;
    expect(hugeSent).toBeLessThan(HUGE_BYTES / 2);
    const json = await probe({ jsonPath: { path: '$.a' } }, `${base}/huge`, '5s');
    expect(json).toMatchObject({ errorKind: 'body', detail: 'body is not JSON (cut at 65536 bytes)' });
    await hugeClosed;
    expect(hugeSent).toBeLessThan(HUGE_BYTES / 2);
  });

  it('sends method, body and headers with secrets opened, never showing them', async () => {
    const auth = { Authorization: { secretRef: 'PROBE_TOKEN' } };
    expect(await probe({ headers: auth }, `${base}/auth`)).toMatchObject({ ok: true, statusCode: 200 });
    const denied = await probe({}, `${base}/auth`);
    expect(denied).toMatchObject({
      errorKind: 'status',
      statusCode: 401,
      detail: 'status 401, expected 2xx',
    });
    expect(JSON.stringify(denied)).not.toContain('s3cret');
    const echo = await probe({ method: 'POST', body: 'ping-42', bodyContains: 'ping-42' }, `${base}/echo`);
    expect(echo).toMatchObject({ ok: true, statusCode: 200 });
    const missing = compileProbe(
      makeCheck({ type: 'http', http: { headers: { Authorization: { secretRef: 'NOT_SET' } } } }),
      makeEndpoint({ url: base }),
      ctx,
    );
    expect(await missing()).toMatchObject({
      ok: false,
      errorKind: 'other',
      detail: expect.stringContaining('NOT_SET'),
    });
  });
});

describe('http connection policy', () => {
  async function connectionsFor(connection: 'new' | 'keepalive'): Promise<number> {
    const counted = await startHttpServer((_req, res) => res.end('ok'));
    try {
      const run = compileProbe(
        makeCheck({ type: 'http', http: { connection } }),
        makeEndpoint({ url: `http://127.0.0.1:${counted.port}/` }),
        ctx,
      );
      for (let i = 0; i < 3; i++) {
        expect(await run()).toMatchObject({ ok: true, statusCode: 200 });
        // Real probes are an interval apart. undici marks a pooled connection free on the next turn of the
        // event loop after a response ends; a probe started in the same turn would open a second one.
        await new Promise(setImmediate);
      }
      return counted.connections();
    } finally {
      await closeKeepalivePools();
      await counted.close();
    }
  }

  it('opens a new connection per probe by default', async () => {
    expect(await connectionsFor('new')).toBe(3);
  });

  it('reuses one connection with keepalive', async () => {
    expect(await connectionsFor('keepalive')).toBe(1);
  });

  it('bounds keepalive probes by the check timeout too', async () => {
    const outcome = await probe({ connection: 'keepalive' }, `${base}/hang`, '200ms');
    expect(outcome).toMatchObject({ ok: false, errorKind: 'timeout' });
    expect(outcome.latencyMs).toBeLessThan(200 + SLACK_MS);
  });
});

describe('keepalive probes queued in the pool', () => {
  it('end at their timeout while every connection of the origin is busy', async () => {
    const held: ServerResponse[] = [];
    const holding = await startHttpServer((_req, res) => void held.push(res));
    const url = `http://127.0.0.1:${holding.port}/`;
    try {
      // Long probes take every connection the pool may open; one more waits in undici's queue.
      const long = Array.from({ length: POOL_CONNECTIONS }, () =>
        probe({ connection: 'keepalive' }, url, '60s'),
      );
      let longSettled = false;
      void Promise.all(long).then(() => (longSettled = true));
      for (const deadline = Date.now() + 10_000; held.length < POOL_CONNECTIONS && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(held).toHaveLength(POOL_CONNECTIONS);
      const queued = await probe({ connection: 'keepalive' }, url, '100ms');
      expect(queued).toMatchObject({ ok: false, errorKind: 'timeout' });
      // It did not wait for a connection to come free: those are all still held.
      expect(longSettled).toBe(false);
      for (const res of held) res.end('ok');
      expect((await Promise.all(long)).every((o) => o.ok)).toBe(true);
    } finally {
      await closeKeepalivePools();
      await holding.close();
    }
  });
});

describe('https probe', () => {
  let secure: TestServer;
  beforeAll(async () => {
    const cert = await makeCert(['localhost'], -1, 30);
    secure = await startHttpsServer(cert, (_req, res) => res.end('secure hello'));
  });
  afterAll(() => secure.close());

  function probeHttps(http: Record<string, unknown>): Promise<ProbeOutcome> {
    const check = makeCheck({ type: 'https', http });
    return compileProbe(check, makeEndpoint({ url: `https://localhost:${secure.port}/` }), ctx)();
  }

  it('passes an untrusted certificate when tlsVerify is false, with connect and TLS phases', async () => {
    const outcome = await probeHttps({ tlsVerify: false, bodyContains: 'secure' });
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    const { connectMs, tlsMs, firstByteMs } = outcome.phases ?? {};
    expect(tlsMs).toBeGreaterThanOrEqual(connectMs ?? Infinity);
    expect(firstByteMs).toBeGreaterThanOrEqual(tlsMs ?? Infinity);
  });

  it('fails an untrusted certificate as tls when tlsVerify is true', async () => {
    const outcome = await probeHttps({});
    expect(outcome).toMatchObject({ ok: false, errorKind: 'tls' });
    expect(outcome.detail).toMatch(/self[- ]signed/i);
    expect(outcome.statusCode).toBeUndefined();
  });

  it('keeps TLS settings per keepalive pool', async () => {
    expect(await probeHttps({ tlsVerify: false, connection: 'keepalive' })).toMatchObject({ ok: true });
    const verified = await probeHttps({ tlsVerify: true, connection: 'keepalive' });
    expect(verified).toMatchObject({
      ok: false,
      errorKind: 'tls',
      detail: expect.stringMatching(/self[- ]signed/i),
    });
  });
});
