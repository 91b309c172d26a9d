import Redis from 'ioredis';
import { startReceiver, type Receiver } from '@libs/fleet';
import { CONFIG_CHANNEL, redisKey } from '@libs/runtime';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

const PROBE_TOKEN = 'Bearer probe-token-kept-by-vigil';
const ROUTING_KEY = 'pd0routing0key0for0secrets0e2e00';

/**
 * Secrets an operator key must not be able to take out of Vigil: Vigil's own credentials through a
 * secretRef, and stored secrets through a re-pointed destination or a dry-run guess.
 */
describe('config secrets stay where the host operator put them', () => {
  let vigil: VigilUnderTest;
  let receiver: Receiver;
  const put = (doc: unknown, query = '') =>
    call(vigil.url, 'PUT', `/api/v1/config${query}`, { token: vigil.adminToken, json: doc });
  const get = (path: string) => call(vigil.url, 'GET', path, { token: vigil.adminToken });
  const versions = async () => (await get('/api/v1/config/versions')).body.total as number;

  /** A probe with a sealed Authorization header and a PagerDuty channel, both sent to the receiver. */
  const config = (authorization: unknown = { value: PROBE_TOKEN }) => ({
    apiVersion: 'vigil/v1',
    idcs: [{ name: 'sha', capacity: 100 }],
    services: [
      {
        name: 'api',
        endpoints: [{ idc: 'sha', name: 'sha-1', url: `${receiver.url}/healthz` }],
        checks: [
          {
            name: 'http',
            type: 'http',
            interval: '1s',
            timeout: '500ms',
            http: { headers: { Authorization: authorization } },
          },
        ],
      },
    ],
    channels: [
      { name: 'hook', type: 'webhook', url: `${receiver.url}/hook`, secret: { value: 'hook-hmac-key' } },
      { name: 'pd', type: 'pagerduty', url: `${receiver.url}/pd`, routingKey: { value: ROUTING_KEY } },
    ],
  });

  beforeAll(async () => {
    receiver = await startReceiver();
    vigil = await startVigil({ VIGIL_SECRET_KEY: 'secrets-e2e-key-0123456789' });
  });
  afterAll(async () => {
    await vigil.close();
    await receiver.close();
  });

  it("refuses a secretRef to Vigil's own credentials or outside VIGIL_REF_, naming the path, and applies nothing", async () => {
    const doc = config({ secretRef: 'VIGIL_ADMIN_TOKEN' });
    doc.channels[1].routingKey = { secretRef: 'DATABASE_URL' } as never;
    doc.channels[0].secret = { secretRef: 'HOME' } as never;
    for (const query of ['?dryRun=true', '']) {
      const res = await put(doc, query);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        {
          path: 'services[0].checks[0].http.headers.Authorization.secretRef',
          message: "VIGIL_ADMIN_TOKEN is one of Vigil's own variables and cannot be used as a secretRef",
        },
        {
          path: 'channels[0].secret.secretRef',
          message: expect.stringContaining('must name a variable starting with "VIGIL_REF_"'),
        },
        {
          path: 'channels[1].routingKey.secretRef',
          message: "DATABASE_URL is one of Vigil's own variables and cannot be used as a secretRef",
        },
      ]);
    }
    expect(await versions()).toBe(0);
    expect(JSON.stringify(receiver.requests)).not.toContain(vigil.adminToken);
  });

  it('applies the config with sealed secrets and probes with the header', async () => {
    expect((await put(config())).body).toMatchObject({ version: 1, changed: true });
    await poll(
      async () => receiver.requests.find((r) => r.headers.authorization === PROBE_TOKEN),
      15_000,
      'a probe carrying the sealed header',
    );
  });

  it('refuses "<redacted>" where the destination of the secret changed, naming the path', async () => {
    const shown = (await get('/api/v1/config')).body;
    shown.services[0].endpoints[0].url = 'http://attacker.example:8080/healthz';
    shown.channels[1].url = 'https://attacker.example/v2/enqueue';
    const message =
      'is "<redacted>" but where this secret is sent changed; send the value again to send it there';
    for (const query of ['?dryRun=true', '']) {
      const res = await put(shown, query);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        { path: 'services[0].checks[0].http.headers.Authorization', message },
        { path: 'channels[1].routingKey', message },
      ]);
    }
    expect(await versions()).toBe(1);
  });

  it('gives the same plan to a dry run with a right and with a wrong guess of a stored secret', async () => {
    const right = await put(config(), '?dryRun=true');
    const wrong = await put(config({ value: 'Bearer a-wrong-guess' }), '?dryRun=true');
    expect(right.status).toBe(200);
    expect(right.body).toEqual(wrong.body);
    expect(right.body.plan.changes).toEqual([
      {
        kind: 'service',
        name: 'api',
        op: 'update',
        fields: [
          { path: 'checks[http].http.headers.Authorization', before: '<secret>', after: '<secret changed>' },
        ],
      },
      {
        kind: 'channel',
        name: 'hook',
        op: 'update',
        fields: [{ path: 'secret', before: '<secret>', after: '<secret changed>' }],
      },
      {
        kind: 'channel',
        name: 'pd',
        op: 'update',
        fields: [{ path: 'routingKey', before: '<secret>', after: '<secret changed>' }],
      },
    ]);
  });

  it('applies the same values given again as a harmless new version: the probe sends the same header', async () => {
    expect((await put(config())).body).toMatchObject({ version: 2, changed: true });
    const from = receiver.requests.length;
    await poll(
      async () => receiver.requests.slice(from).find((r) => r.headers.authorization === PROBE_TOKEN),
      15_000,
      'a probe of version 2 carrying the same header',
    );
  });

  it('never sends a refused variable named by a version stored before the rule, and will not restore it', async () => {
    // As an older Vigil would have stored it: the same document, its header now naming the admin token.
    await vigil.sql(
      `INSERT INTO config_versions (version, author, message, document, plan)
       SELECT version + 1, 'older-vigil', 'stored before secretRefs were restricted',
              jsonb_set(document, '{services,0,checks,0,http,headers,Authorization}', '{"secretRef": "VIGIL_ADMIN_TOKEN"}'),
              plan
       FROM config_versions ORDER BY version DESC LIMIT 1`,
    );
    const redis = new Redis(vigil.env.REDIS_URL);
    try {
      await redis.publish(redisKey(vigil.env, CONFIG_CHANNEL), '3');
    } finally {
      await redis.quit();
    }
    await poll(
      async () => {
        const health = (await get('/api/v1/endpoints/api.sha-1/health')).body;
        const results: Array<{ detail?: string }> = health.lastResults ?? [];
        return results.find((r) => r.detail?.includes('secretRef VIGIL_ADMIN_TOKEN is refused'));
      },
      20_000,
      'a probe result saying the secretRef is refused',
    );
    expect(JSON.stringify(receiver.requests)).not.toContain(vigil.adminToken);

    const restore = await call(vigil.url, 'POST', '/api/v1/config/versions/3/restore', {
      token: vigil.adminToken,
    });
    expect(restore.status).toBe(400);
    expect(restore.body.details).toEqual([
      {
        path: 'services[0].checks[0].http.headers.Authorization.secretRef',
        message: "VIGIL_ADMIN_TOKEN is one of Vigil's own variables and cannot be used as a secretRef",
      },
    ]);
  });
});
