import { startReceiver, type Receiver } from '@libs/fleet';
import Redis from 'ioredis';
import { encodeRuleBook, EMPTY_RULE_BOOK, RULE_BOOK_KEY } from '@libs/domain';
import { redisKey } from '@libs/runtime';
import { call, type Reply } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/**
 * The console's read APIs on a real Vigil (API and controller roles, no prober; the log traffic
 * manager): the rules with their live state from the leader's rule book, and a service's traffic
 * history from what Postgres records; and the console links (VIGIL_EXTERNAL_URL) notifications carry.
 */
const CONSOLE = 'https://vigil.example.com';

const config = (hookUrl: string) => ({
  apiVersion: 'vigil/v1',
  idcs: [
    { name: 'sha', capacity: 1000 },
    { name: 'bjs', capacity: 1000 },
  ],
  services: [
    {
      name: 'web',
      weights: { sha: 3, bjs: 1 },
      endpoints: [
        { idc: 'sha', name: 'sha-1', url: 'http://127.0.0.1:9/healthz', capacity: 100 },
        { idc: 'bjs', name: 'bjs-1', url: 'http://127.0.0.1:9/healthz', capacity: 100 },
      ],
      checks: [{ name: 'healthz', type: 'http' }],
    },
  ],
  channels: [{ name: 'ops', type: 'webhook', url: hookUrl }],
  notifications: { routes: [{ channels: ['ops'], events: ['action.awaiting-approval'] }] },
  rules: [
    // Holds from the first evaluation on, for far longer than the test: pending on both IDCs.
    {
      name: 'slow-watch',
      when: 'service.name == "web"',
      for: '1h',
      mode: 'dry-run',
      actions: [{ type: 'notify', channels: ['ops'] }],
    },
    // Fires at once; its (dry-run) notification starts the cooldown.
    {
      name: 'ping',
      when: 'idc.name == "sha"',
      cooldown: '10m',
      mode: 'dry-run',
      actions: [{ type: 'notify', channels: ['ops'] }],
    },
    // Never holds: no target in the book.
    { name: 'never', when: 'idc.name == "nowhere"', actions: [{ type: 'shift-away' }] },
  ],
});

const BASELINE = { bjs: 25, sha: 75 };
const DRAIN = { bjs: 100, sha: 0 };

/** The fields a 400 names, each once, sorted. */
const paths = (res: Reply) =>
  [...new Set((res.body.details as Array<{ path: string }>).map((d) => d.path))].sort();

describe('console APIs: rules with their state, traffic history', () => {
  let vigil: VigilUnderTest;
  let rx: Receiver;
  let operator: string;
  let viewer: string;

  const api = (method: string, path: string, token = viewer, json?: unknown) =>
    call(vigil.url, method, `/api/v1${path}`, { token, json });

  beforeAll(async () => {
    rx = await startReceiver();
    vigil = await startVigil({ VIGIL_ROLES: 'api,controller', VIGIL_EXTERNAL_URL: `${CONSOLE}/` });
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: config(`${rx.url}/hook`),
    });
    expect(applied.status).toBe(200);
    for (const [name, role] of [
      ['ops-dana', 'operator'],
      ['console', 'viewer'],
    ]) {
      const created = await api('POST', '/api-keys', vigil.adminToken, { name, role });
      expect(created.status).toBe(201);
      if (role === 'operator') operator = created.body.token;
      else viewer = created.body.token;
    }
  });
  afterAll(async () => {
    await vigil?.close();
    await rx?.close();
  });

  describe('GET /automation/rules', () => {
    it("shows each configured rule with its live state from the leader's memory", async () => {
      // The leader saves its book after the evaluations where a rule first holds.
      const body = await poll(
        async () => {
          const res = await api('GET', '/automation/rules');
          expect(res.status).toBe(200);
          const [watch, ping] = res.body.rules;
          return watch.targets.length === 2 && ping.state === 'firing' ? res.body : undefined;
        },
        20_000,
        'the leader to save pending and firing rules',
      );
      const now = Date.parse(body.now);
      expect(body.configVersion).toBe(1);
      expect(Date.parse(body.bookSavedAt)).toBeLessThanOrEqual(now);
      expect(body.rules.map((r: { name: string }) => r.name)).toEqual(['slow-watch', 'ping', 'never']);
      const [watch, ping, never] = body.rules;
      expect(watch).toMatchObject({
        when: 'service.name == "web"',
        for: '1h',
        mode: 'dry-run',
        actions: ['notify'],
        state: 'pending',
        disabledAt: null,
      });
      expect(watch.targets.map((t: any) => [t.service, t.idc, t.state])).toEqual([
        ['web', 'bjs', 'pending'],
        ['web', 'sha', 'pending'],
      ]);
      expect(Date.parse(watch.targets[0].pendingSince)).toBeLessThanOrEqual(now);
      expect(watch.targets[0]).toMatchObject({ lastFiredAt: null, cooldownUntil: null, cooldownLeftMs: 0 });

      expect(ping).toMatchObject({ cooldown: '10m', mode: 'dry-run', state: 'firing' });
      expect(ping.targets).toHaveLength(1);
      const sha = ping.targets[0];
      expect(sha).toMatchObject({ service: 'web', idc: 'sha', state: 'firing' });
      // It fired and notified at the same evaluation: the cooldown runs 10 min from then.
      expect(sha.lastFiredAt).toEqual(sha.pendingSince);
      expect(Date.parse(sha.cooldownUntil)).toBe(Date.parse(sha.lastFiredAt) + 600_000);
      expect(sha.cooldownLeftMs).toBe(Date.parse(sha.cooldownUntil) - now);

      expect(never).toMatchObject({
        mode: 'approval',
        actions: ['shift-away'],
        state: 'inactive',
        targets: [],
      });
    });

    it('reads a cooldown and a disabled rule from a book in the format the controller saves', async () => {
      // Written with the helpers the controller saves with.
      const redis = new Redis(vigil.env.REDIS_URL);
      const key = redisKey(vigil.env, RULE_BOOK_KEY);
      try {
        const now = Date.now();
        const book = {
          ...EMPTY_RULE_BOOK,
          actedAt: { 'ping|web|bjs': now - 60_000 },
          disabled: { never: now - 1000 },
        };
        // A leader runs: it would overwrite this book within a second; read until ours is seen.
        const res = await poll(
          async () => {
            await redis.set(key, encodeRuleBook(book, now));
            const got = await api('GET', '/automation/rules');
            return got.body.rules[2].state === 'disabled' ? got : undefined;
          },
          10_000,
          'the hand-written book',
        );
        expect(res.body.rules[2]).toMatchObject({
          state: 'disabled',
          disabledAt: new Date(now - 1000).toISOString(),
        });
        expect(res.body.rules[1].targets).toEqual([
          expect.objectContaining({ idc: 'bjs', state: 'cooldown', cooldownLeftMs: expect.any(Number) }),
        ]);
        expect(res.body.rules[1].targets[0].cooldownLeftMs).toBeLessThanOrEqual(540_000);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('GET /services/{name}/traffic/history', () => {
    it('starts at the baseline, then shows the override, its step applied and the release', async () => {
      const before = await api('GET', '/services/web/traffic/history');
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({
        service: 'web',
        baseline: BASELINE,
        start: { kind: 'start', desired: BASELINE, applied: null, override: null },
        lastChangeAt: null,
        points: [],
        truncated: false,
      });
      expect(Date.parse(before.body.to) - Date.parse(before.body.from)).toBe(86_400_000);

      const set = await api('PUT', '/services/web/weights', operator, { weights: DRAIN, reason: 'drill' });
      expect(set.status).toBe(200);
      const actionId = set.body.action.id;
      await poll(
        async () =>
          (await api('GET', `/actions/${actionId}`)).body.state === 'completed' ? true : undefined,
        20_000,
        'the controller to apply the manual step',
      );
      expect((await api('DELETE', '/services/web/weights', operator)).status).toBe(200);

      const after = await api('GET', '/services/web/traffic/history');
      expect(after.status).toBe(200);
      const points = after.body.points.map((p: any) => [
        p.kind,
        p.desired,
        p.applied,
        p.override,
        p.actionId,
        p.by,
      ]);
      expect(points).toEqual([
        ['override', BASELINE, null, DRAIN, actionId, 'ops-dana'],
        ['step', DRAIN, DRAIN, DRAIN, actionId, null],
        ['release', DRAIN, DRAIN, null, null, 'ops-dana'],
      ]);
      expect(after.body.points[0].reason).toBe('drill');

      // From just after the step: the chart starts at the drained weights, with the override still set.
      const stepAt = Date.parse(after.body.points[1].at);
      const later = await api(
        'GET',
        `/services/web/traffic/history?from=${new Date(stepAt + 1).toISOString()}`,
      );
      expect(later.status).toBe(200);
      expect(later.body.start).toMatchObject({ desired: DRAIN, applied: DRAIN, override: DRAIN, actionId });
      expect(later.body.lastChangeAt).toBe(after.body.points[1].at);
      expect(later.body.points.map((p: any) => p.kind)).toEqual(['release']);
    });

    it.each<[string, string, string]>([
      ['a from that is no time', 'from=yesterday', 'from'],
      ['a to that is no time', 'to=2030-13-45', 'to'],
      ['from after to', 'from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'from'],
      ['more than 7 days', 'from=2030-01-01T00:00:00Z&to=2030-01-08T00:00:01Z', 'from'],
    ])('answers 400 naming the parameter for %s', async (_, query, field) => {
      const res = await api('GET', `/services/web/traffic/history?${query}`);
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual([field]);
    });

    it('takes exactly 7 days, and answers 404 for a service not in the config', async () => {
      const week = await api(
        'GET',
        '/services/web/traffic/history?from=2030-01-01T00:00:00Z&to=2030-01-08T00:00:00Z',
      );
      expect(week.status).toBe(200);
      expect((await api('GET', '/services/nope/traffic/history')).status).toBe(404);
    });
  });

  it('asks for a key on both routes', async () => {
    expect((await call(vigil.url, 'GET', '/api/v1/automation/rules')).status).toBe(401);
    expect((await call(vigil.url, 'GET', '/api/v1/services/web/traffic/history')).status).toBe(401);
  });

  // Last: the open action holds the service.
  it('links an approval request to its action and its service in the console', async () => {
    const [waiting] = await vigil.sql<{ id: string }>(
      `INSERT INTO actions (id, service, kind, idc, mode, state, reason, plan, weights_before)
       VALUES (gen_random_uuid(), 'web', 'shift-away', 'sha', 'approval', 'awaiting-approval', 'sha is down', '{}', '{}')
       RETURNING id`,
    );
    const body = await poll(
      async () =>
        rx.requests
          .map((r) => JSON.parse(r.body) as { labels: Record<string, string>; links?: unknown })
          .find((b) => b.labels.action === waiting.id),
      30_000,
      'the approval request at the webhook',
    );
    expect(body.links).toEqual({
      console: `${CONSOLE}/actions/${waiting.id}`,
      action: `${CONSOLE}/actions/${waiting.id}`,
      service: `${CONSOLE}/services/web`,
    });
  });
});
