import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiRole } from '@libs/domain';
import { call, type Reply } from './support/http';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

const INDEX_HTML = '<!doctype html><title>Vigil</title><div id="root"></div>';
const ASSET_JS = 'console.log("vigil");';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
  "form-action 'self'";

/** The one Set-Cookie of a reply (fetch folds them otherwise). */
function setCookie(res: Reply): string | undefined {
  const all = res.headers.getSetCookie();
  expect(all.length).toBeLessThanOrEqual(1);
  return all[0];
}

interface Session {
  /** `vigil_session=<token>`, as a browser sends it back. */
  cookie: string;
  csrfToken: string;
  body: Record<string, unknown>;
}

describe('console sessions', () => {
  let vigil: VigilUnderTest;
  let consoleDir: string;
  const keys: Record<string, { id: string; token: string }> = {};

  async function createKey(name: string, role: ApiRole): Promise<{ id: string; token: string }> {
    const res = await call(vigil.url, 'POST', '/api/v1/api-keys', {
      token: vigil.adminToken,
      json: { name, role },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function signIn(apiKey: string, headers: Record<string, string> = {}): Promise<Session> {
    const res = await call(vigil.url, 'POST', '/api/v1/session', { json: { apiKey }, headers });
    expect(res.status).toBe(201);
    const cookie = setCookie(res)!.split(';')[0];
    return { cookie, csrfToken: res.body.csrfToken, body: res.body };
  }

  const withCookie = (session: Session, extra: Record<string, string> = {}) => ({
    headers: { cookie: session.cookie, ...extra },
  });

  const paused = async () =>
    (await call(vigil.url, 'GET', '/api/v1/automation', { token: vigil.adminToken })).body.paused;

  beforeAll(async () => {
    consoleDir = mkdtempSync(join(tmpdir(), 'vigil-console-'));
    mkdirSync(join(consoleDir, 'assets'));
    writeFileSync(join(consoleDir, 'index.html'), INDEX_HTML);
    writeFileSync(join(consoleDir, 'assets', 'x.js'), ASSET_JS);
    vigil = await startVigil({ VIGIL_ROLES: 'api', VIGIL_CONSOLE_DIR: consoleDir, VIGIL_SESSION_TTL: '2h' });
    for (const role of ['viewer', 'operator', 'admin', 'webhook'] as const) {
      keys[role] = await createKey(`${role}-key`, role);
    }
  });
  afterAll(async () => {
    await vigil.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  describe('signing in', () => {
    it('refuses an unknown key with 401 and sets no cookie', async () => {
      const res = await call(vigil.url, 'POST', '/api/v1/session', { json: { apiKey: 'vgl_nope' } });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('unknown or revoked API key');
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it('refuses a missing apiKey with 400 naming the field', async () => {
      const res = await call(vigil.url, 'POST', '/api/v1/session', { json: {} });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/apiKey/);
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it('refuses a webhook key with 403: it cannot use the console', async () => {
      const res = await call(vigil.url, 'POST', '/api/v1/session', { json: { apiKey: keys.webhook.token } });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it('refuses the bootstrap admin token with 403 (it has no key to sign in as)', async () => {
      const res = await call(vigil.url, 'POST', '/api/v1/session', { json: { apiKey: vigil.adminToken } });
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/create an API key/);
    });

    it('refuses a sign-in posted from another site', async () => {
      const res = await call(vigil.url, 'POST', '/api/v1/session', {
        json: { apiKey: keys.viewer.token },
        headers: { origin: 'https://evil.example' },
      });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it('sets an HttpOnly, SameSite=Strict session cookie and answers who signed in', async () => {
      const before = Date.now();
      const res = await call(vigil.url, 'POST', '/api/v1/session', { json: { apiKey: keys.operator.token } });
      expect(res.status).toBe(201);
      const cookie = setCookie(res)!;
      expect(cookie).toMatch(/^vigil_session=[A-Za-z0-9_-]{43}; /);
      const attributes = cookie.split('; ').slice(1);
      expect(attributes).toEqual(
        expect.arrayContaining(['Max-Age=7200', 'Path=/', 'HttpOnly', 'SameSite=Strict']),
      );
      expect(attributes).not.toContain('Secure');
      expect(res.body).toEqual({
        name: 'operator-key',
        role: 'operator',
        expiresAt: expect.any(String),
        csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      const expires = Date.parse(res.body.expiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 7200_000 - 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 7200_000 + 1000);
    });

    it('stores only the hash of the token, with the key and source address', async () => {
      const session = await signIn(keys.viewer.token);
      const token = session.cookie.split('=')[1];
      const rows = await vigil.sql<{ token_hash: string; api_key_id: string; source_ip: string }>(
        'SELECT token_hash, api_key_id, source_ip FROM console_sessions WHERE api_key_id = $1',
        [keys.viewer.id],
      );
      expect(rows.length).toBeGreaterThan(0);
      const hash = createHash('sha256').update(token).digest('hex');
      expect(rows.map((r) => r.token_hash)).toContain(hash);
      for (const row of rows) expect(row.token_hash).not.toContain(token);
      expect(rows.map((r) => r.source_ip)).toContainEqual(expect.stringMatching(/127\.0\.0\.1/));
    });

    it('marks the cookie Secure when the request came over TLS (a trusted proxy said https)', async () => {
      const res = await call(vigil.url, 'POST', '/api/v1/session', {
        json: { apiKey: keys.viewer.token },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(res.status).toBe(201);
      expect(setCookie(res)!.split('; ')).toContain('Secure');
    });

    it('records sign-in and sign-out in the audit log, without the token', async () => {
      const session = await signIn(keys.admin.token);
      expect(
        (
          await call(
            vigil.url,
            'DELETE',
            '/api/v1/session',
            withCookie(session, { 'x-csrf-token': session.csrfToken }),
          )
        ).status,
      ).toBe(204);
      const entries = await vigil.sql<{ actor: string; action: string; target: string; source_ip: string }>(
        `SELECT actor, action, target, source_ip, summary::text AS summary FROM audit_log
         WHERE action LIKE 'session.%' AND actor = 'admin-key' ORDER BY id`,
      );
      expect(entries.map((e) => `${e.actor} ${e.action} ${e.target}`)).toEqual([
        'admin-key session.create api-key/admin-key',
        'admin-key session.delete api-key/admin-key',
      ]);
      for (const e of entries) expect(e.source_ip).toMatch(/127\.0\.0\.1/);
      expect(JSON.stringify(entries)).not.toContain(session.cookie.split('=')[1]);
      expect(JSON.stringify(entries)).not.toContain(session.csrfToken);
    });
  });

  describe('the cookie as a credential', () => {
    it('GET /session answers the session with its CSRF token', async () => {
      const session = await signIn(keys.viewer.token);
      const res = await call(vigil.url, 'GET', '/api/v1/session', withCookie(session));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(session.body);
    });

    it('GET /session with a bearer key answers without expiry or CSRF token', async () => {
      const res = await call(vigil.url, 'GET', '/api/v1/session', { token: keys.viewer.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ name: 'viewer-key', role: 'viewer', expiresAt: null });
    });

    it('reads with the cookie need no CSRF token', async () => {
      const session = await signIn(keys.viewer.token);
      expect((await call(vigil.url, 'GET', '/api/v1/idcs', withCookie(session))).status).toBe(200);
    });

    it('refuses a write without the CSRF token with 403 and changes nothing', async () => {
      const session = await signIn(keys.operator.token);
      const res = await call(vigil.url, 'POST', '/api/v1/automation/pause', {
        ...withCookie(session),
        json: { reason: 'csrf test' },
      });
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('missing or invalid CSRF token');
      expect(await paused()).toBe(false);
      // Refused before the body is read: a malformed body would otherwise be a 400.
      const malformed = await call(vigil.url, 'POST', '/api/v1/automation/pause', {
        ...withCookie(session),
        body: '{not json',
        contentType: 'application/json',
      });
      expect(malformed.status).toBe(403);
    });

    it('refuses a write with a wrong CSRF token', async () => {
      const session = await signIn(keys.operator.token);
      const other = await signIn(keys.operator.token);
      const res = await call(vigil.url, 'POST', '/api/v1/automation/pause', {
        ...withCookie(session, { 'x-csrf-token': other.csrfToken }),
        json: { reason: 'csrf test' },
      });
      expect(res.status).toBe(403);
      expect(await paused()).toBe(false);
    });

    it('refuses a write with the right token from another site', async () => {
      const session = await signIn(keys.operator.token);
      const res = await call(vigil.url, 'POST', '/api/v1/automation/pause', {
        ...withCookie(session, { 'x-csrf-token': session.csrfToken, origin: 'https://evil.example' }),
        json: { reason: 'csrf test' },
      });
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('missing or invalid CSRF token');
      expect(await paused()).toBe(false);
    });

    it('does not count refused CSRF checks as failed authentications; bad sign-ins count', async () => {
      const strict = await startVigil({ VIGIL_ROLES: 'api', VIGIL_AUTH_FAILURES_PER_MINUTE: '1' });
      try {
        const key = await call(strict.url, 'POST', '/api/v1/api-keys', {
          token: strict.adminToken,
          json: { name: 'op', role: 'operator' },
        });
        const signed = await call(strict.url, 'POST', '/api/v1/session', {
          json: { apiKey: key.body.token },
        });
        const cookie = setCookie(signed)!.split(';')[0];
        for (let i = 0; i < 3; i++) {
          const res = await call(strict.url, 'POST', '/api/v1/automation/pause', {
            headers: { cookie },
            json: { reason: 'x' },
          });
          expect(res.status).toBe(403);
        }
        const bad = () => call(strict.url, 'POST', '/api/v1/session', { json: { apiKey: 'vgl_nope' } });
        expect((await bad()).status).toBe(401);
        const blocked = await bad();
        expect(blocked.status).toBe(429);
        expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
        // A valid key is still let in from a blocked address.
        const again = await call(strict.url, 'POST', '/api/v1/session', { json: { apiKey: key.body.token } });
        expect(again.status).toBe(201);
      } finally {
        await strict.close();
      }
    });

    it('lets a write with the right token through', async () => {
      const session = await signIn(keys.operator.token);
      const res = await call(vigil.url, 'POST', '/api/v1/automation/pause', {
        ...withCookie(session, { 'x-csrf-token': session.csrfToken, origin: vigil.url }),
        json: { reason: 'from the console' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ paused: true, by: 'operator-key', reason: 'from the console' });
      const resumed = await call(vigil.url, 'POST', '/api/v1/automation/resume', {
        ...withCookie(session, { 'x-csrf-token': session.csrfToken }),
        json: { reason: 'done' },
      });
      expect(resumed.status).toBe(200);
      expect(await paused()).toBe(false);
    });

    it("enforces the key's role: a viewer session cannot pause automation", async () => {
      const session = await signIn(keys.viewer.token);
      const res = await call(vigil.url, 'POST', '/api/v1/automation/pause', {
        ...withCookie(session, { 'x-csrf-token': session.csrfToken }),
        json: { reason: 'viewer' },
      });
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/requires the operator role/);
      expect(await paused()).toBe(false);
    });

    it('bearer keys need no CSRF token, even with a session cookie beside them', async () => {
      const session = await signIn(keys.viewer.token);
      const res = await call(vigil.url, 'POST', '/api/v1/automation/pause', {
        token: keys.operator.token,
        headers: { cookie: session.cookie },
        json: { reason: 'bearer' },
      });
      expect(res.status).toBe(200);
      expect(res.body.by).toBe('operator-key');
      const resumed = await call(vigil.url, 'POST', '/api/v1/automation/resume', {
        token: keys.operator.token,
        json: { reason: 'done' },
      });
      expect(resumed.status).toBe(200);
    });

    it('writes last_seen_at at most once a minute, not on every request', async () => {
      const session = await signIn(keys.viewer.token);
      const hash = createHash('sha256').update(session.cookie.split('=')[1]).digest('hex');
      const seen = async () =>
        (
          await vigil.sql<{ t: string }>(
            'SELECT last_seen_at::text AS t FROM console_sessions WHERE token_hash = $1',
            [hash],
          )
        )[0].t;
      const fresh = await seen();
      expect((await call(vigil.url, 'GET', '/api/v1/idcs', withCookie(session))).status).toBe(200);
      expect(await seen()).toBe(fresh);
      await vigil.sql(
        `UPDATE console_sessions SET last_seen_at = now() - interval '5 minutes' WHERE token_hash = $1`,
        [hash],
      );
      const old = await seen();
      expect((await call(vigil.url, 'GET', '/api/v1/idcs', withCookie(session))).status).toBe(200);
      const touched = await seen();
      expect(Date.parse(touched)).toBeGreaterThan(Date.parse(old));
      expect((await call(vigil.url, 'GET', '/api/v1/idcs', withCookie(session))).status).toBe(200);
      expect(await seen()).toBe(touched);
    });

    it('a new sign-in from the same browser ends the session its old cookie held', async () => {
      const first = await signIn(keys.viewer.token);
      const second = await signIn(keys.operator.token, { cookie: first.cookie });
      expect((await call(vigil.url, 'GET', '/api/v1/session', withCookie(first))).status).toBe(401);
      const now = await call(vigil.url, 'GET', '/api/v1/session', withCookie(second));
      expect(now.body).toMatchObject({ name: 'operator-key', role: 'operator' });
    });

    it('refuses an unknown session cookie with 401', async () => {
      const res = await call(vigil.url, 'GET', '/api/v1/idcs', { headers: { cookie: 'vigil_session=nope' } });
      expect(res.status).toBe(401);
    });
  });

  describe('ending sessions', () => {
    it('signing out ends the session and clears the cookie', async () => {
      const session = await signIn(keys.viewer.token);
      const without = await call(vigil.url, 'DELETE', '/api/v1/session', withCookie(session));
      expect(without.status).toBe(403);
      const res = await call(
        vigil.url,
        'DELETE',
        '/api/v1/session',
        withCookie(session, { 'x-csrf-token': session.csrfToken }),
      );
      expect(res.status).toBe(204);
      expect(setCookie(res)!.split('; ')).toEqual(expect.arrayContaining(['vigil_session=', 'Max-Age=0']));
      const after = await call(vigil.url, 'GET', '/api/v1/session', withCookie(session));
      expect(after.status).toBe(401);
      expect(after.body.message).toMatch(/sign in again/);
    });

    it('revoking the key ends its sessions', async () => {
      const key = await createKey('short-lived', 'operator');
      const session = await signIn(key.token);
      expect((await call(vigil.url, 'GET', '/api/v1/session', withCookie(session))).status).toBe(200);
      const revoked = await call(vigil.url, 'DELETE', `/api/v1/api-keys/${key.id}`, {
        token: vigil.adminToken,
      });
      expect(revoked.status).toBe(200);
      expect((await call(vigil.url, 'GET', '/api/v1/session', withCookie(session))).status).toBe(401);
      expect(await vigil.sql('SELECT id FROM console_sessions WHERE api_key_id = $1', [key.id])).toEqual([]);
      const [entry] = await vigil.sql<{ summary: { sessionsEnded: number } }>(
        `SELECT summary FROM audit_log WHERE action = 'api-key.revoke' AND target = 'api-key/short-lived'`,
      );
      expect(entry.summary.sessionsEnded).toBe(1);
    });

    it('refuses an expired session with 401, and the next sign-in deletes it', async () => {
      const session = await signIn(keys.viewer.token);
      const hash = createHash('sha256').update(session.cookie.split('=')[1]).digest('hex');
      const [{ id }] = await vigil.sql<{ id: string }>(
        `UPDATE console_sessions SET expires_at = now() - interval '1 second'
         WHERE token_hash = $1 RETURNING id`,
        [hash],
      );
      const res = await call(vigil.url, 'GET', '/api/v1/session', withCookie(session));
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('session expired; sign in again');
      await signIn(keys.viewer.token);
      expect(await vigil.sql('SELECT id FROM console_sessions WHERE id = $1', [id])).toEqual([]);
    });
  });

  describe('serving the console', () => {
    function expectConsoleHeaders(res: Reply): void {
      expect(res.headers.get('content-security-policy')).toBe(CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }

    it.each(['/', '/actions/abc', '/services/web', '/endpoints/7'])(
      'serves index.html at %s without a key, revalidated',
      async (path) => {
        const res = await call(vigil.url, 'GET', path, { headers: { accept: 'text/html' } });
        expect(res.status).toBe(200);
        expect(res.text).toBe(INDEX_HTML);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.headers.get('cache-control')).toBe('no-cache');
        expectConsoleHeaders(res);
      },
    );

    it('serves assets as immutable files', async () => {
      const res = await call(vigil.url, 'GET', '/assets/x.js');
      expect(res.status).toBe(200);
      expect(res.text).toBe(ASSET_JS);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expectConsoleHeaders(res);
      expect((await call(vigil.url, 'GET', '/assets/missing.js')).status).toBe(404);
    });

    it('answers HEAD like GET', async () => {
      const res = await fetch(`${vigil.url}/actions/abc`, {
        method: 'HEAD',
        headers: { accept: 'text/html' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    });

    it('leaves unknown API paths to the API: JSON 404', async () => {
      const res = await call(vigil.url, 'GET', '/api/v1/nope', {
        token: vigil.adminToken,
        headers: { accept: 'text/html' },
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('content-security-policy')).toBeNull();
    });

    it('leaves /healthz, /docs and /metrics alone', async () => {
      const health = await call(vigil.url, 'GET', '/healthz', { headers: { accept: 'text/html' } });
      expect(health.status).toBe(200);
      expect(health.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await call(vigil.url, 'GET', '/docs', { headers: { accept: 'text/html' } })).status).toBe(401);
      expect((await call(vigil.url, 'GET', '/metrics')).status).toBe(401);
    });

    it('does not answer a request that does not accept HTML with index.html', async () => {
      const res = await call(vigil.url, 'GET', '/actions/abc', { headers: { accept: 'application/json' } });
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('<title>Vigil</title>');
    });

    it('says the console is not built when its directory has no index.html', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'vigil-console-empty-'));
      const bare = await startVigil({ VIGIL_ROLES: 'api', VIGIL_CONSOLE_DIR: empty });
      try {
        const res = await call(bare.url, 'GET', '/', { headers: { accept: 'text/html' } });
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(res.text).toMatch(/console is not built.*npm run build/);
        expect((await call(bare.url, 'GET', '/healthz')).status).toBe(200);
      } finally {
        await bare.close();
        rmSync(empty, { recursive: true, force: true });
      }
    });
  });
});
