import { call } from './support/http';
import { poll, sample } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

describe('GET /events/stream limits (VIGIL_STREAMS_PER_KEY=3, VIGIL_STREAMS_MAX=5)', () => {
  let vigil: VigilUnderTest;
  const keys = { a: '', b: '' };
  /** Every stream a test opened, closed after it whatever happened. */
  const opened: AbortController[] = [];

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api', VIGIL_STREAMS_PER_KEY: '3', VIGIL_STREAMS_MAX: '5' });
    for (const name of ['a', 'b'] as const) {
      const res = await call(vigil.url, 'POST', '/api/v1/api-keys', {
        token: vigil.adminToken,
        json: { name: `viewer-${name}`, role: 'viewer' },
      });
      expect(res.status).toBe(201);
      keys[name] = res.body.token;
    }
  });
  afterEach(() => {
    for (const stream of opened.splice(0)) stream.abort();
  });
  afterAll(async () => {
    await vigil?.close();
  });

  /** Opens a stream; an accepted one stays open until `close`, a refused one has its body read. */
  async function open(token: string) {
    const abort = new AbortController();
    opened.push(abort);
    const res = await fetch(`${vigil.url}/api/v1/events/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    const body = res.status === 200 ? undefined : ((await res.json()) as { message: string });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body,
      close: () => abort.abort(),
    };
  }

  const openStreams = async () =>
    sample(
      (await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken })).text,
      'vigil_event_streams',
    );

  it('refuses a key past its share with 429 and Retry-After, and takes it again once one closes', async () => {
    const streams = [await open(keys.a), await open(keys.a), await open(keys.a)];
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    expect(await openStreams()).toBe(3);

    const refused = await open(keys.a);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('30');
    expect(refused.body).toMatchObject({
      statusCode: 429,
      message: expect.stringContaining('VIGIL_STREAMS_PER_KEY'),
    });
    // Another key still has its own share.
    expect((await open(keys.b)).status).toBe(200);

    streams[0].close();
    const again = await poll(
      async () => {
        const next = await open(keys.a);
        return next.status === 200 ? next : undefined;
      },
      10_000,
      'the closed stream to give its slot back',
    );
    expect(again.status).toBe(200);
    expect(await openStreams()).toBe(4);
  });

  it('refuses every key past the process cap, and counts the streams in vigil_event_streams', async () => {
    await poll(async () => ((await openStreams()) === 0 ? true : undefined), 10_000, 'no stream open');
    const statuses = [];
    for (const token of [keys.a, keys.a, keys.a, keys.b, keys.b]) statuses.push((await open(token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(await openStreams()).toBe(5);

    const refused = await open(keys.b);
    expect(refused.status).toBe(429);
    expect(refused.body?.message).toContain('VIGIL_STREAMS_MAX');
    expect((await open(vigil.adminToken)).status).toBe(429);
  });
});
