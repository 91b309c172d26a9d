import Redis from 'ioredis';
import { request } from 'node:http';
import { DataSource } from 'typeorm';
import { driftEvent } from '@libs/domain';
import { insertTimelineEvents, publishTimelineEvents } from '@libs/persistence';
import {
  HEALTH_KEYS,
  type EndpointHealthDetail,
  type EndpointStatus,
  type IdcStatus,
  type StatusSnapshot,
} from '@libs/queue';
import { EventStreamService } from '../apps/api/src/health';
import { call, type Reply } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

const CONFIG = {
  apiVersion: 'vigil/v1',
  idcs: [
    { name: 'sha', capacity: 1000 },
    { name: 'bjs', capacity: 1000 },
  ],
  services: [
    {
      name: 'web',
      endpoints: ['sha-1', 'sha-2', 'sha-3', 'bjs-1', 'bjs-2', 'bjs-3'].map((name) => ({
        idc: name.slice(0, 3),
        name,
        url: `http://10.0.0.${name.endsWith('1') ? 1 : 2}:80${name.slice(-1)}/healthz`,
        capacity: 100,
      })),
      checks: [{ name: 'healthz', type: 'http' }],
    },
    {
      name: 'api',
      endpoints: [{ idc: 'sha', name: 'sha-1', url: 'http://10.0.1.1:8080/healthz', capacity: 100 }],
      checks: [{ name: 'healthz', type: 'http' }],
    },
  ],
};

const MIN = 60_000;
const HOUR = 60 * MIN;

const counts = (healthy: number, degraded = 0, unhealthy = 0) => ({
  UNKNOWN: 0,
  HEALTHY: healthy,
  DEGRADED: degraded,
  UNHEALTHY: unhealthy,
});

const idcStatus = (idc: string, state: IdcStatus['state']): IdcStatus => ({
  idc,
  state,
  reason: state === 'HEALTHY' ? 'ok' : 'capacity',
  score: state === 'HEALTHY' ? 98.5 : 61,
  healthyRatio: state === 'HEALTHY' ? 1 : 0.66,
  healthyCapacity: state === 'HEALTHY' ? 300 : 200,
  totalCapacity: 300,
  weight: 1,
  since: 1_700_000_000_000,
  endpoints: state === 'HEALTHY' ? counts(3) : counts(1, 1, 1),
});

const snapshot = (generatedAt: number, configVersion = 1): StatusSnapshot => ({
  generatedAt,
  configVersion,
  vantages: { live: ['sha', 'bjs'], suspect: [] },
  services: [
    {
      service: 'web',
      idcs: [idcStatus('sha', 'HEALTHY'), idcStatus('bjs', 'DEGRADED')],
      endpoints: counts(4, 1, 1),
    },
  ],
});

const endpointStatus = (name: string, state: EndpointStatus['state']): EndpointStatus => ({
  id: `web.${name}`,
  idc: name.slice(0, 3),
  state,
  reason: state === 'HEALTHY' ? 'ok' : 'down',
  score: state === 'HEALTHY' ? 100 : 0,
  since: 1_700_000_000_000,
});

const WEB_ENDPOINTS = [
  endpointStatus('sha-1', 'HEALTHY'),
  endpointStatus('sha-2', 'HEALTHY'),
  endpointStatus('sha-3', 'HEALTHY'),
  endpointStatus('bjs-1', 'UNHEALTHY'),
  endpointStatus('bjs-2', 'DEGRADED'),
  endpointStatus('bjs-3', 'HEALTHY'),
];

const DETAIL: EndpointHealthDetail = {
  ...endpointStatus('bjs-1', 'UNHEALTHY'),
  service: 'web',
  capacity: 100,
  vantages: [
    {
      vantage: 'sha',
      check: 'healthz',
      state: 'DOWN',
      successes: 0,
      failures: 4,
      lastAt: 1_700_000_100_000,
      lastOk: false,
      lastError: 'timeout',
    },
    {
      vantage: 'bjs',
      check: 'healthz',
      state: 'DOWN',
      successes: 0,
      failures: 5,
      lastAt: 1_700_000_100_500,
      lastOk: false,
    },
  ],
  downFrom: ['bjs', 'sha'],
  upFrom: [],
  scoreComponents: { availability: 0, latency: 0, stability: 0.5 },
  transitions: [1_700_000_000_000],
  lastResults: [
    {
      vantage: 'sha',
      check: 'healthz',
      at: 1_700_000_100_000,
      ok: false,
      latencyMs: 2000,
      errorKind: 'timeout',
    },
  ],
};

interface EventRow {
  at: number;
  kind: string;
  service?: string | null;
  idc?: string | null;
  endpoint?: string | null;
  vantage?: string | null;
  before: string;
  after: string;
  reason?: string;
  details?: object;
}

describe('health read API', () => {
  let vigil: VigilUnderTest;
  let redis: Redis;
  let viewer: string;
  const key = (name: string) => `${vigil.env.VIGIL_REDIS_PREFIX}:${name}`;
  const get = <T = any>(path: string, token: string = viewer): Promise<Reply<T>> =>
    call<T>(vigil.url, 'GET', `/api/v1${path}`, { token });

  async function insertEvents(rows: EventRow[]): Promise<string[]> {
    const ids: string[] = [];
    for (const r of rows) {
      const [row] = await vigil.sql<{ id: string }>(
        `INSERT INTO health_events (at, kind, service, idc, endpoint, vantage, before, after, reason, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          new Date(r.at),
          r.kind,
          r.service ?? null,
          r.idc ?? null,
          r.endpoint ?? null,
          r.vantage ?? null,
          r.before,
          r.after,
          r.reason ?? 'test',
          JSON.stringify(r.details ?? {}),
        ],
      );
      ids.push(row.id);
    }
    return ids;
  }

  async function insertRollups(
    rows: Array<
      [
        endpoint: string,
        minute: number,
        count: number,
        failures: number,
        p50?: number,
        p95?: number,
        p99?: number,
      ]
    >,
  ): Promise<void> {
    for (const [endpoint, minute, count, failures, p50 = 10, p95 = 20, p99 = 30] of rows) {
      const [service, name] = endpoint.split('.');
      await vigil.sql(
        `INSERT INTO endpoint_rollups (endpoint, minute, service, idc, count, failures, latency_p50, latency_p95, latency_p99)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [endpoint, new Date(minute), service, name.slice(0, 3), count, failures, p50, p95, p99],
      );
    }
  }

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api' });
    redis = new Redis(vigil.env.REDIS_URL);
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: CONFIG });
    expect(applied.status).toBe(200);
    const created = await call(vigil.url, 'POST', '/api/v1/api-keys', {
      token: vigil.adminToken,
      json: { name: 'dashboard', role: 'viewer' },
    });
    expect(created.status).toBe(201);
    viewer = created.body.token;
  });

  afterAll(async () => {
    redis?.disconnect();
    await vigil?.close();
  });

  it('needs a key on every health route; a viewer key reads them all', async () => {
    const paths = [
      '/status',
      '/services/web/status',
      '/endpoints/web.sha-1/health',
      '/endpoints/web.sha-1/history',
      '/events',
      '/events/stream',
      '/reports/availability',
    ];
    for (const path of paths) {
      const res = await get(path, ''); // no key
      expect([path, res.status]).toEqual([path, 401]);
      expect(res.body).toMatchObject({
        statusCode: 401,
        error: expect.any(String),
        message: expect.any(String),
      });
    }
    for (const path of paths.filter((p) => p !== '/events/stream')) {
      expect([path, (await get(path)).status]).toEqual([path, 200]);
    }
  });

  it('serves an empty snapshot with generatedAt null before the leader published one', async () => {
    const res = await get('/status');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      generatedAt: null,
      configVersion: null,
      vantages: { live: [], suspect: [] },
      services: [],
      stale: false,
    });
  });

  it('serves the snapshot from memory for 500 ms, then the new one, marked stale when old', async () => {
    const fresh = snapshot(Date.now());
    await redis.set(key(HEALTH_KEYS.status), JSON.stringify(fresh));
    // Ask without pause until the new snapshot shows; the cache was filled no earlier than that request.
    let filledNoEarlierThan: number;
    const deadline = Date.now() + 5_000;
    for (;;) {
      const started = Date.now();
      const res = await get('/status');
      if (res.body.generatedAt === fresh.generatedAt) {
        filledNoEarlierThan = started;
        expect(res.body).toEqual({ ...fresh, stale: false });
        break;
      }
      if (Date.now() > deadline) throw new Error('the new snapshot never showed');
    }

    const old = snapshot(Date.now() - 60_000, 2);
    await redis.set(key(HEALTH_KEYS.status), JSON.stringify(old));
    const cached = await get('/status');
    if (Date.now() - filledNoEarlierThan < 490) expect(cached.body.generatedAt).toBe(fresh.generatedAt);

    const res = await poll(
      async () => {
        const r = await get('/status');
        return r.body.generatedAt === old.generatedAt ? r : undefined;
      },
      5_000,
      'the changed snapshot',
    );
    expect(Date.now() - filledNoEarlierThan).toBeGreaterThanOrEqual(499);
    expect(res.body).toEqual({ ...old, stale: true });

    // Prepared once: gzip when accepted, and an ETag that turns a repeated poll into a 304.
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    // (fetch adds `Cache-Control: no-cache` to a conditional request, so plain node:http here.)
    const status = await new Promise<number | undefined>((resolve, reject) =>
      request(
        `${vigil.url}/api/v1/status`,
        { headers: { authorization: `Bearer ${viewer}`, 'if-none-match': etag } },
        (r) => resolve(r.resume().statusCode),
      )
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(304);
    const plain = await call(vigil.url, 'GET', '/api/v1/status', {
      token: viewer,
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.body).toEqual({ ...old, stale: true });
  });

  it('GET /services/{name}/status: the snapshot entry plus endpoints, filtered by idc and state', async () => {
    await redis.hset(key(HEALTH_KEYS.serviceEndpoints), 'web', JSON.stringify(WEB_ENDPOINTS));
    const all = await get('/services/web/status');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      service: 'web',
      endpoints: counts(4, 1, 1),
      stale: true,
      generatedAt: expect.any(Number),
    });
    expect(all.body.idcs.map((i: IdcStatus) => i.idc)).toEqual(['sha', 'bjs']);
    expect(all.body.endpointStatuses).toEqual(WEB_ENDPOINTS);

    const bjs = await get('/services/web/status?idc=bjs');
    expect(bjs.body.idcs).toEqual([idcStatus('bjs', 'DEGRADED')]);
    expect(bjs.body.endpointStatuses.map((e: EndpointStatus) => e.id)).toEqual([
      'web.bjs-1',
      'web.bjs-2',
      'web.bjs-3',
    ]);

    const healthyInBjs = await get('/services/web/status?idc=bjs&state=HEALTHY');
    expect(healthyInBjs.body.endpointStatuses).toEqual([endpointStatus('bjs-3', 'HEALTHY')]);
    const unhealthy = await get('/services/web/status?state=UNHEALTHY');
    expect(unhealthy.body.idcs).toHaveLength(2);
    expect(unhealthy.body.endpointStatuses.map((e: EndpointStatus) => e.id)).toEqual(['web.bjs-1']);

    // In the config, not yet seen by the leader: an empty entry.
    const api = await get('/services/api/status');
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ service: 'api', idcs: [], endpoints: counts(0), endpointStatuses: [] });

    const missing = await get('/services/nope/status');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/nope/);
    const bad = await get('/services/web/status?state=SICK');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('state');
    // The inventory route next to it still answers.
    expect((await get('/services/web')).body).toMatchObject({ name: 'web', endpointCount: 6 });
  });

  it('GET /endpoints/{id}/health: 404 unknown, UNKNOWN before the leader saw it, else the detail', async () => {
    expect((await get('/endpoints/web.nope/health')).status).toBe(404);

    const unknown = await get('/endpoints/web.sha-2/health');
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({
      id: 'web.sha-2',
      service: 'web',
      idc: 'sha',
      capacity: 100,
      state: 'UNKNOWN',
      since: null,
      vantages: [],
      downFrom: [],
      upFrom: [],
      transitions: [],
      lastResults: [],
    });

    await redis.hset(key(HEALTH_KEYS.endpoints), 'web.bjs-1', JSON.stringify(DETAIL));
    const known = await get('/endpoints/web.bjs-1/health');
    expect(known.body).toEqual(DETAIL);
  });

  describe('GET /endpoints/{id}/history', () => {
    const T0 = Date.UTC(2024, 0, 1, 10, 0);

    beforeAll(() =>
      insertRollups([
        ['web.sha-1', T0, 10, 0, 10, 20, 30],
        ['web.sha-1', T0 + MIN, 30, 3, 20, 50, 90],
        ['web.sha-1', T0 + 3 * MIN, 10, 1, 40, 45, 60],
        ['web.sha-1', T0 + 7 * MIN, 20, 20, 100, 200, 300],
        ['web.sha-1', T0 + 10 * MIN, 999, 999], // at `to`: outside the range
        ['web.sha-1', T0 - MIN, 999, 999], // before `from`
        ['web.sha-2', T0, 999, 999], // another endpoint
      ]),
    );

    it('aggregates the minutes into buckets of the step', async () => {
      const res = await get(
        `/endpoints/web.sha-1/history?from=${new Date(T0).toISOString()}&to=${T0 + 10 * MIN}&step=5m`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        endpoint: 'web.sha-1',
        from: '2024-01-01T10:00:00.000Z',
        to: '2024-01-01T10:10:00.000Z',
        step: '5m',
        stepMs: 300_000,
        buckets: [
          {
            start: '2024-01-01T10:00:00.000Z',
            count: 50,
            failures: 4,
            availability: 0.92,
            latencyP50Ms: 22, // (10*10 + 30*20 + 10*40) / 50
            latencyP95Ms: 50,
            latencyP99Ms: 90,
          },
          {
            start: '2024-01-01T10:05:00.000Z',
            count: 20,
            failures: 20,
            availability: 0,
            latencyP50Ms: 100,
            latencyP95Ms: 200,
            latencyP99Ms: 300,
          },
        ],
      });
    });

    it('returns every bucket, empty ones included, aligned on the step', async () => {
      const res = await get(`/endpoints/web.sha-1/history?from=${T0}&to=${T0 + 10 * MIN}&step=1m`);
      expect(res.body.buckets).toHaveLength(10);
      expect(res.body.buckets.map((b: { count: number }) => b.count)).toEqual([
        10, 30, 0, 10, 0, 0, 0, 20, 0, 0,
      ]);
      expect(res.body.buckets[2]).toEqual({
        start: '2024-01-01T10:02:00.000Z',
        count: 0,
        failures: 0,
        availability: null,
        latencyP50Ms: null,
        latencyP95Ms: null,
        latencyP99Ms: null,
      });
      // A `from` inside a bucket starts at that bucket.
      const hourly = await get(
        `/endpoints/web.sha-1/history?from=${T0 + 2 * MIN}&to=${T0 + 10 * MIN}&step=1h`,
      );
      expect(hourly.body.from).toBe('2024-01-01T10:00:00.000Z');
      expect(hourly.body.buckets).toEqual([
        expect.objectContaining({ count: 70, failures: 24, latencyP99Ms: 300 }),
      ]);
    });

    it('defaults to the last hour in minutes', async () => {
      await insertRollups([['web.sha-3', Math.floor(Date.now() / MIN) * MIN - 5 * MIN, 12, 3]]);
      const res = await get('/endpoints/web.sha-3/history');
      expect(res.status).toBe(200);
      expect(res.body.step).toBe('1m');
      expect([60, 61]).toContain(res.body.buckets.length);
      expect(res.body.buckets.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(12);
      expect(res.body.buckets.filter((b: { count: number }) => b.count > 0)).toEqual([
        expect.objectContaining({ count: 12, failures: 3, availability: 0.75 }),
      ]);
    });

    it('refuses bad steps and times with a 400 naming the field, unknown endpoints with a 404', async () => {
      const cases: Array<[string, string]> = [
        ['step=30s', 'step'],
        ['step=1m30s', 'step'],
        ['step=soon', 'step'],
        [`from=${T0}&to=${T0 + 2 * 1440 * MIN}&step=1m`, 'step'],
        ['from=yesterday', 'from'],
        [`from=${T0}&to=${T0}`, 'from'],
      ];
      for (const [query, field] of cases) {
        const res = await get(`/endpoints/web.sha-1/history?${query}`);
        expect([query, res.status, res.body.details?.[0]?.path]).toEqual([query, 400, field]);
      }
      expect(
        (await get(`/endpoints/web.sha-1/history?from=${T0}&to=${T0 + 1440 * MIN}&step=1m`)).status,
      ).toBe(200);
      expect((await get('/endpoints/web.nope/history')).status).toBe(404);
    });
  });

  describe('GET /events', () => {
    const E0 = Date.UTC(2024, 0, 2);
    let ids: string[];

    beforeAll(async () => {
      ids = await insertEvents([
        {
          at: E0,
          kind: 'endpoint',
          service: 'web',
          idc: 'sha',
          endpoint: 'web.sha-1',
          before: 'HEALTHY',
          after: 'UNHEALTHY',
          details: { downFrom: ['sha', 'bjs'], firstFailureAt: E0 - 20_000 },
        },
        {
          at: E0 + MIN,
          kind: 'idc',
          service: 'web',
          idc: 'sha',
          before: 'HEALTHY',
          after: 'DEGRADED',
          details: { healthyRatio: 0.66 },
        },
        {
          at: E0 + 2 * MIN,
          kind: 'vantage',
          vantage: 'bjs',
          before: 'LIVE',
          after: 'SUSPECT',
          reason: 'sees everything down',
        },
        {
          at: E0 + 3 * MIN,
          kind: 'endpoint',
          service: 'web',
          idc: 'bjs',
          endpoint: 'web.bjs-1',
          before: 'HEALTHY',
          after: 'DEGRADED',
        },
        {
          at: E0 + 4 * MIN,
          kind: 'endpoint',
          service: 'api',
          idc: 'sha',
          endpoint: 'api.sha-1',
          before: 'UNKNOWN',
          after: 'HEALTHY',
        },
      ]);
    });

    const idsOf = (res: Reply) => res.body.items.map((e: { id: string }) => e.id);

    it('pages newest first with an opaque cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = '';
      let pages = 0;
      while (cursor !== null) {
        const res: Reply = await get(
          `/events?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...idsOf(res));
        cursor = res.body.next;
        if (cursor) expect(cursor).not.toMatch(/^\d+$/);
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());
      const first = (await get('/events?limit=1')).body.items[0];
      expect(first).toMatchObject({
        id: ids[4],
        kind: 'endpoint',
        service: 'api',
        endpoint: 'api.sha-1',
        after: 'HEALTHY',
      });
      expect(new Date(first.at).getTime()).toBe(E0 + 4 * MIN);
      const oldest = (await get(`/events?endpoint=web.sha-1`)).body.items[0];
      expect(oldest.details).toEqual({ downFrom: ['sha', 'bjs'], firstFailureAt: E0 - 20_000 });
    });

    it('filters by service, idc, endpoint, kind and time', async () => {
      expect(idsOf(await get('/events?service=web'))).toEqual([ids[3], ids[1], ids[0]]);
      expect(idsOf(await get('/events?service=web&idc=sha'))).toEqual([ids[1], ids[0]]);
      expect(idsOf(await get('/events?idc=sha&kind=endpoint'))).toEqual([ids[4], ids[0]]);
      expect(idsOf(await get('/events?endpoint=web.bjs-1'))).toEqual([ids[3]]);
      expect(idsOf(await get('/events?kind=vantage'))).toEqual([ids[2]]);
      expect(idsOf(await get(`/events?from=${E0 + MIN}&to=${new Date(E0 + 3 * MIN).toISOString()}`))).toEqual(
        [ids[2], ids[1]],
      );
      const page = await get('/events?service=web&limit=2');
      expect(page.body.next).toEqual(expect.any(String));
      const rest = await get(`/events?service=web&limit=2&cursor=${encodeURIComponent(page.body.next)}`);
      expect(idsOf(rest)).toEqual([ids[0]]);
      expect(rest.body.next).toBeNull();
    });

    it('refuses a bad cursor, kind or limit', async () => {
      for (const [query, field] of [
        ['cursor=12', 'cursor'],
        ['kind=service', 'kind'],
        ['limit=1001', 'limit'],
        ['limit=0', 'limit'],
        ['from=tomorrow', 'from'],
      ]) {
        const res = await get(`/events?${query}`);
        expect([query, res.status, res.body.details?.[0]?.path]).toEqual([query, 400, field]);
      }
      expect((await get('/events?limit=1000')).status).toBe(200);
    });
  });

  describe('GET /events/stream', () => {
    /** Opens the stream and reads its frames (blank-line separated) as they come. */
    async function openStream(query: string) {
      const abort = new AbortController();
      const res = await fetch(`${vigil.url}/api/v1/events/stream${query}`, {
        headers: { authorization: `Bearer ${viewer}` },
        signal: abort.signal,
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      const next = async (deadlineMs = 5_000): Promise<string> => {
        const end = Date.now() + deadlineMs;
        for (;;) {
          buffer = buffer.replace(/^\n+/, '');
          const cut = buffer.indexOf('\n\n');
          if (cut >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            return frame;
          }
          const left = end - Date.now();
          if (left <= 0)
            throw new Error(`no SSE frame within ${deadlineMs} ms (have: ${JSON.stringify(buffer)})`);
          let timer: NodeJS.Timeout | undefined;
          const chunk = await Promise.race([
            reader.read(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no SSE frame within ${deadlineMs} ms`)), left);
            }),
          ]).finally(() => clearTimeout(timer));
          if (chunk.done) throw new Error('the stream ended');
          buffer += decoder.decode(chunk.value, { stream: true });
        }
      };
      /** The next frame with data, parsed. */
      const nextEvent = async () => {
        for (;;) {
          const frame = await next();
          const data = frame
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6));
          if (data.length) return JSON.parse(data.join('\n'));
        }
      };
      const close = async () => {
        abort.abort();
        await reader.cancel().catch(() => undefined);
      };
      return { res, next, nextEvent, close };
    }

    const publish = (event: object) => redis.publish(key(HEALTH_KEYS.events), JSON.stringify(event));
    const event = (service: string, kind: string, n: number) => ({
      at: Date.now(),
      kind,
      service,
      idc: 'sha',
      endpoint: kind === 'endpoint' ? `${service}.sha-1` : null,
      before: 'HEALTHY',
      after: 'UNHEALTHY',
      reason: `event ${n}`,
      details: { healthyRatio: 0.2 },
    });

    it('streams the published events that pass the filters, and cleans up on disconnect', async () => {
      const live = vigil.app.get(EventStreamService);
      const stream = await openStream('?service=web&kind=idc');
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await stream.next()).toBe(': connected');
      expect(live.clients).toBe(1);

      const other = await openStream('');
      expect(await other.next()).toBe(': connected');

      await publish(event('api', 'idc', 1)); // another service
      await publish(event('web', 'endpoint', 2)); // another kind
      await publish(event('web', 'idc', 3));
      await publish(event('web', 'idc', 4));
      const { at: _at, ...third } = event('web', 'idc', 3);
      expect(await stream.nextEvent()).toEqual({ ...third, at: expect.any(Number) });
      expect(await stream.nextEvent()).toMatchObject({ service: 'web', kind: 'idc', reason: 'event 4' });
      // Without filters, every event, in order.
      for (const n of [1, 2, 3, 4]) expect((await other.nextEvent()).reason).toBe(`event ${n}`);

      await stream.close();
      await other.close();
      await poll(async () => (live.clients === 0 ? true : undefined), 5_000, 'the streams to be cleaned up');
    });

    it('stores and streams a traffic drift as the controller does: kind traffic, the service, no IDC', async () => {
      const stream = await openStream('?kind=traffic');
      expect(await stream.next()).toBe(': connected');
      const drift = driftEvent({
        service: 'api',
        at: Date.now(),
        drifting: true,
        reason: 'sha has 0, Vigil applied 100',
        details: { expected: { sha: 100 }, actual: { sha: 0 } },
      });
      await insertTimelineEvents(vigil.app.get(DataSource).manager, [drift]);
      await publish(event('api', 'idc', 5)); // another kind
      await publishTimelineEvents(redis, key(HEALTH_KEYS.events), [drift]);
      expect(await stream.nextEvent()).toEqual(drift);
      await stream.close();

      const listed = await get('/events?kind=traffic&service=api');
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([
        {
          id: expect.any(String),
          at: new Date(drift.at).toISOString(),
          kind: 'traffic',
          service: 'api',
          idc: null,
          endpoint: null,
          vantage: null,
          before: 'in-sync',
          after: 'drift',
          reason: 'sha has 0, Vigil applied 100',
          details: { expected: { sha: 100 }, actual: { sha: 0 } },
        },
      ]);
    });

    it('refuses a stream without a key', async () => {
      const res = await fetch(`${vigil.url}/api/v1/events/stream`);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ statusCode: 401 });
    });
  });

  describe('GET /reports/availability', () => {
    const R0 = Date.UTC(2024, 1, 1);
    const range = `from=${new Date(R0).toISOString()}&to=${R0 + 24 * HOUR}`;

    beforeAll(async () => {
      const idc = (
        at: number,
        idcName: string,
        before: string,
        after: string,
        details: object = {},
      ): EventRow => ({
        at,
        kind: 'idc',
        service: 'web',
        idc: idcName,
        before,
        after,
        details,
      });
      await insertEvents([
        // web/sha, incident A: detected 30 s after the first failure, over after 10 min.
        idc(R0 + HOUR, 'sha', 'HEALTHY', 'UNHEALTHY', {
          healthyRatio: 0.3,
          firstFailureAt: R0 + HOUR - 30_000,
        }),
        idc(R0 + HOUR + 10 * MIN, 'sha', 'UNHEALTHY', 'DEGRADED', { healthyRatio: 0.6 }),
        // Incident B: no firstFailureAt; an UNHEALTHY -> UNHEALTHY change neither ends nor starts one.
        idc(R0 + 5 * HOUR, 'sha', 'DEGRADED', 'UNHEALTHY', { healthyRatio: 0.2 }),
        idc(R0 + 5 * HOUR + MIN, 'sha', 'UNHEALTHY', 'UNHEALTHY', { healthyRatio: 0.1 }),
        idc(R0 + 5 * HOUR + 20 * MIN, 'sha', 'UNHEALTHY', 'HEALTHY', { healthyRatio: 1 }),
        // An endpoint event is no (service, IDC) incident.
        {
          at: R0 + 2 * HOUR,
          kind: 'endpoint',
          service: 'web',
          idc: 'sha',
          endpoint: 'web.sha-1',
          before: 'HEALTHY',
          after: 'UNHEALTHY',
          details: { downFrom: ['sha'], firstFailureAt: R0 + 2 * HOUR - 5_000 },
        },
        // web/bjs: D is over before the range (left out); C started before it and ends inside (kept).
        idc(R0 - 2 * HOUR, 'bjs', 'HEALTHY', 'UNHEALTHY', {
          healthyRatio: 0,
          firstFailureAt: R0 - 2 * HOUR - 1_000,
        }),
        idc(R0 - HOUR, 'bjs', 'UNHEALTHY', 'HEALTHY', { healthyRatio: 1 }),
        idc(R0 - 10 * MIN, 'bjs', 'HEALTHY', 'UNHEALTHY', { healthyRatio: 0, firstFailureAt: R0 - 11 * MIN }),
        idc(R0 + 5 * MIN, 'bjs', 'UNHEALTHY', 'DEGRADED', { healthyRatio: 0.5 }),
        // E: still going.
        idc(R0 + 23 * HOUR, 'bjs', 'DEGRADED', 'UNHEALTHY', {
          healthyRatio: 0.1,
          firstFailureAt: R0 + 23 * HOUR - 45_000,
        }),
        // After the range: not in it.
        idc(R0 + 25 * HOUR, 'sha', 'HEALTHY', 'UNHEALTHY', { healthyRatio: 0.1 }),
      ]);
      await insertRollups([
        ['web.sha-1', R0 + 2 * HOUR, 800, 8],
        ['web.sha-2', R0 + 2 * HOUR, 600, 0],
        ['web.sha-3', R0 + 3 * HOUR, 600, 0],
        ['web.bjs-1', R0 + 3 * HOUR, 100, 25],
        ['web.bjs-1', R0 + 4 * HOUR, 300, 75],
        ['web.bjs-2', R0 + 3 * HOUR, 300, 3],
        ['web.bjs-3', R0 + 20 * HOUR, 300, 0],
        ['web.sha-1', R0 - MIN, 1000, 1000], // before the range
        ['web.sha-1', R0 + 24 * HOUR, 1000, 1000], // at `to`: after the range
        ['api.sha-1', R0 + HOUR, 50, 1],
      ]);
    });

    it('computes availability, incidents with MTTD/MTTR and the worst endpoints', async () => {
      const res = await get(`/reports/availability?${range}`);
      expect(res.status).toBe(200);
      expect(res.body.from).toBe('2024-02-01T00:00:00.000Z');
      expect(res.body.to).toBe('2024-02-02T00:00:00.000Z');
      expect(res.body.services.map((s: { service: string }) => s.service)).toEqual(['api', 'web']);
      const [api, web] = res.body.services;
      expect(api).toMatchObject({ service: 'api', probes: 50, failures: 1, availabilityPercent: 98 });
      expect(api.idcs).toEqual([
        expect.objectContaining({
          idc: 'sha',
          probes: 50,
          failures: 1,
          incidents: [],
          meanMttdMs: null,
          meanMttrMs: null,
        }),
      ]);

      expect(web).toMatchObject({ service: 'web', probes: 3000, failures: 111, availabilityPercent: 96.3 });
      const [bjs, sha] = web.idcs;
      expect(sha).toEqual({
        idc: 'sha',
        probes: 2000,
        failures: 8,
        availabilityPercent: 99.6,
        incidents: [
          {
            eventId: expect.any(String),
            startedAt: '2024-02-01T01:00:00.000Z',
            endedAt: '2024-02-01T01:10:00.000Z',
            ongoing: false,
            reason: 'test',
            mttdMs: 30_000,
            mttrMs: 600_000,
          },
          {
            eventId: expect.any(String),
            startedAt: '2024-02-01T05:00:00.000Z',
            endedAt: '2024-02-01T05:20:00.000Z',
            ongoing: false,
            reason: 'test',
            mttdMs: null,
            mttrMs: 1_200_000,
          },
        ],
        meanMttdMs: 30_000,
        meanMttrMs: 900_000,
        // No maintenance window: nothing apart, and the incidents' time is downtime (10 + 20 min).
        maintenanceSeconds: 0,
        maintenanceProbes: 0,
        maintenanceFailures: 0,
        downtimeSeconds: 1800,
      });
      // C from 5 min into the range, E ongoing for the last hour: downtime clipped to the range.
      expect(bjs).toMatchObject({
        idc: 'bjs',
        probes: 1000,
        failures: 103,
        availabilityPercent: 89.7,
        downtimeSeconds: 3900,
      });
      expect(bjs.incidents).toEqual([
        expect.objectContaining({
          startedAt: '2024-01-31T23:50:00.000Z',
          endedAt: '2024-02-01T00:05:00.000Z',
          mttdMs: 60_000,
          mttrMs: 900_000,
        }),
        expect.objectContaining({
          startedAt: '2024-02-01T23:00:00.000Z',
          endedAt: null,
          ongoing: true,
          mttdMs: 45_000,
          mttrMs: null,
        }),
      ]);
      expect(bjs.meanMttdMs).toBe(52_500);
      expect(bjs.meanMttrMs).toBe(900_000);

      // Lowest availability first; equal ones by more failures, then by id. Five at most.
      expect(web.worstEndpoints).toEqual([
        { endpoint: 'web.bjs-1', idc: 'bjs', probes: 400, failures: 100, availabilityPercent: 75 },
        { endpoint: 'web.sha-1', idc: 'sha', probes: 800, failures: 8, availabilityPercent: 99 },
        { endpoint: 'web.bjs-2', idc: 'bjs', probes: 300, failures: 3, availabilityPercent: 99 },
        { endpoint: 'web.bjs-3', idc: 'bjs', probes: 300, failures: 0, availabilityPercent: 100 },
        { endpoint: 'web.sha-2', idc: 'sha', probes: 600, failures: 0, availabilityPercent: 100 },
      ]);
    });

    it('narrows to one service; 404 for an unknown one; defaults to the last 24 h', async () => {
      const web = await get(`/reports/availability?${range}&service=web`);
      expect(web.body.services.map((s: { service: string }) => s.service)).toEqual(['web']);
      expect(web.body.services[0].probes).toBe(3000);
      expect((await get(`/reports/availability?${range}&service=nope`)).status).toBe(404);

      const recent = await get('/reports/availability?service=web');
      expect(recent.status).toBe(200);
      expect(Date.parse(recent.body.to) - Date.parse(recent.body.from)).toBe(24 * HOUR);
      // Only the web.sha-3 minute of the history test is that recent; the incidents still going overlap.
      expect(recent.body.services[0]).toMatchObject({ probes: 12, failures: 3, availabilityPercent: 75 });
      const ongoing = recent.body.services[0].idcs.flatMap(
        (i: { idc: string; incidents: Array<{ startedAt: string }> }) =>
          i.incidents.map((incident) => [i.idc, incident.startedAt]),
      );
      expect(ongoing).toEqual([
        ['bjs', '2024-02-01T23:00:00.000Z'],
        ['sha', '2024-02-02T01:00:00.000Z'],
      ]);
    });
  });
});
