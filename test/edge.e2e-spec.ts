import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { loadEnv } from '@libs/config';
import { call } from './support/http';
import { poll } from './support/poll';
import { TcpProxy } from './support/tcp-proxy';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

const EXAMPLE = readFileSync(join(__dirname, '..', 'examples', 'multi-idc.yaml'), 'utf8');
const unknownToken = () => `vgl_${'x'.repeat(43)}`;
/** `depth` nested arrays, never closed: not JSON at all, and costly for any parser that tries. */
const unclosedArrays = (bytes: number) => '['.repeat(bytes);
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

async function createKey(vigil: VigilUnderTest, role: string): Promise<string> {
  const res = await call(vigil.url, 'POST', '/api/v1/api-keys', {
    token: vigil.adminToken,
    json: { name: `${role}-${Math.random().toString(36).slice(2, 8)}`, role },
  });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

describe('failed-auth limiter', () => {
  let vigil: VigilUnderTest;
  let viewer: string;
  beforeAll(async () => {
    // Loopback is not a trusted proxy here: X-Forwarded-For from the test is ignored.
    vigil = await startVigil({ VIGIL_AUTH_FAILURES_PER_MINUTE: '20', VIGIL_TRUST_PROXY: '10.0.0.0/8' });
    viewer = await createKey(vigil, 'viewer');
  });
  afterAll(() => vigil.close());

  it('lets exactly the limit of 200 parallel bad attempts through to a 401, the rest get 429', async () => {
    const replies = await Promise.all(
      Array.from({ length: 200 }, () => call(vigil.url, 'GET', '/api/v1/idcs', { token: unknownToken() })),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(180);
    const blocked = replies.find((r) => r.status === 429)!;
    expect(blocked.body.message).toMatch(/too many failed authentications; retry in \d+s/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 180_000); // 200 requests at once take long on a busy two-core machine

  it('never refuses a valid key from a blocked address', async () => {
    expect((await call(vigil.url, 'GET', '/api/v1/idcs', { token: unknownToken() })).status).toBe(429);
    expect((await call(vigil.url, 'GET', '/api/v1/idcs', { token: viewer })).status).toBe(200);
    expect((await call(vigil.url, 'GET', '/api/v1/api-keys', { token: vigil.adminToken })).status).toBe(200);
    expect((await call(vigil.url, 'GET', '/docs-json', { token: viewer })).status).toBe(200);
    expect((await call(vigil.url, 'GET', '/api/v1/idcs')).status).toBe(429);
  });

  it('believes X-Forwarded-For only from a trusted proxy (VIGIL_TRUST_PROXY)', async () => {
    const spoofed = await call(vigil.url, 'GET', '/api/v1/idcs', {
      token: unknownToken(),
      headers: { 'x-forwarded-for': '192.0.2.10' },
    });
    expect(spoofed.status).toBe(429);
  });
});

describe('request bodies', () => {
  let vigil: VigilUnderTest;
  let operator: string;
  let webhook: string;
  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_SECRET_KEY: 'test-secret-key-0123456789' });
    operator = await createKey(vigil, 'operator');
    webhook = await createKey(vigil, 'webhook');
  });
  afterAll(() => vigil.close());

  const post = (path: string, body: string, token?: string, contentType = 'application/json') =>
    call(vigil.url, 'POST', path, { token, body, contentType });

  it('refuses a request without a valid key before parsing its body: 401, not 400', async () => {
    const body = unclosedArrays(2 * 1024 * 1024);
    for (const token of [undefined, unknownToken()]) {
      const res = await post('/api/v1/automation/pause', body, token);
      expect(res.status).toBe(401);
    }
  });

  it('answers a request without a key before its body has been sent', async () => {
    const { url } = vigil;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${url}/api/v1/freezes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) },
      });
      req.on('response', resolve);
      req.on('error', reject);
      // 64 KiB of 2 MiB: the rest is never sent, so only an answer that does not wait for it arrives.
      req.write(unclosedArrays(64 * 1024));
    });
    expect(res.statusCode).toBe(401);
    res.destroy();
  });

  it('refuses an authenticated JSON body over VIGIL_MAX_JSON_BYTES on any route but PUT /config', async () => {
    const big = JSON.stringify({ reason: 'x'.repeat(300 * 1024) });
    const res = await post('/api/v1/automation/pause', big, operator);
    expect(res.status).toBe(413);
    expect(res.body.message).toBe('the body is larger than 262144 bytes (VIGIL_MAX_JSON_BYTES)');
    expect((await call(vigil.url, 'GET', '/api/v1/automation', { token: operator })).body.paused).toBe(false);
  });

  it('still takes a large config on PUT /config (VIGIL_MAX_BODY_BYTES)', async () => {
    const large = `${EXAMPLE}\n# ${'x'.repeat(1024 * 1024)}\n`;
    const res = await call(vigil.url, 'PUT', '/api/v1/config?dryRun=true', {
      token: operator,
      body: large,
      contentType: 'application/yaml',
    });
    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(true);
  });

  it("reads a large config only from a key that may apply it: a viewer's stops at the small limit", async () => {
    const viewer = await createKey(vigil, 'viewer');
    const res = await call(vigil.url, 'PUT', '/api/v1/config?dryRun=true', {
      token: viewer,
      body: `${EXAMPLE}\n# ${'x'.repeat(1024 * 1024)}\n`,
      contentType: 'application/yaml',
    });
    expect(res.status).toBe(413);
    expect(res.body.message).toContain('VIGIL_MAX_JSON_BYTES');
  });

  it('keeps the webhook limit (VIGIL_WEBHOOK_MAX_BODY_BYTES) for webhooks', async () => {
    const padded = `{"alerts": []${' '.repeat(512 * 1024)}}`;
    expect((await post('/api/v1/webhooks/generic', padded, webhook)).status).toBe(200);
  });

  it.each<[string, string, string, string]>([
    ['a JSON body', '/api/v1/freezes', nestedArrays(65), 'application/json'],
    ['a webhook body', '/api/v1/webhooks/generic', `{"alerts": ${nestedArrays(65)}}`, 'application/json'],
  ])('refuses %s nested deeper than 64 levels with 400', async (_name, path, body, contentType) => {
    const token = path.includes('webhooks') ? webhook : operator;
    const res = await post(path, body, token, contentType);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/deeper than 64 levels/);
  });

  it('refuses a YAML config nested deeper than 64 levels with 400', async () => {
    const res = await call(vigil.url, 'PUT', '/api/v1/config?dryRun=true', {
      token: operator,
      body: `idcs: ${'['.repeat(100_000)}`,
      contentType: 'application/yaml',
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].message).toMatch(/deeper than 64 levels/);
  });
});

describe('with Redis cut away', () => {
  let vigil: VigilUnderTest;
  let proxy: TcpProxy;
  let viewer: string;
  let operator: string;
  beforeAll(async () => {
    const redis = new URL(loadEnv().REDIS_URL);
    proxy = new TcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    await proxy.start();
    vigil = await startVigil({
      REDIS_URL: proxy.rewrite(loadEnv().REDIS_URL),
      VIGIL_ROLES: 'api',
      VIGIL_AUTH_FAILURES_PER_MINUTE: '5',
      VIGIL_SECRET_KEY: 'test-secret-key-0123456789',
    });
    viewer = await createKey(vigil, 'viewer');
    operator = await createKey(vigil, 'operator');
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: operator,
      body: EXAMPLE,
      contentType: 'application/yaml',
    });
    expect(applied.status).toBe(200);
  });
  afterEach(() => proxy.restore());
  afterAll(async () => {
    await vigil.close();
    await proxy.stop();
  });

  const endpointHealth = () =>
    call(vigil.url, 'GET', '/api/v1/endpoints/live-edge.sha-edge-1/health', { token: viewer });

  it.each(['refuse', 'blackhole'] as const)(
    'Redis %s: a route that needs Redis answers 503, keys still work, automation can be paused',
    async (mode) => {
      expect((await endpointHealth()).status).toBe(200);
      await proxy.cut(mode);

      const unavailable = await poll(
        async () => {
          const res = await endpointHealth();
          return res.status === 200 ? undefined : res;
        },
        30_000,
        'a route that needs Redis to stop answering 200',
      );
      expect(unavailable.status).toBe(503);
      expect(unavailable.body.message).toMatch(/^Redis is unreachable \(.+\); this request needs it/);
      expect(Number(unavailable.headers.get('retry-after'))).toBeGreaterThan(0);

      // Authentication needs only Postgres; the limiter fails open, so a wrong key is a 401.
      expect((await call(vigil.url, 'GET', '/api/v1/idcs', { token: viewer })).status).toBe(200);
      for (let i = 0; i < 7; i++) {
        expect((await call(vigil.url, 'GET', '/api/v1/idcs', { token: unknownToken() })).status).toBe(401);
      }

      const paused = await call(vigil.url, 'POST', '/api/v1/automation/pause', {
        token: operator,
        json: { reason: `Redis ${mode} drill` },
      });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ paused: true, reason: `Redis ${mode} drill` });
      const resumed = await call(vigil.url, 'POST', '/api/v1/automation/resume', {
        token: operator,
        json: { reason: 'drill over' },
      });
      expect(resumed.status).toBe(200);

      await proxy.restore();
      await poll(
        async () => ((await endpointHealth()).status === 200 ? true : undefined),
        30_000,
        'the route to answer 200 again',
      );
    },
  );
});
