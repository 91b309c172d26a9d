import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeApiDocument } from '../apps/api/src/openapi/document';
import { call } from './support/http';
import { servedRoutes, startVigil, type VigilUnderTest } from './support/vigil-app';

describe('own health, metrics and docs', () => {
  let vigil: VigilUnderTest;
  beforeAll(async () => {
    vigil = await startVigil();
  });
  afterAll(() => vigil.close());

  it('/healthz answers without a key', async () => {
    const res = await call(vigil.url, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz checks Postgres, Redis, migrations and, with the controller role, a leader', async () => {
    const res = await call(vigil.url, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.info)).toEqual(['postgres', 'redis', 'migrations', 'leader']);
  });

  it('/readyz says 503 when migrations are pending', async () => {
    // Pretend the last migration was never applied, then restore the row.
    const [row] = await vigil.sql<{ id: number; timestamp: string; name: string }>(
      'DELETE FROM migrations WHERE id = (SELECT max(id) FROM migrations) RETURNING *',
    );
    try {
      const res = await call(vigil.url, 'GET', '/readyz');
      expect(res.status).toBe(503);
      expect(res.body.error.migrations.status).toBe('down');
    } finally {
      await vigil.sql('INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)', [
        row.id,
        row.timestamp,
        row.name,
      ]);
    }
  });

  it("/metrics has Node's process metrics under their standard names, the build and the HTTP request histogram", async () => {
    await call(vigil.url, 'GET', '/api/v1/idcs', { token: vigil.adminToken });
    const res = await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(res.text).toMatch(/^process_resident_memory_bytes /m);
    expect(res.text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(res.text).toMatch(
      /^vigil_build_info\{version="\d+\.\d+\.\d+[^"]*",revision="",node_version="v\d+[^"]*"\} 1$/m,
    );
    expect(res.text).toMatch(
      /^vigil_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/idcs",status="200"\} [1-9]/m,
    );
    // Vigil's own under vigil_, Node's under the names stock dashboards query: nothing else.
    expect(res.text).not.toMatch(/^(?!#)(?!vigil_|process_|nodejs_)\w+/m);
  });

  it('serves OpenAPI at /docs-json covering every API route, with bearer auth', async () => {
    const res = await call(vigil.url, 'GET', '/docs-json', { token: vigil.adminToken });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.VigilConfig.properties.apiVersion).toBeDefined();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = servedRoutes(vigil)
      .map((route) => route.replace(/:(\w+)/g, '{$1}'))
      .filter((route) => !route.includes('/docs') && !route.includes('*'));
    expect(served.length).toBeGreaterThan(15);
    for (const route of served) expect(documented).toContain(route);
    for (const [, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(ops)) expect(op.responses).toBeDefined();
    }
  });

  it('/docs-json is the committed openapi/vigil.openapi.json (npm run openapi:generate)', async () => {
    const res = await call(vigil.url, 'GET', '/docs-json', { token: vigil.adminToken });
    const committed = readFileSync(join(__dirname, '..', 'openapi', 'vigil.openapi.json'), 'utf8');
    // A boolean, not a 200 kB diff: the unit spec of apps/api/src/openapi says which file is stale.
    expect(serializeApiDocument(res.body) === committed).toBe(true);
  });

  it('/docs needs a key like every other route', async () => {
    expect((await call(vigil.url, 'GET', '/docs-json')).status).toBe(401);
    expect((await call(vigil.url, 'GET', '/docs')).status).toBe(401);
    expect((await call(vigil.url, 'GET', '/docs', { token: vigil.adminToken })).status).toBe(200);
  });
});
