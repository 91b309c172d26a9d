import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { call } from './support/http';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

const EXAMPLE = readFileSync(join(__dirname, '..', 'examples', 'multi-idc.yaml'), 'utf8');
const YAML = 'application/yaml';

describe('configuration centre', () => {
  let vigil: VigilUnderTest;
  const put = (body: string, query = '', headers: Record<string, string> = {}) =>
    call(vigil.url, 'PUT', `/api/v1/config${query}`, {
      token: vigil.adminToken,
      body,
      contentType: YAML,
      headers,
    });
  const get = (path: string, headers: Record<string, string> = {}) =>
    call(vigil.url, 'GET', path, { token: vigil.adminToken, headers });

  beforeAll(async () => {
    vigil = await startVigil({
      VIGIL_SECRET_KEY: 'test-secret-key-0123456789',
      VIGIL_MAX_BODY_BYTES: '262144',
    });
  });
  afterAll(() => vigil.close());

  it('has no config before the first apply', async () => {
    expect((await get('/api/v1/config')).status).toBe(404);
  });

  it('a dry run returns the plan and changes nothing', async () => {
    const res = await put(EXAMPLE, '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 0, changed: false, dryRun: true });
    expect(res.body.plan.summary.create).toBeGreaterThanOrEqual(7);
    expect(res.body.plan.changes).toContainEqual(
      expect.objectContaining({ kind: 'idc', name: 'sha', op: 'create' }),
    );
    expect((await get('/api/v1/config/versions')).body.total).toBe(0);
  });

  it('applies examples/multi-idc.yaml as version 1, with author and message', async () => {
    const res = await put(EXAMPLE, '?message=first%20cut');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, changed: true, dryRun: false });
    const v1 = await get('/api/v1/config/versions/1');
    expect(v1.body).toMatchObject({
      version: 1,
      author: 'bootstrap-admin',
      message: 'first cut',
      restoredFrom: null,
    });
    expect(v1.body.plan.summary).toEqual(res.body.plan.summary);
  });

  it('fills the read views from the applied version', async () => {
    const idcs = await get('/api/v1/idcs');
    expect(idcs.body.items.map((i: { name: string }) => i.name)).toEqual(['bjs', 'sha', 'szx']);
    const services = await get('/api/v1/services?limit=1');
    expect(services.body).toMatchObject({ total: 4, limit: 1, offset: 0 });
    expect(services.body.items).toHaveLength(1);
    const edge = await get('/api/v1/services/live-edge');
    expect(edge.body.idcs).toContainEqual({ idc: 'sha', endpoints: 3, capacity: 300 });
    const inSha = await get('/api/v1/endpoints?service=live-edge&idc=sha');
    expect(inSha.body.items.map((e: { id: string }) => e.id)).toEqual([
      'live-edge.sha-edge-1',
      'live-edge.sha-edge-2',
      'live-edge.sha-edge-3',
    ]);
    expect((await get('/api/v1/services/nope')).status).toBe(404);
    expect((await get('/api/v1/endpoints?limit=0')).status).toBe(400);
  });

  it('applying the same state again creates no version', async () => {
    const res = await put(EXAMPLE);
    expect(res.body).toMatchObject({ version: 1, changed: false });
    expect(res.body.plan.changes).toEqual([]);
    expect((await get('/api/v1/config/versions')).body.total).toBe(1);
  });

  it('GET /config returns JSON or YAML with the version as ETag', async () => {
    const json = await get('/api/v1/config');
    expect(json.headers.get('etag')).toBe('"1"');
    expect(json.body.apiVersion).toBe('vigil/v1');
    const yaml = await get('/api/v1/config', { accept: 'application/yaml' });
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
    expect(parse(yaml.text)).toEqual(json.body);
    // What GET returns applies back as a no-op: a round trip changes nothing.
    expect((await put(yaml.text)).body).toMatchObject({ version: 1, changed: false });
  });

  it('a broken copy is a 400 naming every bad path, and version 1 stays current', async () => {
    const broken = parse(EXAMPLE);
    broken.services[0].endpoints[2].idc = 'shx';
    broken.services[0].checks[0].timeout = '10s';
    broken.idcs.push({ name: 'sha', capacity: 1 });
    const res = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: broken });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('Bad Request');
    const paths = res.body.details.map((d: { path: string }) => d.path);
    expect(res.body.details).toContainEqual({
      path: 'services[0].endpoints[2].idc',
      message: 'unknown IDC "shx"',
    });
    expect(paths).toContain('services[0].checks[0].timeout');
    expect(paths).toContain('idcs[3].name');
    expect((await get('/api/v1/config')).headers.get('etag')).toBe('"1"');
    expect((await get('/api/v1/config/versions')).body.total).toBe(1);
  });

  it('malformed YAML is a 400 with line and column', async () => {
    const res = await put('apiVersion: vigil/v1\nidcs:\n  - name: sha\n   capacity: [1, 2\n');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^malformed YAML/);
    expect(res.body.details[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    expect(res.body.details[0].line).toBeGreaterThanOrEqual(3);
  });

  it('an oversized body is a 413 and changes nothing', async () => {
    const huge = EXAMPLE + `\n# ${'x'.repeat(300_000)}\n`;
    const res = await put(huge);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('a body of another media type is refused', async () => {
    const res = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      body: EXAMPLE,
      contentType: 'application/octet-stream',
    });
    expect(res.status).toBe(415);
  });

  it('If-Match gives optimistic concurrency', async () => {
    const changed = EXAMPLE.replace('capacity: 200', 'capacity: 250');
    const stale = await put(changed, '', { 'if-match': '"0"' });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('current config version is 1');
    const fresh = await put(changed, '?message=more%20szx', { 'if-match': '"1"' });
    expect(fresh.body).toMatchObject({ version: 2, changed: true });
    expect(fresh.body.plan.changes).toEqual([
      { kind: 'idc', name: 'szx', op: 'update', fields: [{ path: 'capacity', before: 200, after: 250 }] },
    ]);
    expect((await put(EXAMPLE, '', { 'if-match': 'banana' })).status).toBe(400);
  });

  it('diffs any two versions', async () => {
    const res = await get('/api/v1/config/versions/2/diff?against=1');
    expect(res.body.changes).toEqual([
      { kind: 'idc', name: 'szx', op: 'update', fields: [{ path: 'capacity', before: 200, after: 250 }] },
    ]);
    const fromEmpty = await get('/api/v1/config/versions/1/diff');
    expect(fromEmpty.body.summary.delete).toBe(0);
    expect(fromEmpty.body.summary.create).toBeGreaterThan(0);
    expect((await get('/api/v1/config/versions/9/diff')).status).toBe(404);
  });

  it('restores a version as a new version equal to it', async () => {
    const res = await call(vigil.url, 'POST', '/api/v1/config/versions/1/restore', {
      token: vigil.adminToken,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 3, changed: true });
    const v3 = await get('/api/v1/config/versions/3');
    const v1 = await get('/api/v1/config/versions/1');
    expect(v3.body).toMatchObject({ restoredFrom: 1, message: 'restore of version 1' });
    expect(v3.body.document).toEqual(v1.body.document);
    const again = await call(vigil.url, 'POST', '/api/v1/config/versions/3/restore', {
      token: vigil.adminToken,
    });
    expect(again.body).toMatchObject({ version: 3, changed: false });
  });

  it('lists versions newest first with paging', async () => {
    const res = await get('/api/v1/config/versions?limit=2');
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    expect(res.body.items[0].summary).toEqual({ create: 0, update: 1, delete: 0 });
    expect(res.body.items[0].document).toBeUndefined();
  });

  describe('secrets', () => {
    const PLAIN = 'hunter2-very-secret-value';
    const withInlineSecret = () => {
      const doc = parse(EXAMPLE);
      doc.channels[0].secret = { value: PLAIN };
      return doc;
    };

    it('stores inline secrets encrypted and never returns them', async () => {
      const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
        token: vigil.adminToken,
        json: withInlineSecret(),
      });
      expect(applied.status).toBe(200);
      expect(JSON.stringify(applied.body)).not.toContain(PLAIN);
      const version = applied.body.version;
      const rows = await vigil.sql<{ document: unknown }>('SELECT document FROM config_versions');
      for (const row of rows) expect(JSON.stringify(row.document)).not.toContain(PLAIN);
      const current = await get('/api/v1/config');
      expect(current.body.channels[0].secret).toEqual({ value: '<redacted>' });
      const detail = await get(`/api/v1/config/versions/${version}`);
      expect(JSON.stringify(detail.body)).not.toContain(PLAIN);
      const yaml = await get('/api/v1/config', { accept: 'application/yaml' });
      expect(yaml.text).not.toContain(PLAIN);
      // Putting the redacted document back keeps the stored secret: nothing changes.
      expect((await put(yaml.text)).body).toMatchObject({ version, changed: false });
    });

    it('a changed secret shows in the plan without its value', async () => {
      const doc = withInlineSecret();
      doc.channels[0].secret = { value: 'another-secret-value' };
      const res = await call(vigil.url, 'PUT', '/api/v1/config?dryRun=true', {
        token: vigil.adminToken,
        json: doc,
      });
      expect(res.body.plan.summary.update).toBe(1);
      expect(JSON.stringify(res.body)).not.toContain('another-secret-value');
    });

    it('refuses an inline secret when no VIGIL_SECRET_KEY is set, naming its path', async () => {
      const keyless = await startVigil();
      try {
        const res = await call(keyless.url, 'PUT', '/api/v1/config', {
          token: keyless.adminToken,
          json: withInlineSecret(),
        });
        expect(res.status).toBe(400);
        expect(res.body.details[0].path).toBe('channels[0].secret');
        expect(res.body.details[0].message).toContain('VIGIL_SECRET_KEY');
      } finally {
        await keyless.close();
      }
    });
  });
});
