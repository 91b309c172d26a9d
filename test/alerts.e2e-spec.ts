import Redis from 'ioredis';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelsFingerprint } from '@libs/domain';
import type { AlertRecord } from '@libs/persistence';
import { grafanaSignature } from '@libs/runtime';
import { signatureHeaders } from '@libs/traffic';
import { call, type Reply } from './support/http';
import { poll, sample } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/** The exact bytes of a fixture (senders' bodies are posted as they were sent). */
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8').trim();
const AM = {
  firing: fixture('alertmanager-0.25-firing'),
  grouped: fixture('alertmanager-0.25-grouped'),
  resolved: fixture('alertmanager-0.25-resolved'),
};
const GRAFANA = { firing: fixture('grafana-11-firing'), resolved: fixture('grafana-11-resolved') };

const JSON_TYPE = 'application/json';
const SIGNING_ENV = 'VIGIL_REF_TEST_ALERT_SIGNING_SECRET';
const SIGNING_SECRET = 'alert-signing-secret-for-tests';
const BODY_LIMIT = 64 * 1024;

/** A small seeded PRNG (mulberry32): the random bodies are the same on every run. */
function prng(seed: number) {
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  return { next, int, pick };
}

describe('alerts received by webhook', () => {
  let vigil: VigilUnderTest;
  let redis: Redis;
  const keys: Record<'webhook' | 'viewer' | 'admin', string> = { webhook: '', viewer: '', admin: '' };

  /** Posts raw bytes (fetch adds no Content-Type to bytes: none unless given). */
  async function send(
    path: string,
    body: string | Uint8Array,
    options: { token?: string | null; contentType?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? keys.webhook : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const contentType = options.contentType === undefined ? JSON_TYPE : options.contentType;
    if (contentType) headers['content-type'] = contentType;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const res = await fetch(`${vigil.url}/api/v1/webhooks/${path}`, { method: 'POST', headers, body: bytes });
    const text = await res.text();
    const json = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: json, text };
  }
  const get = (path: string, token = keys.viewer) => call(vigil.url, 'GET', `/api/v1${path}`, { token });
  const alert = async (fingerprint: string) =>
    (await vigil.sql<AlertRecord>('SELECT * FROM alerts WHERE fingerprint = $1', [fingerprint]))[0];
  /** What a refused request must leave unchanged: the alerts and the alert events. */
  const stored = async () =>
    (
      await vigil.sql<{ alerts: number; received: number; events: number }>(
        `SELECT (SELECT count(*)::int FROM alerts) AS alerts,
                (SELECT coalesce(sum(received_count), 0)::int FROM alerts) AS received,
                (SELECT count(*)::int FROM health_events WHERE kind = 'alert') AS events`,
      )
    )[0];
  const alertEvents = () =>
    vigil.sql<{ before: string; after: string; reason: string; details: any; service: string | null }>(
      `SELECT * FROM health_events WHERE kind = 'alert' ORDER BY id`,
    );
  const authFailures = async () => {
    const found = await redis.keys(`${vigil.env.VIGIL_REDIS_PREFIX}:auth-failures:*`);
    const counts = await Promise.all(found.map((k) => redis.get(k)));
    return counts.reduce((sum, n) => sum + Number(n ?? 0), 0);
  };

  /** Endpoints on Vigil's own /healthz, a rule over alerts, and the signing secret (a secretRef). */
  const config = (alerts: Record<string, unknown>) => ({
    apiVersion: 'vigil/v1',
    idcs: [
      { name: 'sha', capacity: 100 },
      { name: 'bjs', capacity: 100 },
    ],
    services: [
      {
        name: 'live-edge',
        endpoints: ['sha', 'bjs'].map((idc) => ({
          idc,
          name: `${idc}-1`,
          url: `${vigil.url}/healthz`,
          capacity: 50,
        })),
        checks: [{ name: 'healthz', type: 'http', interval: '1s', timeout: '500ms' }],
      },
    ],
    rules: [
      {
        name: 'idc-on-fire',
        when: 'alerts.exists(a, a.labels.alertname == "IdcOnFire" && a.idc == idc.name)',
        for: '0s',
        mode: 'dry-run',
        actions: [{ type: 'shift-away' }],
      },
    ],
    alerts,
  });
  const apply = async (doc: unknown) => {
    const res = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
    expect([res.status, res.body.message]).toEqual([200, undefined]);
  };

  beforeAll(async () => {
    process.env[SIGNING_ENV] = SIGNING_SECRET;
    vigil = await startVigil({ VIGIL_WEBHOOK_MAX_BODY_BYTES: String(BODY_LIMIT) });
    redis = new Redis(vigil.env.REDIS_URL);
    for (const role of ['webhook', 'viewer', 'admin'] as const) {
      const res = await call(vigil.url, 'POST', '/api/v1/api-keys', {
        token: vigil.adminToken,
        json: { name: `${role}-key`, role },
      });
      expect(res.status).toBe(201);
      keys[role] = res.body.token;
    }
  });
  afterAll(async () => {
    redis?.disconnect();
    await vigil?.close();
    delete process.env[SIGNING_ENV];
  });

  describe('before any config', () => {
    it('refuses signed webhooks: there is no alerts.signingSecret', async () => {
      const body = '{"alerts":[{"name":"Unsigned","labels":{}}]}';
      const res = await send('generic', body, {
        token: null,
        headers: signatureHeaders(SIGNING_SECRET, body),
      });
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/signed webhooks are off/);
      expect(await stored()).toEqual({ alerts: 0, received: 0, events: 0 });
    });

    it('maps labels with the defaults (service, idc, instance)', async () => {
      const res = await send(
        'generic',
        JSON.stringify({ alerts: [{ name: 'Defaults', labels: { idc: 'x' } }] }),
      );
      expect(res.body).toEqual({ received: 1, firing: 1, resolved: 0 });
      const row = await alert(labelsFingerprint({ idc: 'x', alertname: 'Defaults' }));
      expect(row).toMatchObject({ idc: 'x', service: null, endpoint: null, source: 'generic' });
    });

    it('applies a config with a service, a rule over alerts and a signing secret', async () => {
      await apply(config({ signingSecret: { secretRef: SIGNING_ENV } }));
    });
  });

  describe('Alertmanager 0.25 fixtures', () => {
    it('stores a firing alert by fingerprint, with service and IDC from its labels', async () => {
      const res = await send('alertmanager', AM.firing);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: 1, firing: 1, resolved: 0 });
      expect(await alert('c0daecc84bfad185')).toMatchObject({
        source: 'alertmanager',
        name: 'HighErrorRate',
        status: 'firing',
        labels: { alertname: 'HighErrorRate', idc: 'sha', service: 'live-edge', severity: 'critical' },
        service: 'live-edge',
        idc: 'sha',
        endpoint: null,
        starts_at: new Date(Date.UTC(2026, 10, 23, 0, 32, 21, 733)),
        ends_at: null,
        generator_url: null,
        received_count: 1,
      });
    });

    it('stores every alert of a group; the instance label is the endpoint', async () => {
      const res = await send('alertmanager', AM.grouped);
      expect(res.body).toEqual({ received: 2, firing: 2, resolved: 0 });
      expect(await alert('9a351529926fac40')).toMatchObject({
        idc: 'sgp',
        endpoint: 'sgp-1',
        status: 'firing',
      });
      expect(await alert('d313283072e62c4d')).toMatchObject({
        idc: 'sgp',
        endpoint: 'sgp-2',
        status: 'firing',
      });
    });

    it('a repeat updates the row (received_count) and adds no row and no event', async () => {
      const before = await stored();
      expect((await send('alertmanager', AM.firing)).status).toBe(200);
      expect((await send('alertmanager', AM.firing)).status).toBe(200);
      expect(await stored()).toEqual({ ...before, received: before.received + 2 });
      expect((await alert('c0daecc84bfad185')).received_count).toBe(3);
    });

    it('the resolve updates the same alert', async () => {
      const res = await send('alertmanager', AM.resolved);
      expect(res.body).toEqual({ received: 1, firing: 0, resolved: 1 });
      expect(await alert('c0daecc84bfad185')).toMatchObject({
        status: 'resolved',
        ends_at: new Date(Date.UTC(2026, 10, 23, 0, 32, 24)),
        starts_at: new Date(Date.UTC(2026, 10, 23, 0, 32, 21, 733)),
        received_count: 4,
      });
      const rows = await vigil.sql(`SELECT 1 FROM alerts WHERE fingerprint = 'c0daecc84bfad185'`);
      expect(rows).toHaveLength(1);
    });

    it('puts starts and resolves on the timeline, repeats not', async () => {
      const events = (await alertEvents()).filter((e) => e.details.source === 'alertmanager');
      expect(events.map((e) => [e.details.fingerprint, e.before, e.after])).toEqual([
        ['c0daecc84bfad185', 'new', 'firing'],
        ['9a351529926fac40', 'new', 'firing'],
        ['d313283072e62c4d', 'new', 'firing'],
        ['c0daecc84bfad185', 'firing', 'resolved'],
      ]);
      expect(events[0]).toMatchObject({
        service: 'live-edge',
        reason: 'HighErrorRate: HighErrorRate in sha',
      });
      expect(events[0].details).toMatchObject({
        labels: { alertname: 'HighErrorRate', severity: 'critical' },
        annotations: { summary: 'HighErrorRate in sha' },
      });
      // Firing again after the resolve (a new episode: it starts after the resolve's end) is news again.
      const resolvedAt = Date.parse(JSON.parse(AM.resolved).alerts[0].endsAt);
      const episode = (status: string, endsAt: string) => {
        const body = JSON.parse(AM.firing);
        body.status = status;
        Object.assign(body.alerts[0], {
          status,
          startsAt: new Date(resolvedAt + 60_000).toISOString(),
          endsAt,
        });
        return JSON.stringify(body);
      };
      await send('alertmanager', episode('firing', '0001-01-01T00:00:00Z'));
      const again = await alertEvents();
      expect(again[again.length - 1]).toMatchObject({ before: 'resolved', after: 'firing' });
      await send('alertmanager', episode('resolved', new Date(resolvedAt + 120_000).toISOString()));
    });

    it('GET /events lists them like the health events, and ?kind=alert lists only them', async () => {
      const res = await get('/events?service=live-edge&idc=sha&limit=1000');
      expect(res.status).toBe(200);
      const alerts = res.body.items.filter((e: { kind: string }) => e.kind === 'alert');
      const only = await get('/events?kind=alert&service=live-edge&idc=sha&limit=1000');
      expect(only.status).toBe(200);
      expect(only.body.items).toEqual(alerts);
      expect(alerts[0]).toMatchObject({
        kind: 'alert',
        service: 'live-edge',
        idc: 'sha',
        before: 'firing',
        after: 'resolved',
        reason: 'HighErrorRate: HighErrorRate in sha',
        details: { fingerprint: 'c0daecc84bfad185', source: 'alertmanager' },
      });
    });
  });

  describe('Grafana and generic bodies', () => {
    it('stores a Grafana group, then its resolve', async () => {
      expect((await send('grafana', GRAFANA.firing)).body).toEqual({ received: 2, firing: 2, resolved: 0 });
      expect(await alert('5e1b7c2f9a3d4e60')).toMatchObject({
        source: 'grafana',
        name: 'EdgeCpuHigh',
        status: 'firing',
        service: 'live-edge',
        idc: 'bjs',
        endpoint: 'bjs-edge-1',
        starts_at: new Date(Date.UTC(2026, 10, 23, 0, 32, 10, 112)),
        generator_url: 'https://grafana.example/alerting/grafana/d1rdpdv7k/view?orgId=1',
      });
      expect((await send('grafana', GRAFANA.resolved)).body).toEqual({ received: 1, firing: 0, resolved: 1 });
      expect((await alert('5e1b7c2f9a3d4e60')).status).toBe('resolved');
      expect((await alert('a07c3b5d21e9f814')).status).toBe('firing');
    });

    it('an Alertmanager body on the Grafana route is a 400 naming the version', async () => {
      const res = await send('grafana', AM.firing);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        { path: 'version', message: 'expected "1" (the grafana webhook version this receiver reads)' },
      ]);
    });

    it('stores a generic alert under the fingerprint Alertmanager would give its labels', async () => {
      const labels = { service: 'vod', idc: 'bjs', instance: 'bjs-vod-3' };
      const body = {
        alerts: [
          { name: 'DiskFull', labels, annotations: { summary: '97% used' } },
          {
            labels: { alertname: 'BackupLate', service: 'vod' },
            status: 'resolved',
            fingerprint: 'backup-vod',
          },
        ],
      };
      expect((await send('generic', JSON.stringify(body))).body).toEqual({
        received: 2,
        firing: 1,
        resolved: 1,
      });
      const fingerprint = labelsFingerprint({ ...labels, alertname: 'DiskFull' });
      expect(await alert(fingerprint)).toMatchObject({
        source: 'generic',
        name: 'DiskFull',
        labels: { ...labels, alertname: 'DiskFull' },
        service: 'vod',
        idc: 'bjs',
        endpoint: 'bjs-vod-3',
        ends_at: null,
      });
      expect(await alert('backup-vod')).toMatchObject({ status: 'resolved', name: 'BackupLate' });
      // A resolve of an alert never seen firing is stored, but is no news for the timeline.
      const events = await alertEvents();
      expect(events.filter((e) => e.details.fingerprint === 'backup-vod')).toEqual([]);
      expect(events.filter((e) => e.details.fingerprint === fingerprint)).toHaveLength(1);
    });

    it('the same new alert in 12 concurrent bodies is one row, received 12 times, with one event', async () => {
      const body = JSON.stringify({ alerts: [{ name: 'Concurrent', labels: { idc: 'sha' } }] });
      const replies = await Promise.all(Array.from({ length: 12 }, () => send('generic', body)));
      expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));
      const fingerprint = labelsFingerprint({ idc: 'sha', alertname: 'Concurrent' });
      expect((await alert(fingerprint)).received_count).toBe(12);
      const events = (await alertEvents()).filter((e) => e.details.fingerprint === fingerprint);
      expect(events.map((e) => [e.before, e.after])).toEqual([['new', 'firing']]);
    });

    it("merges by the alerts' own times: a late firing copy cannot undo a resolve, nor a late resolve a new episode", async () => {
      const t0 = Date.now() - 3_600_000;
      const iso = (ms: number) => new Date(ms).toISOString();
      const post = async (status: string, startsAt: number, endsAt?: number) => {
        const item = {
          name: 'LateCopy',
          labels: { idc: 'sha' },
          fingerprint: 'late-copy',
          status,
          startsAt: iso(startsAt),
          ...(endsAt && { endsAt: iso(endsAt) }),
        };
        expect((await send('generic', JSON.stringify({ alerts: [item] }))).status).toBe(200);
        const row = await alert('late-copy');
        return [row.status, row.received_count, row.starts_at.getTime()];
      };
      const transitions = async () =>
        (await alertEvents())
          .filter((e) => e.details.fingerprint === 'late-copy')
          .map((e) => `${e.before}->${e.after}`);
      expect(await post('firing', t0)).toEqual(['firing', 1, t0]);
      expect(await post('resolved', t0, t0 + 300_000)).toEqual(['resolved', 2, t0]);
      // A retry of the first notification, delivered late (or by the other Alertmanager of a pair).
      expect(await post('firing', t0)).toEqual(['resolved', 3, t0]);
      expect(await transitions()).toEqual(['new->firing', 'firing->resolved']);
      // It fires again, then the resolve of the first episode arrives late: it stays firing.
      expect(await post('firing', t0 + 600_000)).toEqual(['firing', 4, t0 + 600_000]);
      expect(await post('resolved', t0, t0 + 300_000)).toEqual(['firing', 5, t0 + 600_000]);
      expect(await transitions()).toEqual(['new->firing', 'firing->resolved', 'resolved->firing']);
    });

    it('a firing alert whose endsAt has passed is stored as resolved, and the rules never see it', async () => {
      const item = {
        name: 'AlreadyOver',
        labels: { idc: 'sha' },
        fingerprint: 'already-over',
        endsAt: new Date(Date.now() - 60_000).toISOString(),
      };
      const res = await send('generic', JSON.stringify({ alerts: [item] }));
      expect(res.body).toEqual({ received: 1, firing: 0, resolved: 1 });
      expect(await alert('already-over')).toMatchObject({ status: 'resolved' });
      expect((await alertEvents()).filter((e) => e.details.fingerprint === 'already-over')).toEqual([]);
    });

    it('a malformed generic alert is a 400 naming the field, and the whole body is refused', async () => {
      const before = await stored();
      const body = {
        alerts: [
          { name: 'Fine', labels: {} },
          { name: 'Bad', labels: { idc: 7 } },
        ],
      };
      const res = await send('generic', JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        message: 'alerts[1].labels.idc: expected a string',
        details: [{ path: 'alerts[1].labels.idc', message: 'expected a string' }],
      });
      expect(await stored()).toEqual(before);
    });
  });

  it('counts what it stored in vigil_alerts_received_total', async () => {
    const metrics = (await call(vigil.url, 'GET', '/metrics', { token: keys.viewer })).text;
    // firing (1), grouped (2) and the re-fire (1) so far; the resolves separately.
    expect(
      sample(metrics, 'vigil_alerts_received_total{source="alertmanager",status="firing"}'),
    ).toBeGreaterThanOrEqual(3);
    expect(
      sample(metrics, 'vigil_alerts_received_total{source="alertmanager",status="resolved"}'),
    ).toBeGreaterThanOrEqual(1);
  });

  describe('GET /api/v1/alerts', () => {
    const list = async (query: string) => {
      const res = await get(`/alerts${query}`);
      expect(res.status).toBe(200);
      return res.body as { items: Array<{ fingerprint: string; [k: string]: unknown }>; next: string | null };
    };
    const fingerprints = async (query: string) => (await list(query)).items.map((a) => a.fingerprint).sort();

    it('filters by status, service, IDC, name and source', async () => {
      expect(await fingerprints('?status=firing&source=alertmanager')).toEqual([
        '9a351529926fac40',
        'd313283072e62c4d',
      ]);
      expect(await fingerprints('?status=resolved&source=grafana')).toEqual(['5e1b7c2f9a3d4e60']);
      expect(await fingerprints('?idc=sgp')).toEqual(['9a351529926fac40', 'd313283072e62c4d']);
      expect(await fingerprints('?service=live-edge&name=HighErrorRate')).toEqual(['c0daecc84bfad185']);
      expect(await fingerprints('?name=NoSuchAlert')).toEqual([]);
      expect(await fingerprints(`?endpoint=${encodeURIComponent('bjs-vod-3')}`)).toEqual([
        labelsFingerprint({ service: 'vod', idc: 'bjs', instance: 'bjs-vod-3', alertname: 'DiskFull' }),
      ]);
      // Postgres text cannot hold NUL: such a filter is refused up front (not a 500 from deep down).
      expect((await get('/alerts?service=live%00edge')).status).toBe(400);
      expect((await get('/events?service=live%00edge')).status).toBe(400);
      const [one] = (await list('?name=HighErrorRate')).items;
      expect(one).toMatchObject({
        source: 'alertmanager',
        status: 'resolved',
        labels: { alertname: 'HighErrorRate' },
        annotations: { summary: 'HighErrorRate in sha' },
        service: 'live-edge',
        idc: 'sha',
        endpoint: null,
        // The second episode (fired again a minute after the first resolve, resolved a minute later).
        startsAt: '2026-11-23T00:33:24.000Z',
        endsAt: '2026-11-23T00:34:24.000Z',
        generatorUrl: null,
        receivedCount: 6,
      });
    });

    it('pages newest first with a cursor, every alert once', async () => {
      const all = await list('');
      const seen: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((a) => a.fingerprint));
        cursor = page.next;
      }
      expect(seen).toEqual(all.items.map((a) => a.fingerprint));
      expect(new Set(seen).size).toBe(seen.length);
      const times = all.items.map((a) => Date.parse(String(a.updatedAt)));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('refuses a bad filter or cursor with 400 naming it', async () => {
      for (const [query, path] of [
        ['?status=pending', 'status'],
        ['?source=zabbix', 'source'],
        ['?cursor=bm9wZQ', 'cursor'],
        ['?limit=0', 'limit'],
      ]) {
        const res = await get(`/alerts${query}`);
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
      }
    });
  });

  describe('authentication', () => {
    const body = JSON.stringify({ alerts: [{ name: 'AuthProbe', labels: { run: String(Date.now()) } }] });

    it('admits webhook keys only: 403 for viewer and admin keys, 401 without a key; nothing stored', async () => {
      const before = await stored();
      for (const [token, status] of [
        [keys.viewer, 403],
        [keys.admin, 403],
        [vigil.adminToken, 403],
        [null, 401],
        ['vgl_not-a-key', 401],
      ] as const) {
        const res = await send('generic', body, { token });
        expect([token, res.status]).toEqual([token, status]);
        expect(res.body).toMatchObject({ statusCode: status, error: expect.any(String) });
      }
      expect(await stored()).toEqual(before);
      // And the webhook key may do nothing else.
      expect((await get('/alerts', keys.webhook)).status).toBe(403);
      expect((await get('/idcs', keys.webhook)).status).toBe(403);
    });

    it('admits a body signed with alerts.signingSecret, once', async () => {
      const headers = signatureHeaders(SIGNING_SECRET, body);
      const res = await send('generic', body, { token: null, headers });
      expect([res.status, res.body]).toEqual([200, { received: 1, firing: 1, resolved: 0 }]);
      const before = await stored();
      const failures = await authFailures();
      const replay = await send('generic', body, { token: null, headers });
      expect(replay.status).toBe(401);
      expect(replay.body.message).toMatch(/replayed/);
      expect(await stored()).toEqual(before);
      expect(await authFailures()).toBe(failures + 1);
    });

    it('refuses a bad, stale, future or partial signature with 401, counted, nothing stored', async () => {
      const fresh = JSON.stringify({ alerts: [{ name: 'SignedProbe', labels: { n: '2' } }] });
      const good = signatureHeaders(SIGNING_SECRET, fresh);
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        ['another secret', signatureHeaders('not-the-secret', fresh), /does not match/],
        ['another body', signatureHeaders(SIGNING_SECRET, `${fresh} `), /does not match/],
        ['6 minutes old', signatureHeaders(SIGNING_SECRET, fresh, Date.now() - 360_000), /tolerance/],
        ['6 minutes ahead', signatureHeaders(SIGNING_SECRET, fresh, Date.now() + 360_000), /tolerance/],
        ['no timestamp', { 'X-Vigil-Signature': good['X-Vigil-Signature'] }, /missing X-Vigil-Timestamp/],
        ['no signature', { 'X-Vigil-Timestamp': good['X-Vigil-Timestamp'] }, /missing X-Vigil-Signature/],
        ['a malformed signature', { ...good, 'X-Vigil-Signature': 'sha256=xyz' }, /malformed/],
      ];
      const before = await stored();
      const failures = await authFailures();
      for (const [name, headers, message] of cases) {
        const res = await send('generic', fresh, { token: null, headers });
        expect([name, res.status]).toEqual([name, 401]);
        expect([name, res.body.message]).toEqual([name, expect.stringMatching(message)]);
      }
      expect(await stored()).toEqual(before);
      expect(await authFailures()).toBe(failures + cases.length);
      // A key of another role with a valid signature: the key decides (403), the signature is not used.
      const viewer = await send('generic', fresh, { token: keys.viewer, headers: good });
      expect(viewer.status).toBe(403);
      expect(await stored()).toEqual(before);
      // The good signature was not spent by any of that.
      expect((await send('generic', fresh, { token: null, headers: good })).status).toBe(200);
    });

    it('signs the exact bytes: the Alertmanager fixture, signed, is stored', async () => {
      const headers = signatureHeaders(SIGNING_SECRET, AM.grouped);
      const res = await send('alertmanager', AM.grouped, { token: null, headers });
      expect(res.status).toBe(200);
      expect((await alert('9a351529926fac40')).received_count).toBe(2);
    });
    it("admits a Grafana body signed with Grafana's own HMAC (timestamp header X-Vigil-Timestamp), once", async () => {
      const ts = String(Math.floor(Date.now() / 1000));
      const headers = {
        'X-Grafana-Alerting-Signature': grafanaSignature(SIGNING_SECRET, ts, GRAFANA.firing),
        'X-Vigil-Timestamp': ts,
      };
      const res = await send('grafana', GRAFANA.firing, { token: null, headers });
      expect([res.status, res.body.received]).toEqual([200, 2]);
      const before = await stored();
      const refused: Array<[string, Record<string, string>, RegExp]> = [
        ['a replay', headers, /replayed/],
        [
          'a body-only signature (no timestamp header in Grafana)',
          {
            'X-Grafana-Alerting-Signature': createHmac('sha256', SIGNING_SECRET)
              .update(GRAFANA.firing)
              .digest('hex'),
          },
          /Timestamp Header to X-Vigil-Timestamp/,
        ],
        [
          'another secret',
          {
            ...headers,
            'X-Grafana-Alerting-Signature': grafanaSignature('not-the-secret', ts, GRAFANA.firing),
          },
          /does not match/,
        ],
      ];
      for (const [name, bad, message] of refused) {
        const again = await send('grafana', GRAFANA.firing, { token: null, headers: bad });
        expect([name, again.status, again.body.message]).toEqual([name, 401, expect.stringMatching(message)]);
      }
      expect(await stored()).toEqual(before);
    });
  });

  describe('size and content type', () => {
    it('a body over VIGIL_WEBHOOK_MAX_BODY_BYTES is a 413 in the API error shape; nothing stored', async () => {
      const before = await stored();
      const big = JSON.stringify({
        alerts: Array.from({ length: 40 }, (_, i) => ({
          name: `Big${i}`,
          labels: {},
          annotations: { description: 'x'.repeat(2000) },
        })),
      });
      expect(big.length).toBeGreaterThan(BODY_LIMIT);
      const res = await send('generic', big);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `the body is larger than ${BODY_LIMIT} bytes (VIGIL_WEBHOOK_MAX_BODY_BYTES)`,
        requestId: res.headers.get('x-request-id'),
      });
      // Signed too: the limit comes before the signature.
      const signed = await send('generic', big, {
        token: null,
        headers: signatureHeaders(SIGNING_SECRET, big),
      });
      expect(signed.status).toBe(413);
      expect(await stored()).toEqual(before);
    });

    it('a type other than JSON is a 415; +json types and a UTF-8 charset are JSON', async () => {
      const before = await stored();
      const body = JSON.stringify({ alerts: [{ name: 'TypeProbe', labels: {} }] });
      for (const contentType of [
        null,
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
      ]) {
        const res = await send('generic', body, { contentType });
        expect([contentType, res.status]).toEqual([contentType, 415]);
        expect(res.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      }
      expect(await stored()).toEqual(before);
      expect((await send('generic', body, { contentType: 'application/vnd.vigil+json' })).status).toBe(200);
      expect((await send('generic', body, { contentType: 'Application/JSON; charset="UTF-8"' })).status).toBe(
        200,
      );
    });
  });

  describe('rules see the alerts', () => {
    it('a rule with alerts.exists(...) fires for the IDC the alert names, and only there', async () => {
      const actions = () =>
        vigil.sql<{ idc: string; mode: string; state: string }>(
          `SELECT idc, mode, state FROM actions WHERE rule = 'idc-on-fire'`,
        );
      expect(await actions()).toEqual([]);
      const body = { alerts: [{ name: 'IdcOnFire', labels: { service: 'live-edge', idc: 'sha' } }] };
      expect((await send('generic', JSON.stringify(body))).status).toBe(200);
      const [action] = await poll(
        async () => {
          const rows = await actions();
          return rows.length ? rows : undefined;
        },
        30_000,
        'an action of the rule idc-on-fire',
      );
      // Dry run, or refused by a guardrail while the endpoints are not yet HEALTHY: the rule fired either way.
      expect(action).toMatchObject({
        idc: 'sha',
        mode: 'dry-run',
        state: expect.stringMatching(/^(dry-run|refused)$/),
      });
      expect((await actions()).filter((a) => a.idc !== 'sha')).toEqual([]);
    });
  });

  describe('the live timeline', () => {
    it('streams alert events on GET /events/stream', async () => {
      const abort = new AbortController();
      const res = await fetch(`${vigil.url}/api/v1/events/stream?idc=szx`, {
        headers: { authorization: `Bearer ${keys.viewer}` },
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const until = async (found: () => boolean, what: string) => {
        const timer = setTimeout(() => abort.abort(), 10_000);
        try {
          while (!found()) {
            const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
            if (chunk.done) throw new Error(`the stream ended before ${what}: ${text}`);
            text += decoder.decode(chunk.value, { stream: true });
          }
        } finally {
          clearTimeout(timer);
        }
      };
      try {
        await until(() => text.includes(': connected'), 'connected');
        const body = {
          alerts: [{ name: 'StreamProbe', labels: { idc: 'szx' }, annotations: { summary: 'live' } }],
        };
        expect((await send('generic', JSON.stringify(body))).status).toBe(200);
        await until(() => text.includes('StreamProbe'), 'the alert event');
        const line = text.split('\n').find((l) => l.startsWith('data: ') && l.includes('StreamProbe'))!;
        expect(JSON.parse(line.slice(6))).toMatchObject({
          kind: 'alert',
          idc: 'szx',
          before: 'new',
          after: 'firing',
          reason: 'StreamProbe: live',
          details: { source: 'generic', labels: { alertname: 'StreamProbe', idc: 'szx' } },
        });
      } finally {
        abort.abort();
        await reader.cancel().catch(() => undefined);
      }
    });
  });

  describe('alerts no resolve comes for', () => {
    const resolved = async (fingerprint: string) =>
      (await alert(fingerprint)).status === 'resolved' ? true : undefined;
    const expiredEvents = async (fingerprint: string) =>
      (await alertEvents())
        .filter((e) => e.details.fingerprint === fingerprint)
        .map((e) => [e.before, e.after, e.details.expired]);

    it('resolves a firing alert once its endsAt passes, with the resolve on the timeline', async () => {
      const endsAt = new Date(Date.now() + 2000).toISOString();
      const item = { name: 'IdcOnFire', labels: { idc: 'bjs' }, fingerprint: 'ends-soon', endsAt };
      expect((await send('generic', JSON.stringify({ alerts: [item] }))).body).toMatchObject({ firing: 1 });
      await poll(() => resolved('ends-soon'), 15_000, 'the alert to expire at its endsAt');
      expect((await alert('ends-soon')).ends_at?.toISOString()).toBe(endsAt);
      expect(await expiredEvents('ends-soon')).toEqual([
        ['new', 'firing', undefined],
        ['firing', 'resolved', 'endsAt'],
      ]);
    });

    it('with alerts.resolveAfter, resolves a firing alert not received again for that long', async () => {
      await apply(config({ resolveAfter: '1h', signingSecret: { secretRef: SIGNING_ENV } }));
      for (const fingerprint of ['quiet-for-long', 'heard-lately']) {
        const item = { name: 'Quiet', labels: { idc: 'bjs', n: fingerprint }, fingerprint };
        expect((await send('generic', JSON.stringify({ alerts: [item] }))).status).toBe(200);
      }
      // As if the sender had said nothing for two hours since: its resolve was lost.
      await vigil.sql(
        `UPDATE alerts SET updated_at = now() - interval '2 hours' WHERE fingerprint = 'quiet-for-long'`,
      );
      await poll(() => resolved('quiet-for-long'), 15_000, 'the quiet alert to expire');
      expect(await expiredEvents('quiet-for-long')).toEqual([
        ['new', 'firing', undefined],
        ['firing', 'resolved', 'resolveAfter'],
      ]);
      expect((await alert('heard-lately')).status).toBe('firing');
    });
  });

  describe('config alerts.labels', () => {
    it('names the labels for service, IDC and endpoint, from the next webhook on', async () => {
      await apply(config({ labels: { service: 'app', idc: 'dc', endpoint: 'host' } }));
      const labels = { app: 'vod', dc: 'szx', host: 'szx-9', idc: 'ignored' };
      const res = await send('generic', JSON.stringify({ alerts: [{ name: 'Relabelled', labels }] }));
      expect(res.status).toBe(200);
      expect(await alert(labelsFingerprint({ ...labels, alertname: 'Relabelled' }))).toMatchObject({
        service: 'vod',
        idc: 'szx',
        endpoint: 'szx-9',
      });
      // Without alerts.signingSecret in the new version, signatures are off again.
      const body = JSON.stringify({ alerts: [{ name: 'Late', labels: {} }] });
      const signed = await send('generic', body, {
        token: null,
        headers: signatureHeaders(SIGNING_SECRET, body),
      });
      expect(signed.status).toBe(401);
    });
  });

  describe('random and malformed bodies (seed 20261123)', () => {
    it('2,000 of them: always a 4xx (never a 5xx), and nothing stored', async () => {
      const random = prng(20261123);
      const ROUTES = ['alertmanager', 'grafana', 'generic'] as const;
      const GENERIC = JSON.stringify({
        alerts: [
          {
            name: 'Fuzz',
            labels: { service: 'live-edge', idc: 'sha' },
            annotations: { summary: 'fuzz' },
            status: 'firing',
            startsAt: '2030-01-02T03:04:05Z',
            endsAt: '2030-01-02T04:04:05Z',
            fingerprint: 'fuzz-1',
          },
        ],
      });
      const VALID: Record<(typeof ROUTES)[number], string[]> = {
        alertmanager: [AM.firing, AM.grouped, AM.resolved],
        grafana: [GRAFANA.firing, GRAFANA.resolved],
        generic: [GENERIC],
      };
      const KEYS = ['a', 'status', 'version', 'labels', 'name', 'x-y', '', '__proto__', 'constructor'];
      const randomJson = (depth: number): unknown => {
        const kind = random.int(depth > 3 ? 5 : 7);
        if (kind === 0) return null;
        if (kind === 1) return random.next() < 0.5;
        if (kind === 2) return random.pick([0, -1, 1.5, 1e308, -0, 4, 1]);
        if (kind === 3)
          return random.pick(['', 'firing', '4', '1', 'x'.repeat(random.int(50)), '\u0000', '😀']);
        if (kind === 4) return random.pick(['resolved', '0001-01-01T00:00:00Z', 'alerts']);
        if (kind === 5) return Array.from({ length: random.int(4) }, () => randomJson(depth + 1));
        return Object.fromEntries(
          Array.from({ length: random.int(4) }, () => [random.pick(KEYS), randomJson(depth + 1)]),
        );
      };
      /** Every field path of a JSON value. */
      const paths = (value: unknown, path: Array<string | number> = []): Array<Array<string | number>> => {
        if (value === null || typeof value !== 'object') return path.length ? [path] : [];
        const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
        return [...(path.length ? [path] : []), ...children.flatMap(([k, v]) => paths(v, [...path, k]))];
      };
      const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
      const WRONG: unknown[] = [null, true, 0, 3.5, 'text', [], [1, 'a'], {}, { k: 1 }];
      /** A fixture with a value of another type at one random field. */
      const wrongType = (text: string): string => {
        const doc = JSON.parse(text);
        const all = paths(doc);
        for (;;) {
          const path = random.pick(all);
          let parent = doc;
          for (const key of path.slice(0, -1)) parent = parent[key];
          const last = path[path.length - 1];
          const replacement = random.pick(WRONG.filter((w) => kindOf(w) !== kindOf(parent[last])));
          // Grafana's values may be null or any map of numbers: that is not wrong.
          if (last === 'values' && (replacement === null || kindOf(replacement) === 'object')) continue;
          parent[last] = replacement;
          return JSON.stringify(doc);
        }
      };
      /** A fixture with one value made invalid (too long, not storable, not a time...). */
      const badValue = (route: (typeof ROUTES)[number]): string => {
        const doc = JSON.parse(random.pick(VALID[route]));
        const a = doc.alerts[random.int(doc.alerts.length)];
        const change = random.int(9);
        if (change === 0) a.labels[random.pick(['idc', 'new'])] = 'v'.repeat(10 * 1024 + 1);
        else if (change === 1) a.labels['n'.repeat(129)] = 'v';
        else if (change === 2 && route === 'generic' && random.next() < 0.5) a.name = 'nul\u0000name';
        else if (change === 2) a.annotations.summary = `nul\u0000byte`;
        else if (change === 3) a.labels.idc = 'half \ud83d';
        else if (change === 4)
          a.startsAt = random.pick(['2026-02-30T00:00:00Z', 'yesterday', '2026-11-23T00:32:21']);
        else if (change === 5) a.status = random.pick(['FIRING', 'ok', 'pending']);
        else if (change === 6) a.fingerprint = random.pick(['', 'has space', 'a/b', 'f'.repeat(129)]);
        else if (change === 7)
          doc.alerts = Array(1001).fill({
            name: 'x',
            labels: {},
            fingerprint: 'x',
            startsAt: '2030-01-01T00:00:00Z',
            status: 'firing',
          });
        else if (route === 'generic') delete a.name;
        else doc.version = random.pick(['3', '5', '', '4 ']);
        return JSON.stringify(doc);
      };
      const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
      type Case = { route: (typeof ROUTES)[number]; body: string | Uint8Array; contentType: string | null };
      const makeCase = (): Case => {
        const route = random.pick(ROUTES);
        const valid = random.pick(VALID[route]);
        const kind = random.int(10);
        const json = (body: string | Uint8Array): Case => ({ route, body, contentType: JSON_TYPE });
        if (kind === 0) return json(JSON.stringify(randomJson(0)));
        if (kind === 1) return json(valid.slice(0, 1 + random.int(valid.length - 1))); // truncated
        if (kind <= 4) return json(wrongType(valid));
        if (kind === 5) return json(badValue(route));
        if (kind === 6) {
          const where = random.int(3);
          const nested = deep(1000 + random.int(20_000));
          if (where === 0) return json(nested);
          if (where === 1) return json(`{"version":"4","status":"firing","alerts":${nested}}`);
          return json(valid.replace(/"labels": ?\{/, `"labels": {"deep": ${nested},`));
        }
        if (kind === 7) {
          const contentType = random.pick([
            null,
            'text/plain',
            'application/xml',
            'multipart/form-data',
            'application/json; charset=utf-16',
          ]);
          return { route, body: valid, contentType };
        }
        if (kind === 8) {
          const bytes = Buffer.from(valid);
          bytes[random.int(bytes.length)] = random.pick([0xff, 0xc3, 0x80]); // not UTF-8 (or not JSON)
          return json(bytes);
        }
        return json(
          random.pick([
            '',
            ' ',
            'null',
            '[]',
            '"alerts"',
            '{}',
            '{"alerts":null}',
            '{"alerts":{}}',
            `"${'z'.repeat(70_000)}"`,
          ]),
        );
      };
      const cases = Array.from({ length: 2000 }, makeCase);

      const before = await stored();
      const statuses = new Map<number, number>();
      const accepted: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < cases.length) {
          const i = next++;
          const c = cases[i];
          const res = await send(c.route, c.body, { contentType: c.contentType });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status < 400 || res.status >= 500) {
            const shown = typeof c.body === 'string' ? c.body.slice(0, 300) : `<${c.body.length} bytes>`;
            accepted.push(
              `case ${i} (${c.route}, ${c.contentType}): ${res.status} ${res.text.slice(0, 200)} for ${shown}`,
            );
          }
          if ([400, 413, 415].includes(res.status)) {
            expect(res.body).toMatchObject({
              statusCode: res.status,
              error: expect.any(String),
              message: expect.any(String),
            });
          }
        }
      };
      await Promise.all(Array.from({ length: 6 }, worker));
      expect(accepted).toEqual([]);
      expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
      // Each family of refusals was exercised.
      expect(statuses.get(400)).toBeGreaterThan(1000);
      expect(statuses.get(413)).toBeGreaterThan(0);
      expect(statuses.get(415)).toBeGreaterThan(50);
      expect(await stored()).toEqual(before);
    }, 240_000); // 2,000 requests: a busy machine takes minutes where a free one takes seconds
  });
});
