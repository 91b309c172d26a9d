import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiRole } from '@libs/domain';
import { call, type Reply } from './support/http';
import { servedRoutes, startVigil, type VigilUnderTest } from './support/vigil-app';

/** Checks the one error shape of the API: `{statusCode, error, message}` as JSON. */
function expectApiError(res: Reply, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual(
    expect.objectContaining({ statusCode: status, error: expect.any(String), message: expect.any(String) }),
  );
  expect(res.body.error.length).toBeGreaterThan(0);
  expect(res.body.message.length).toBeGreaterThan(0);
}

type Minimum = 'public' | ApiRole;

interface Row {
  /** As the router lists it. */
  route: string;
  /** The weakest caller let in; 'viewer' for routes that only need some valid key. */
  min: Minimum;
  /** A concrete, harmless request for the route. */
  path: string;
  json?: unknown;
  /** What a caller who is let in gets (the inputs are chosen so that nothing changes). */
  allowed: number;
}

const ROWS: Row[] = [
  { route: 'GET /healthz', min: 'public', path: '/healthz', allowed: 200 },
  { route: 'GET /readyz', min: 'public', path: '/readyz', allowed: 200 },
  { route: 'GET /metrics', min: 'viewer', path: '/metrics', allowed: 200 },
  // OpenAPI UI and document: any valid key.
  { route: 'GET /docs', min: 'viewer', path: '/docs', allowed: 200 },
  { route: 'GET /docs/index.html', min: 'viewer', path: '/docs/index.html', allowed: 200 },
  // @nestjs/swagger answers 404 here on purpose (it hides swagger-ui's LICENSE file).
  { route: 'GET /docs/LICENSE', min: 'viewer', path: '/docs/LICENSE', allowed: 404 },
  { route: 'GET /docs/swagger-ui-init.js', min: 'viewer', path: '/docs/swagger-ui-init.js', allowed: 200 },
  {
    route: 'GET /docs/docs/swagger-ui-init.js',
    min: 'viewer',
    path: '/docs/docs/swagger-ui-init.js',
    allowed: 200,
  },
  { route: 'GET /docs-json', min: 'viewer', path: '/docs-json', allowed: 200 },
  { route: 'GET /docs-yaml', min: 'viewer', path: '/docs-yaml', allowed: 200 },
  // Config: an invalid document is refused before anything is written; no version exists yet.
  { route: 'PUT /api/v1/config', min: 'operator', path: '/api/v1/config', json: {}, allowed: 400 },
  { route: 'GET /api/v1/config', min: 'viewer', path: '/api/v1/config', allowed: 404 },
  { route: 'GET /api/v1/config/schema', min: 'viewer', path: '/api/v1/config/schema', allowed: 200 },
  { route: 'GET /api/v1/config/versions', min: 'viewer', path: '/api/v1/config/versions', allowed: 200 },
  { route: 'GET /api/v1/config/versions/:n', min: 'viewer', path: '/api/v1/config/versions/7', allowed: 404 },
  {
    route: 'GET /api/v1/config/versions/:n/diff',
    min: 'viewer',
    path: '/api/v1/config/versions/7/diff',
    allowed: 404,
  },
  {
    route: 'POST /api/v1/config/versions/:n/restore',
    min: 'operator',
    path: '/api/v1/config/versions/7/restore',
    allowed: 404,
  },
  { route: 'GET /api/v1/idcs', min: 'viewer', path: '/api/v1/idcs', allowed: 200 },
  { route: 'GET /api/v1/services', min: 'viewer', path: '/api/v1/services', allowed: 200 },
  {
    route: 'GET /api/v1/services/:name',
    min: 'viewer',
    path: '/api/v1/services/no-such-service',
    allowed: 404,
  },
  { route: 'GET /api/v1/endpoints', min: 'viewer', path: '/api/v1/endpoints?idc=sha', allowed: 200 },
  {
    route: 'POST /api/v1/api-keys',
    min: 'admin',
    path: '/api/v1/api-keys',
    json: { name: 'x' },
    allowed: 400,
  },
  { route: 'GET /api/v1/api-keys', min: 'admin', path: '/api/v1/api-keys', allowed: 200 },
  {
    route: 'DELETE /api/v1/api-keys/:id',
    min: 'admin',
    path: `/api/v1/api-keys/${randomUUID()}`,
    allowed: 404,
  },
  // Console sign-in takes its key in the body (none is valid here); sign-out with a key ends nothing.
  {
    route: 'POST /api/v1/session',
    min: 'public',
    path: '/api/v1/session',
    json: { apiKey: 'vgl_not-a-key' },
    allowed: 401,
  },
  { route: 'GET /api/v1/session', min: 'viewer', path: '/api/v1/session', allowed: 200 },
  { route: 'DELETE /api/v1/session', min: 'viewer', path: '/api/v1/session', allowed: 204 },
  { route: 'GET /api/v1/audit', min: 'operator', path: '/api/v1/audit', allowed: 200 },
  { route: 'GET /api/v1/status', min: 'viewer', path: '/api/v1/status', allowed: 200 },
  {
    route: 'GET /api/v1/services/:name/status',
    min: 'viewer',
    path: '/api/v1/services/no-such-service/status',
    allowed: 404,
  },
  {
    route: 'GET /api/v1/endpoints/:id/health',
    min: 'viewer',
    path: '/api/v1/endpoints/x.y/health',
    allowed: 404,
  },
  {
    route: 'GET /api/v1/endpoints/:id/history',
    min: 'viewer',
    path: '/api/v1/endpoints/x.y/history',
    allowed: 404,
  },
  { route: 'GET /api/v1/events', min: 'viewer', path: '/api/v1/events', allowed: 200 },
  // A valid stream stays open; a bad filter answers 400 after the auth check, which is what is tested.
  {
    route: 'GET /api/v1/events/stream',
    min: 'viewer',
    path: '/api/v1/events/stream?kind=nope',
    allowed: 400,
  },
  {
    route: 'GET /api/v1/reports/availability',
    min: 'viewer',
    path: '/api/v1/reports/availability',
    allowed: 200,
  },
  { route: 'GET /api/v1/actions', min: 'viewer', path: '/api/v1/actions', allowed: 200 },
  { route: 'GET /api/v1/actions/:id', min: 'viewer', path: `/api/v1/actions/${randomUUID()}`, allowed: 404 },
  ...(['approve', 'reject', 'cancel'] as const).map((verb) => ({
    route: `POST /api/v1/actions/:id/${verb}`,
    min: 'operator' as const,
    path: `/api/v1/actions/${randomUUID()}/${verb}`,
    allowed: 404,
  })),
  {
    route: 'POST /api/v1/actions/:id/rollback',
    min: 'operator',
    path: `/api/v1/actions/${randomUUID()}/rollback`,
    json: { reason: 'x' },
    allowed: 404,
  },
  {
    route: 'GET /api/v1/services/:name/traffic',
    min: 'viewer',
    path: '/api/v1/services/no-such-service/traffic',
    allowed: 404,
  },
  {
    route: 'GET /api/v1/services/:name/traffic/history',
    min: 'viewer',
    path: '/api/v1/services/no-such-service/traffic/history',
    allowed: 404,
  },
  {
    route: 'PUT /api/v1/services/:name/weights',
    min: 'operator',
    path: '/api/v1/services/no-such-service/weights',
    json: { weights: { sha: 1 }, reason: 'x' },
    allowed: 404,
  },
  {
    route: 'DELETE /api/v1/services/:name/weights',
    min: 'operator',
    path: '/api/v1/services/no-such-service/weights',
    allowed: 404,
  },
  {
    route: 'POST /api/v1/services/:name/endpoints/:endpoint/drain',
    min: 'operator',
    path: '/api/v1/services/no-such-service/endpoints/e1/drain',
    json: { reason: 'x' },
    allowed: 404,
  },
  {
    route: 'POST /api/v1/services/:name/endpoints/:endpoint/undrain',
    min: 'operator',
    path: '/api/v1/services/no-such-service/endpoints/e1/undrain',
    json: { reason: 'x' },
    allowed: 404,
  },
  { route: 'POST /api/v1/freezes', min: 'operator', path: '/api/v1/freezes', json: {}, allowed: 400 },
  { route: 'GET /api/v1/freezes', min: 'viewer', path: '/api/v1/freezes', allowed: 200 },
  {
    route: 'DELETE /api/v1/freezes/:id',
    min: 'operator',
    path: `/api/v1/freezes/${randomUUID()}`,
    allowed: 404,
  },
  {
    route: 'POST /api/v1/maintenance-windows',
    min: 'operator',
    path: '/api/v1/maintenance-windows',
    json: {},
    allowed: 400,
  },
  {
    route: 'GET /api/v1/maintenance-windows',
    min: 'viewer',
    path: '/api/v1/maintenance-windows',
    allowed: 200,
  },
  {
    route: 'GET /api/v1/maintenance-windows/:id',
    min: 'viewer',
    path: `/api/v1/maintenance-windows/${randomUUID()}`,
    allowed: 404,
  },
  {
    route: 'DELETE /api/v1/maintenance-windows/:id',
    min: 'operator',
    path: `/api/v1/maintenance-windows/${randomUUID()}`,
    allowed: 404,
  },
  { route: 'GET /api/v1/automation', min: 'viewer', path: '/api/v1/automation', allowed: 200 },
  { route: 'GET /api/v1/automation/rules', min: 'viewer', path: '/api/v1/automation/rules', allowed: 200 },
  {
    route: 'POST /api/v1/automation/pause',
    min: 'operator',
    path: '/api/v1/automation/pause',
    json: {},
    allowed: 400,
  },
  {
    route: 'POST /api/v1/automation/resume',
    min: 'operator',
    path: '/api/v1/automation/resume',
    allowed: 409,
  },
  // Notifications: nothing exists yet, so a re-send is a 404; an empty silence is refused (400).
  { route: 'GET /api/v1/notifications', min: 'viewer', path: '/api/v1/notifications', allowed: 200 },
  {
    route: 'GET /api/v1/notifications/:id',
    min: 'viewer',
    path: `/api/v1/notifications/${randomUUID()}`,
    allowed: 404,
  },
  {
    route: 'POST /api/v1/notifications/:id/resend',
    min: 'operator',
    path: `/api/v1/notifications/${randomUUID()}/resend`,
    allowed: 404,
  },
  { route: 'POST /api/v1/silences', min: 'operator', path: '/api/v1/silences', json: {}, allowed: 400 },
  { route: 'GET /api/v1/silences', min: 'viewer', path: '/api/v1/silences', allowed: 200 },
  {
    route: 'DELETE /api/v1/silences/:id',
    min: 'operator',
    path: `/api/v1/silences/${randomUUID()}`,
    allowed: 404,
  },
  // Alert webhooks: webhook keys only (403 for every other role); an empty alerts list stores nothing.
  {
    route: 'POST /api/v1/webhooks/alertmanager',
    min: 'webhook',
    path: '/api/v1/webhooks/alertmanager',
    json: { version: '4', status: 'firing', alerts: [] },
    allowed: 200,
  },
  {
    route: 'POST /api/v1/webhooks/grafana',
    min: 'webhook',
    path: '/api/v1/webhooks/grafana',
    json: { version: '1', status: 'firing', alerts: [] },
    allowed: 200,
  },
  {
    route: 'POST /api/v1/webhooks/generic',
    min: 'webhook',
    path: '/api/v1/webhooks/generic',
    json: { alerts: [] },
    allowed: 200,
  },
  { route: 'GET /api/v1/alerts', min: 'viewer', path: '/api/v1/alerts', allowed: 200 },
];

const RANK: Record<Exclude<Minimum, 'webhook'>, number> = { public: -1, viewer: 0, operator: 1, admin: 2 };

/** A webhook key may call webhook routes only, and only a webhook key may call them. */
function admits(role: ApiRole, min: Exclude<Minimum, 'public'>): boolean {
  if (role === 'webhook' || min === 'webhook') return role === min;
  return RANK[role] >= RANK[min];
}

interface Caller {
  name: string;
  /** null: no valid key. */
  role: ApiRole | null;
  headers: () => Record<string, string>;
}

/** A token shaped like a real one that no key has. */
const unknownToken = () => `vgl_${randomBytes(32).toString('base64url')}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

describe('authentication and roles', () => {
  let vigil: VigilUnderTest;
  const tokens: Record<string, string> = {};
  const admin = () => vigil.adminToken;

  async function createKey(name: string, role: ApiRole): Promise<{ id: string; token: string }> {
    const res = await call(vigil.url, 'POST', '/api/v1/api-keys', { token: admin(), json: { name, role } });
    expect(res.status).toBe(201);
    return res.body;
  }

  beforeAll(async () => {
    vigil = await startVigil();
    for (const role of ['viewer', 'operator', 'admin', 'webhook'] as const)
      tokens[role] = (await createKey(`${role}-key`, role)).token;
    const revoked = await createKey('revoked-key', 'admin');
    expect(
      (await call(vigil.url, 'DELETE', `/api/v1/api-keys/${revoked.id}`, { token: admin() })).status,
    ).toBe(200);
    tokens.revoked = revoked.token;
  });
  afterAll(() => vigil.close());

  const CALLERS: Caller[] = [
    { name: 'no key', role: null, headers: () => ({}) },
    {
      name: 'malformed header',
      role: null,
      headers: () => ({ authorization: 'Basic dXNlcjpwYXNzd29yZA==' }),
    },
    { name: 'unknown key', role: null, headers: () => bearer(unknownToken()) },
    { name: 'revoked key', role: null, headers: () => bearer(tokens.revoked) },
    { name: 'viewer', role: 'viewer', headers: () => bearer(tokens.viewer) },
    { name: 'operator', role: 'operator', headers: () => bearer(tokens.operator) },
    { name: 'admin', role: 'admin', headers: () => bearer(tokens.admin) },
    { name: 'webhook', role: 'webhook', headers: () => bearer(tokens.webhook) },
    { name: 'bootstrap admin', role: 'admin', headers: () => bearer(vigil.adminToken) },
  ];

  describe('the auth matrix', () => {
    it('has exactly one row for every route the app serves', () => {
      const table = ROWS.map((row) => row.route).sort();
      expect(new Set(table).size).toBe(table.length);
      expect(table).toEqual(servedRoutes(vigil));
    });

    it.each(ROWS.map((row) => [row.route, row] as const))('%s', async (_, row) => {
      const [method] = row.route.split(' ');
      const expected: Record<string, number> = {};
      const actual: Record<string, number> = {};
      for (const caller of CALLERS) {
        if (row.min === 'public') expected[caller.name] = row.allowed;
        else if (caller.role === null) expected[caller.name] = 401;
        else expected[caller.name] = admits(caller.role, row.min) ? row.allowed : 403;
        const res = await call(vigil.url, method, row.path, { headers: caller.headers(), json: row.json });
        actual[caller.name] = res.status;
        if ([400, 401, 403].includes(res.status)) expectApiError(res, res.status);
      }
      expect(actual).toEqual(expected);
    });

    it('nothing was changed by the matrix', async () => {
      expect(await vigil.sql('SELECT version FROM config_versions')).toEqual([]);
      const keys = await vigil.sql<{ name: string }>(
        'SELECT name FROM api_keys WHERE revoked_at IS NULL ORDER BY name',
      );
      expect(keys.map((k) => k.name)).toEqual(['admin-key', 'operator-key', 'viewer-key', 'webhook-key']);
    });

    it('says why a request was refused', async () => {
      const none = await call(vigil.url, 'GET', '/api/v1/idcs');
      expectApiError(none, 401);
      expect(none.body.message).toMatch(/missing API key/);
      const unknown = await call(vigil.url, 'GET', '/api/v1/idcs', { token: unknownToken() });
      expectApiError(unknown, 401);
      expect(unknown.body.message).toMatch(/unknown or revoked/);
      const low = await call(vigil.url, 'GET', '/api/v1/audit', { token: tokens.viewer });
      expectApiError(low, 403);
      expect(low.body.message).toMatch(/operator/);
      expect(low.body.message).toMatch(/viewer-key/);
    });

    it('accepts the Bearer scheme in any case, and nothing but a single token after it', async () => {
      const lower = await call(vigil.url, 'GET', '/api/v1/idcs', {
        headers: { authorization: `bearer ${tokens.viewer}` },
      });
      expect(lower.status).toBe(200);
      for (const authorization of [
        'Bearer',
        `Bearer ${tokens.viewer} extra`,
        tokens.viewer,
        `Token ${tokens.viewer}`,
      ]) {
        expectApiError(await call(vigil.url, 'GET', '/api/v1/idcs', { headers: { authorization } }), 401);
      }
    });
  });

  describe('API keys', () => {
    it('returns the token once, on creation', async () => {
      const res = await call(vigil.url, 'POST', '/api/v1/api-keys', {
        token: admin(),
        json: { name: 'ci-deployer', role: 'operator' },
      });
      expect(res.status).toBe(201);
      expect(res.body.token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'ci-deployer',
        role: 'operator',
        prefix: res.body.token.slice(0, 12),
        createdBy: 'bootstrap-admin',
        lastUsedAt: null,
      });
      expect(res.body).not.toHaveProperty('hash');
      expect(Object.keys(res.body).sort()).toEqual(
        ['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'prefix', 'role', 'token'].sort(),
      );
    });

    it('never lists a token or a hash', async () => {
      const created = await createKey('listed', 'viewer');
      const res = await call(vigil.url, 'GET', '/api/v1/api-keys', { token: admin() });
      expect(res.status).toBe(200);
      const listed = res.body.find((k: { id: string }) => k.id === created.id);
      expect(listed).toMatchObject({ name: 'listed', role: 'viewer', prefix: created.token.slice(0, 12) });
      for (const key of res.body) {
        expect(key).not.toHaveProperty('token');
        expect(key).not.toHaveProperty('hash');
      }
      expect(res.text).not.toContain(created.token);
      expect(res.text).not.toContain(sha256Hex(created.token));
    });

    it('stores only the sha256 hex hash of the token', async () => {
      const created = await createKey('hashed', 'viewer');
      const rows = await vigil.sql<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [
        created.id,
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0].hash).toBe(sha256Hex(created.token));
      expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(rows[0])).not.toContain(created.token);
      const everything = await vigil.sql('SELECT * FROM api_keys');
      expect(JSON.stringify(everything)).not.toContain(created.token);
    });

    it('lets a new key in with its role, and no further', async () => {
      const { token } = await createKey('new-operator', 'operator');
      expect((await call(vigil.url, 'GET', '/api/v1/audit', { token })).status).toBe(200);
      expect((await call(vigil.url, 'GET', '/api/v1/idcs', { token })).status).toBe(200);
      expectApiError(await call(vigil.url, 'GET', '/api/v1/api-keys', { token }), 403);
      const viewer = await createKey('new-viewer', 'viewer');
      expect((await call(vigil.url, 'GET', '/api/v1/idcs', { token: viewer.token })).status).toBe(200);
      expectApiError(await call(vigil.url, 'GET', '/api/v1/audit', { token: viewer.token }), 403);
      const newAdmin = await createKey('new-admin', 'admin');
      expect((await call(vigil.url, 'GET', '/api/v1/api-keys', { token: newAdmin.token })).status).toBe(200);
    });

    it('records who created a key and when it was last used', async () => {
      const creator = await createKey('key-maker', 'admin');
      const res = await call(vigil.url, 'POST', '/api/v1/api-keys', {
        token: creator.token,
        json: { name: 'made-by-key-maker', role: 'viewer' },
      });
      expect(res.status).toBe(201);
      expect(res.body.createdBy).toBe('key-maker');
      const [row] = await vigil.sql<{ last_used_at: Date | null }>(
        'SELECT last_used_at FROM api_keys WHERE id = $1',
        [creator.id],
      );
      expect(row.last_used_at).toBeInstanceOf(Date);
    });

    it('revokes a key at once: 401 afterwards, gone from the list, and its name free again', async () => {
      const key = await createKey('short-lived', 'operator');
      expect((await call(vigil.url, 'GET', '/api/v1/idcs', { token: key.token })).status).toBe(200);
      const revoked = await call(vigil.url, 'DELETE', `/api/v1/api-keys/${key.id}`, { token: admin() });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id: key.id, name: 'short-lived', role: 'operator' });
      expect(revoked.body).not.toHaveProperty('token');
      expect(revoked.body).not.toHaveProperty('hash');
      expectApiError(await call(vigil.url, 'GET', '/api/v1/idcs', { token: key.token }), 401);
      const list = await call(vigil.url, 'GET', '/api/v1/api-keys', { token: admin() });
      expect(list.body.map((k: { id: string }) => k.id)).not.toContain(key.id);
      expectApiError(await call(vigil.url, 'DELETE', `/api/v1/api-keys/${key.id}`, { token: admin() }), 404);
      const again = await createKey('short-lived', 'viewer');
      expect(again.id).not.toBe(key.id);
      expectApiError(await call(vigil.url, 'GET', '/api/v1/idcs', { token: key.token }), 401);
    });

    it('refuses a duplicate or reserved name with 409', async () => {
      await createKey('twice', 'viewer');
      const dup = await call(vigil.url, 'POST', '/api/v1/api-keys', {
        token: admin(),
        json: { name: 'twice', role: 'admin' },
      });
      expectApiError(dup, 409);
      expect(dup.body.message).toMatch(/twice/);
      const reserved = await call(vigil.url, 'POST', '/api/v1/api-keys', {
        token: admin(),
        json: { name: 'bootstrap-admin', role: 'admin' },
      });
      expectApiError(reserved, 409);
      const rows = await vigil.sql('SELECT id FROM api_keys WHERE name IN ($1, $2)', [
        'twice',
        'bootstrap-admin',
      ]);
      expect(rows).toHaveLength(1);
    });

    it('validates the body: 400 with details naming every bad field', async () => {
      const bad = await call(vigil.url, 'POST', '/api/v1/api-keys', {
        token: admin(),
        json: { name: 'Bad Name!', role: 'root' },
      });
      expectApiError(bad, 400);
      const paths = (bad.body.details as Array<{ path: string; message: string }>).map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['name', 'role']));
      for (const detail of bad.body.details) expect(detail.message).toEqual(expect.any(String));
      expect(bad.body.message).toMatch(/name/);
      expect(bad.body.message).toMatch(/role/);

      const unknown = await call(vigil.url, 'POST', '/api/v1/api-keys', {
        token: admin(),
        json: { name: 'extra-field', role: 'viewer', token: 'vgl_chosen-by-me' },
      });
      expectApiError(unknown, 400);
      expect(unknown.body.details.map((d: { path: string }) => d.path)).toContain('token');

      expectApiError(await call(vigil.url, 'DELETE', '/api/v1/api-keys/not-a-uuid', { token: admin() }), 400);
      expect(await vigil.sql('SELECT id FROM api_keys WHERE name = $1', ['extra-field'])).toEqual([]);
    });
  });
});

describe('rate limiting of failed authentications', () => {
  let vigil: VigilUnderTest;
  let viewerToken: string;
  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_AUTH_FAILURES_PER_MINUTE: '5' });
    const res = await call(vigil.url, 'POST', '/api/v1/api-keys', {
      token: vigil.adminToken,
      json: { name: 'viewer', role: 'viewer' },
    });
    expect(res.status).toBe(201);
    viewerToken = res.body.token;
  });
  afterAll(() => vigil.close());

  it('blocks an address after too many failures, but never a valid key, nor /healthz', async () => {
    // Valid keys do not count as failures.
    for (let i = 0; i < 6; i++) {
      expect((await call(vigil.url, 'GET', '/api/v1/idcs', { token: viewerToken })).status).toBe(200);
    }
    for (let i = 0; i < 5; i++) {
      expectApiError(await call(vigil.url, 'GET', '/api/v1/idcs', { token: unknownToken() }), 401);
    }
    const sixth = await call(vigil.url, 'GET', '/api/v1/idcs', { token: unknownToken() });
    expectApiError(sixth, 429);
    expect(sixth.body.message).toMatch(/too many failed authentications; retry in \d+s/);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sixth.body.retryAfterSeconds).toBeUndefined();
    expectApiError(await call(vigil.url, 'GET', '/api/v1/idcs'), 429);

    // Behind an ingress every caller has the same address: a blocked address must not lock them out.
    expect((await call(vigil.url, 'GET', '/api/v1/idcs', { token: viewerToken })).status).toBe(200);
    expect((await call(vigil.url, 'GET', '/api/v1/api-keys', { token: vigil.adminToken })).status).toBe(200);
    expect((await call(vigil.url, 'GET', '/docs-json', { token: vigil.adminToken })).status).toBe(200);
    expect((await call(vigil.url, 'GET', '/healthz')).status).toBe(200);
    expect((await call(vigil.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('counts per address: another client (behind the loopback proxy) is not blocked', async () => {
    expectApiError(await call(vigil.url, 'GET', '/api/v1/idcs', { token: unknownToken() }), 429);
    const other = await call(vigil.url, 'GET', '/api/v1/idcs', {
      token: unknownToken(),
      headers: { 'x-forwarded-for': '192.0.2.10' },
    });
    expectApiError(other, 401);
  });
});
