import type { ApiRole } from '@libs/domain';
import { call, type Reply } from './support/http';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

interface Entry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  sourceIp: string | null;
  summary: Record<string, unknown>;
}

const LOOPBACK = ['127.0.0.1', '::ffff:127.0.0.1'];

const configYaml = (capacity: number) => `apiVersion: vigil/v1
idcs:
  - name: sha
    capacity: ${capacity}
`;

describe('the audit log', () => {
  let vigil: VigilUnderTest;
  /** Tokens by key name. */
  const tokens: Record<string, string> = {};
  const keyIds: Record<string, string> = {};

  const count = async () =>
    Number((await vigil.sql<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0].n);

  async function list(
    query = '',
    token = vigil.adminToken,
  ): Promise<Reply<{ items: Entry[]; next: string | null }>> {
    const res = await call<{ items: Entry[]; next: string | null }>(
      vigil.url,
      'GET',
      `/api/v1/audit${query}`,
      {
        token,
      },
    );
    expect(res.status).toBe(200);
    return res;
  }

  /** Runs `action` and returns the one entry it appended (failing unless it appended exactly one). */
  async function oneEntry(action: () => Promise<Reply>, status: number): Promise<Entry> {
    const before = await count();
    const [newest] = (await list('?limit=1')).body.items;
    const res = await action();
    expect(res.status).toBe(status);
    expect(await count()).toBe(before + 1);
    const { items } = (await list('?limit=2')).body;
    if (newest) expect(items[1]).toEqual(newest);
    expect(BigInt(items[0].id)).toBeGreaterThan(BigInt(newest?.id ?? 0));
    return items[0];
  }

  async function createKey(name: string, role: ApiRole, by = vigil.adminToken): Promise<Reply> {
    const res = await call(vigil.url, 'POST', '/api/v1/api-keys', { token: by, json: { name, role } });
    if (res.status === 201) {
      tokens[name] = res.body.token;
      keyIds[name] = res.body.id;
    }
    return res;
  }

  const applyConfig = (token: string, yaml: string, query = '') =>
    call(vigil.url, 'PUT', `/api/v1/config${query}`, { token, body: yaml, contentType: 'application/yaml' });

  beforeAll(async () => {
    vigil = await startVigil();
  });
  afterAll(() => vigil.close());

  it('starts empty', async () => {
    const res = await list();
    expect(res.body).toEqual({ items: [], next: null });
    expect(await count()).toBe(0);
  });

  describe('each mutation appends exactly one entry', () => {
    it('api-key create, by the bootstrap admin', async () => {
      const entry = await oneEntry(() => createKey('root', 'admin'), 201);
      expect(entry).toEqual({
        id: expect.stringMatching(/^\d+$/),
        at: expect.any(String),
        actor: 'bootstrap-admin',
        action: 'api-key.create',
        target: 'api-key/root',
        sourceIp: expect.any(String),
        summary: { id: keyIds.root, role: 'admin', prefix: tokens.root.slice(0, 12) },
      });
      expect(LOOPBACK).toContain(entry.sourceIp);
      expect(Math.abs(Date.parse(entry.at) - Date.now())).toBeLessThan(60_000);
      expect(JSON.stringify(entry)).not.toContain(tokens.root);
    });

    it('api-key create, by a key: the actor is the key name', async () => {
      const entry = await oneEntry(() => createKey('ops', 'operator', tokens.root), 201);
      expect(entry).toMatchObject({
        actor: 'root',
        action: 'api-key.create',
        target: 'api-key/ops',
        summary: { id: keyIds.ops, role: 'operator', prefix: tokens.ops.slice(0, 12) },
      });
      expect(LOOPBACK).toContain(entry.sourceIp);
      await createKey('watcher', 'viewer', tokens.root);
    });

    it('config apply', async () => {
      const entry = await oneEntry(
        () => applyConfig(tokens.ops, configYaml(100), '?message=first%20idc'),
        200,
      );
      expect(entry).toMatchObject({
        actor: 'ops',
        action: 'config.apply',
        target: 'config/v1',
        summary: { message: 'first idc', restoredFrom: null, changes: { create: 1, update: 0, delete: 0 } },
      });
      expect(LOOPBACK).toContain(entry.sourceIp);
      const second = await oneEntry(() => applyConfig(tokens.root, configYaml(200)), 200);
      expect(second).toMatchObject({
        actor: 'root',
        action: 'config.apply',
        target: 'config/v2',
        summary: { message: null, changes: { create: 0, update: 1, delete: 0 } },
      });
    });

    it('config restore', async () => {
      const entry = await oneEntry(
        () => call(vigil.url, 'POST', '/api/v1/config/versions/1/restore', { token: tokens.ops }),
        200,
      );
      expect(entry).toMatchObject({
        actor: 'ops',
        action: 'config.restore',
        target: 'config/v3',
        summary: { restoredFrom: 1, changes: { create: 0, update: 1, delete: 0 } },
      });
    });

    it('api-key revoke', async () => {
      await createKey('temp', 'viewer', tokens.root);
      const entry = await oneEntry(
        () => call(vigil.url, 'DELETE', `/api/v1/api-keys/${keyIds.temp}`, { token: tokens.root }),
        200,
      );
      expect(entry).toMatchObject({
        actor: 'root',
        action: 'api-key.revoke',
        target: 'api-key/temp',
        summary: { id: keyIds.temp },
      });
      expect(LOOPBACK).toContain(entry.sourceIp);
    });
  });

  describe('reading it', () => {
    it('lists newest first, matching the table', async () => {
      const { items, next } = (await list()).body;
      expect(next).toBeNull();
      expect(items.map((e) => `${e.actor} ${e.action} ${e.target}`)).toEqual([
        'root api-key.revoke api-key/temp',
        'root api-key.create api-key/temp',
        'ops config.restore config/v3',
        'root config.apply config/v2',
        'ops config.apply config/v1',
        'root api-key.create api-key/watcher',
        'root api-key.create api-key/ops',
        'bootstrap-admin api-key.create api-key/root',
      ]);
      const ids = items.map((e) => BigInt(e.id));
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeLessThan(ids[i - 1]);
      const rows = await vigil.sql<{ id: string }>('SELECT id FROM audit_log ORDER BY id DESC');
      expect(items.map((e) => e.id)).toEqual(rows.map((r) => r.id));
    });

    it('pages with the `before` cursor, each entry exactly once', async () => {
      const all = (await list()).body.items.map((e) => e.id);
      const seen: string[] = [];
      let query = '?limit=3';
      let pages = 0;
      for (;;) {
        const page = (await list(query)).body;
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((e) => e.id));
        pages++;
        if (!page.next) break;
        expect(page.next).toBe(page.items[page.items.length - 1].id);
        query = `?limit=3&before=${page.next}`;
        expect(pages).toBeLessThan(10);
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(all);

      const first = (await list('?limit=3')).body;
      expect(first.items.map((e) => e.id)).toEqual(all.slice(0, 3));
      const second = (await list(`?limit=3&before=${first.next}`)).body;
      expect(second.items.map((e) => e.id)).toEqual(all.slice(3, 6));
    });

    it('filters by actor and by action', async () => {
      const byRoot = (await list('?actor=root')).body.items;
      expect(byRoot).toHaveLength(5);
      expect(new Set(byRoot.map((e) => e.actor))).toEqual(new Set(['root']));

      const creates = (await list('?action=api-key.create')).body.items;
      expect(creates.map((e) => e.target)).toEqual([
        'api-key/temp',
        'api-key/watcher',
        'api-key/ops',
        'api-key/root',
      ]);

      const both = (await list('?actor=ops&action=config.apply')).body.items;
      expect(both.map((e) => e.target)).toEqual(['config/v1']);

      const pagedFilter = (await list('?actor=root&limit=2')).body;
      expect(pagedFilter.items.map((e) => e.target)).toEqual(['api-key/temp', 'api-key/temp']);
      const rest = (await list(`?actor=root&limit=2&before=${pagedFilter.next}`)).body;
      expect(rest.items.map((e) => e.target)).toEqual(['config/v2', 'api-key/watcher']);

      expect((await list('?actor=nobody')).body).toEqual({ items: [], next: null });
    });

    it('refuses bad query parameters with 400', async () => {
      for (const query of ['?before=abc', '?limit=0', '?limit=1001', '?colour=red']) {
        const res = await call(vigil.url, 'GET', `/api/v1/audit${query}`, { token: vigil.adminToken });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
          message: expect.any(String),
        });
      }
    });

    it('needs the operator role', async () => {
      expect((await call(vigil.url, 'GET', '/api/v1/audit')).status).toBe(401);
      const viewer = await call(vigil.url, 'GET', '/api/v1/audit', { token: tokens.watcher });
      expect(viewer.status).toBe(403);
      expect(viewer.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      expect((await call(vigil.url, 'GET', '/api/v1/audit', { token: tokens.ops })).status).toBe(200);
      expect((await call(vigil.url, 'GET', '/api/v1/audit', { token: tokens.root })).status).toBe(200);
    });
  });

  describe('failed and refused requests add nothing', () => {
    const cases: Array<[string, number, () => Promise<Reply>]> = [
      [
        'api-key create without a key',
        401,
        () => call(vigil.url, 'POST', '/api/v1/api-keys', { json: { name: 'a', role: 'viewer' } }),
      ],
      [
        'api-key create with a revoked key',
        401,
        () =>
          call(vigil.url, 'POST', '/api/v1/api-keys', {
            token: tokens.temp,
            json: { name: 'a', role: 'viewer' },
          }),
      ],
      [
        'api-key create by an operator',
        403,
        () =>
          call(vigil.url, 'POST', '/api/v1/api-keys', {
            token: tokens.ops,
            json: { name: 'a', role: 'viewer' },
          }),
      ],
      [
        'api-key create with a bad body',
        400,
        () =>
          call(vigil.url, 'POST', '/api/v1/api-keys', {
            token: vigil.adminToken,
            json: { name: 'Bad Name!', role: 'root' },
          }),
      ],
      [
        'api-key create with a taken name',
        409,
        () =>
          call(vigil.url, 'POST', '/api/v1/api-keys', {
            token: vigil.adminToken,
            json: { name: 'ops', role: 'viewer' },
          }),
      ],
      [
        'api-key revoke of an unknown id',
        404,
        () =>
          call(vigil.url, 'DELETE', '/api/v1/api-keys/00000000-0000-4000-8000-000000000000', {
            token: vigil.adminToken,
          }),
      ],
      [
        'api-key revoke of an already revoked key',
        404,
        () => call(vigil.url, 'DELETE', `/api/v1/api-keys/${keyIds.temp}`, { token: vigil.adminToken }),
      ],
      [
        'api-key revoke by a viewer',
        403,
        () => call(vigil.url, 'DELETE', `/api/v1/api-keys/${keyIds.ops}`, { token: tokens.watcher }),
      ],
      [
        'config apply without a key',
        401,
        () =>
          call(vigil.url, 'PUT', '/api/v1/config', {
            body: configYaml(300),
            contentType: 'application/yaml',
          }),
      ],
      ['config apply by a viewer', 403, () => applyConfig(tokens.watcher, configYaml(300))],
      [
        'config apply of an invalid config',
        400,
        () => applyConfig(tokens.ops, 'apiVersion: vigil/v1\nidcs:\n  - name: sha\n'),
      ],
      ['config apply of malformed YAML', 400, () => applyConfig(tokens.ops, 'apiVersion: [vigil/v1\n')],
      ['config apply as a dry run', 200, () => applyConfig(tokens.ops, configYaml(300), '?dryRun=true')],
      [
        'config apply with a stale If-Match',
        409,
        () =>
          call(vigil.url, 'PUT', '/api/v1/config', {
            token: tokens.ops,
            body: configYaml(300),
            contentType: 'application/yaml',
            headers: { 'if-match': '"1"' },
          }),
      ],
      [
        'config restore of a missing version',
        404,
        () => call(vigil.url, 'POST', '/api/v1/config/versions/99/restore', { token: tokens.ops }),
      ],
      [
        'config restore by a viewer',
        403,
        () => call(vigil.url, 'POST', '/api/v1/config/versions/1/restore', { token: tokens.watcher }),
      ],
    ];

    it.each(cases)('%s (%i)', async (_, status, request) => {
      const before = await count();
      const newest = (await list('?limit=1')).body.items[0];
      const res = await request();
      expect(res.status).toBe(status);
      if (status === 200) expect(res.body).toMatchObject({ dryRun: true, changed: false, version: 3 });
      expect(await count()).toBe(before);
      expect((await list('?limit=1')).body.items[0]).toEqual(newest);
    });

    it('nor did they change anything else', async () => {
      const versions = await vigil.sql<{ version: number }>(
        'SELECT version FROM config_versions ORDER BY version',
      );
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
      const keys = await vigil.sql<{ name: string }>(
        'SELECT name FROM api_keys WHERE revoked_at IS NULL ORDER BY name',
      );
      expect(keys.map((k) => k.name)).toEqual(['ops', 'root', 'watcher']);
    });
  });

  describe('nothing can edit it', () => {
    it('has no route that writes to it', async () => {
      const [entry] = (await list('?limit=1')).body.items;
      for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
        for (const path of ['/api/v1/audit', `/api/v1/audit/${entry.id}`]) {
          const res = await call(vigil.url, method, path, {
            token: vigil.adminToken,
            json: { actor: 'someone-else', action: 'nothing' },
          });
          expect([404, 405]).toContain(res.status);
        }
      }
      expect((await list('?limit=1')).body.items[0]).toEqual(entry);
    });

    it('the database refuses UPDATE, DELETE and TRUNCATE, even for the app', async () => {
      const before = await vigil.sql('SELECT * FROM audit_log ORDER BY id');
      expect(before.length).toBeGreaterThan(0);
      await expect(vigil.sql(`UPDATE audit_log SET actor = 'someone-else'`)).rejects.toThrow(/append-only/);
      await expect(
        vigil.sql(`UPDATE audit_log SET summary = '{}' WHERE id = $1`, [before[0].id]),
      ).rejects.toThrow(/append-only/);
      await expect(vigil.sql('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      await expect(vigil.sql('DELETE FROM audit_log WHERE id = $1', [before[0].id])).rejects.toThrow(
        /append-only/,
      );
      await expect(vigil.sql('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
      expect(await vigil.sql('SELECT * FROM audit_log ORDER BY id')).toEqual(before);
    });

    it('still appends after the refused edits', async () => {
      const entry = await oneEntry(() => createKey('after', 'viewer', tokens.root), 201);
      expect(entry).toMatchObject({ actor: 'root', action: 'api-key.create', target: 'api-key/after' });
    });
  });
});
