import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { HEALTH_KEYS, type IdcStatus, type StatusSnapshot } from '@libs/queue';
import { redisKey } from '@libs/runtime';
import { call, type Reply } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/** Fleet-free: two IDCs, one service with endpoints in both, configured weights 3:1. */
const CONFIG = {
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
        { idc: 'sha', name: 'sha-1', url: 'http://10.0.0.1:80/healthz', capacity: 100 },
        { idc: 'bjs', name: 'bjs-1', url: 'http://10.0.1.1:80/healthz', capacity: 100 },
      ],
      checks: [{ name: 'healthz', type: 'http' }],
    },
  ],
};

/** The fields a 400 names, each once, sorted. */
const paths = (res: Reply) =>
  [...new Set((res.body.details as Array<{ path: string }>).map((d) => d.path))].sort();

const BASELINE = { bjs: 25, sha: 75 };
const HOUR = 3_600_000;

interface Seed {
  state: string;
  service?: string;
  kind?: string;
  idc?: string | null;
  stepsDone?: number;
  /** Weights after each step; steps below stepsDone are stored as applied. */
  steps?: Array<Record<string, number>>;
  weightsBefore?: Record<string, number>;
  createdAt?: Date;
}

describe('traffic API: actions, manual weights, freezes, kill switch', () => {
  let vigil: VigilUnderTest;
  let operator: string;
  let viewer: string;

  const api = (method: string, path: string, token: string, json?: unknown) =>
    call(vigil.url, method, `/api/v1${path}`, { token, json });
  const op = (method: string, path: string, json?: unknown) => api(method, path, operator, json);

  /** Inserts an action (rule-made, shift-away from sha by default) and its steps. */
  async function seed(s: Seed): Promise<string> {
    const id = randomUUID();
    const steps = s.steps ?? [
      { bjs: 50, sha: 50 },
      { bjs: 75, sha: 25 },
      { bjs: 100, sha: 0 },
    ];
    const done = s.stepsDone ?? 0;
    await vigil.sql(
      `INSERT INTO actions (id, service, rule, kind, idc, mode, state, reason, plan, guardrails, weights_before,
                            steps_done, steps_total, created_at, updated_at)
       VALUES ($1, $2, 'sha-down', $3, $4, 'approval', $5, 'sha is UNHEALTHY', $6, '["kill-switch","freeze"]', $7,
               $8, $9, $10, $10)`,
      [
        id,
        s.service ?? 'web',
        s.kind ?? 'shift-away',
        s.idc === undefined ? 'sha' : s.idc,
        s.state,
        JSON.stringify({ kind: 'plan', direction: 'away', idc: 'sha', before: BASELINE, steps }),
        JSON.stringify(s.weightsBefore ?? BASELINE),
        done,
        steps.length,
        s.createdAt ?? new Date(),
      ],
    );
    // Inserted in reverse so that GET must order them.
    for (let index = steps.length - 1; index >= 0; index--) {
      const applied = index < done;
      await vigil.sql(
        `INSERT INTO action_steps (action_id, index, weights, idempotency_key, state, attempts, result, started_at, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
        [
          id,
          index,
          JSON.stringify(steps[index]),
          `${id}:${index}`,
          applied ? 'applied' : 'pending',
          applied ? 1 : 0,
          applied ? JSON.stringify({ ok: true, status: 200 }) : null,
          applied ? new Date() : null,
        ],
      );
    }
    return id;
  }

  const lastAuditId = async () =>
    Number((await vigil.sql<{ id: string | null }>('SELECT max(id) AS id FROM audit_log'))[0].id ?? 0);

  /** Runs `fn` and checks it appended exactly one audit entry, with this action and target. */
  async function audited<T extends Reply>(action: string, target: string | RegExp, fn: () => Promise<T>) {
    const before = await lastAuditId();
    const res = await fn();
    const entries = await vigil.sql<{ action: string; target: string; actor: string; summary: any }>(
      'SELECT action, target, actor, summary FROM audit_log WHERE id > $1 ORDER BY id',
      [before],
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action, actor: 'ops-alice' });
    expect(entries[0].target).toMatch(target);
    return { res, entry: entries[0] };
  }

  const actionRow = async (id: string) =>
    (
      await vigil.sql<{ state: string; decided_by: string | null }>('SELECT * FROM actions WHERE id = $1', [
        id,
      ])
    )[0];

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api' });
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: CONFIG });
    expect(applied.status).toBe(200);
    for (const [name, role] of [
      ['ops-alice', 'operator'],
      ['dashboard', 'viewer'],
    ]) {
      const created = await api('POST', '/api-keys', vigil.adminToken, { name, role });
      expect(created.status).toBe(201);
      if (role === 'operator') operator = created.body.token;
      else viewer = created.body.token;
    }
  });
  afterAll(() => vigil?.close());

  describe('traffic view', () => {
    it('shows the configured baseline as percentages before anything happened', async () => {
      const res = await api('GET', '/services/web/traffic', viewer);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        service: 'web',
        baseline: BASELINE,
        desired: BASELINE,
        applied: null,
        appliedAt: null,
        override: null,
        latestAction: null,
        // No health snapshot yet: the policy's recoveryHold (default 5m) for each IDC.
        failback: {
          bjs: { outages: 1, holdMs: 300_000, explanation: 'recoveryHold: no earlier outage within 1h' },
          sha: { outages: 1, holdMs: 300_000, explanation: 'recoveryHold: no earlier outage within 1h' },
        },
        // The log traffic manager: nothing to read back, so no actual weights and no drift.
        drained: [],
        trafficManager: { type: 'log', readsBack: false, drainsEndpoints: true },
        actual: null,
        drift: null,
      });
      const missing = await api('GET', '/services/nope/traffic', viewer);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
        message: expect.stringMatching(/nope/),
      });
    });

    it('shows the backed-off failback hold of a drained IDC from the health snapshot', async () => {
      const now = Date.now();
      const idc = (name: string, state: IdcStatus['state'], since: number, outages: number[]): IdcStatus => ({
        idc: name,
        state,
        reason: 'test',
        score: 100,
        healthyRatio: 1,
        healthyCapacity: 100,
        totalCapacity: 100,
        weight: 50,
        since,
        endpoints: { UNKNOWN: 0, HEALTHY: 1, DEGRADED: 0, UNHEALTHY: 0 },
        outages,
      });
      // sha recovered 1m ago from its 3rd outage within the hour: 5m x 2^2 = 20m.
      const snapshot: StatusSnapshot = {
        generatedAt: now,
        configVersion: 1,
        vantages: { live: ['sha', 'bjs'], suspect: [] },
        services: [
          {
            service: 'web',
            endpoints: { UNKNOWN: 0, HEALTHY: 2, DEGRADED: 0, UNHEALTHY: 0 },
            idcs: [
              idc('sha', 'HEALTHY', now - 60_000, [now - 1_800_000, now - 900_000, now - 120_000]),
              idc('bjs', 'HEALTHY', now - 2 * HOUR, []),
            ],
          },
        ],
      };
      const redis = new Redis(vigil.env.REDIS_URL);
      const key = redisKey(vigil.env, HEALTH_KEYS.status);
      try {
        await redis.set(key, JSON.stringify(snapshot));
        await vigil.sql(
          `INSERT INTO service_traffic (service, desired) VALUES ('web', '{"bjs": 100, "sha": 0}')`,
        );
        const view = await poll(
          async () => {
            const res = await api('GET', '/services/web/traffic', viewer);
            return res.body.failback?.sha?.healthySince ? res.body : undefined;
          },
          5_000,
          'the snapshot read',
        );
        expect(view.failback).toEqual({
          bjs: {
            outages: 1,
            holdMs: 300_000,
            explanation: 'recoveryHold: no earlier outage within 1h',
            healthySince: new Date(now - 2 * HOUR).toISOString(),
          },
          sha: {
            outages: 3,
            holdMs: 1_200_000,
            explanation: 'recoveryHold 5m × 2^2: 3rd outage within 1h',
            healthySince: new Date(now - 60_000).toISOString(),
            failbackAt: new Date(now - 60_000 + 1_200_000).toISOString(),
          },
        });
      } finally {
        await redis.del(key);
        await vigil.sql(`DELETE FROM service_traffic WHERE service = 'web'`);
        redis.disconnect();
      }
    });
  });

  describe('actions', () => {
    it('lists newest first with a cursor, filters by state and service, and shows one with its steps', async () => {
      const t0 = Date.now() - 10 * HOUR;
      const oldest = await seed({ state: 'completed', stepsDone: 3, createdAt: new Date(t0) });
      const middle = await seed({ state: 'refused', service: 'api', createdAt: new Date(t0 + 1000) });
      const newest = await seed({ state: 'dry-run', createdAt: new Date(t0 + 2000) });

      const first = await api('GET', '/actions?limit=2', viewer);
      expect(first.status).toBe(200);
      expect(first.body.items.map((a: { id: string }) => a.id)).toEqual([newest, middle]);
      expect(first.body.next).toEqual(expect.any(String));
      expect(first.body.items[0]).not.toHaveProperty('plan');
      const second = await api('GET', `/actions?limit=2&cursor=${first.body.next}`, viewer);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: oldest })], next: null });

      const byState = await api('GET', '/actions?state=refused', viewer);
      expect(byState.body.items.map((a: { id: string }) => a.id)).toEqual([middle]);
      const byService = await api('GET', '/actions?service=web', viewer);
      expect(byService.body.items.map((a: { id: string }) => a.id)).toEqual([newest, oldest]);
      const bad = await api('GET', '/actions?state=exploded&cursor=zzz', viewer);
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { path: string }) => d.path)).toContain('state');
      const badCursor = await api('GET', '/actions?cursor=zzz', viewer);
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.details).toEqual([{ path: 'cursor', message: expect.any(String) }]);

      const one = await api('GET', `/actions/${oldest}`, viewer);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        id: oldest,
        service: 'web',
        rule: 'sha-down',
        kind: 'shift-away',
        idc: 'sha',
        mode: 'approval',
        state: 'completed',
        stepsDone: 3,
        stepsTotal: 3,
        weightsBefore: BASELINE,
        guardrails: ['kill-switch', 'freeze'],
        plan: { kind: 'plan', direction: 'away' },
        fencingToken: '0',
      });
      expect(one.body.steps.map((s: { index: number }) => s.index)).toEqual([0, 1, 2]);
      expect(one.body.steps[0]).toMatchObject({
        weights: { bjs: 50, sha: 50 },
        idempotencyKey: `${oldest}:0`,
        state: 'applied',
        attempts: 1,
        result: { ok: true, status: 200 },
      });
      expect((await api('GET', `/actions/${randomUUID()}`, viewer)).status).toBe(404);
      expect((await api('GET', '/actions/not-a-uuid', viewer)).status).toBe(400);
    });

    it('approve: awaiting-approval -> executing, once; a second approve is a 409 naming the state', async () => {
      const id = await seed({ state: 'awaiting-approval' });
      const { res, entry } = await audited('action.approve', `action/${id}`, () =>
        op('POST', `/actions/${id}/approve`, { reason: 'looks right' }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id,
        state: 'executing',
        decidedBy: 'ops-alice',
        steps: expect.any(Array),
      });
      expect(entry.summary).toMatchObject({
        from: 'awaiting-approval',
        to: 'executing',
        reason: 'looks right',
      });
      expect(await actionRow(id)).toMatchObject({ state: 'executing', decided_by: 'ops-alice' });

      const before = await lastAuditId();
      const again = await op('POST', `/actions/${id}/approve`);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(again.body.message).toMatch(/executing/);
      expect(await lastAuditId()).toBe(before);
      expect((await op('POST', `/actions/${randomUUID()}/approve`)).status).toBe(404);
    });

    it('two operators approving at once: exactly one wins', async () => {
      const id = await seed({ state: 'awaiting-approval' });
      const before = await lastAuditId();
      const results = await Promise.all([
        op('POST', `/actions/${id}/approve`),
        op('POST', `/actions/${id}/approve`),
        op('POST', `/actions/${id}/reject`),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      expect(await vigil.sql('SELECT id FROM audit_log WHERE id > $1', [before])).toHaveLength(1);
    });

    it('reject: awaiting-approval -> rejected; not from executing', async () => {
      const id = await seed({ state: 'awaiting-approval' });
      const { res } = await audited('action.reject', `action/${id}`, () =>
        op('POST', `/actions/${id}/reject`),
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'rejected', decidedBy: 'ops-alice' });
      const running = await seed({ state: 'executing' });
      const refused = await op('POST', `/actions/${running}/reject`);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/it is executing/);
    });

    it('cancel: from executing keeps the applied steps and says so; not from completed', async () => {
      const id = await seed({ state: 'executing', stepsDone: 1 });
      const { res, entry } = await audited('action.cancel', `action/${id}`, () =>
        op('POST', `/actions/${id}/cancel`, { reason: 'wrong call' }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'cancelled', stepsDone: 1, decidedBy: 'ops-alice' });
      expect(res.body.note).toMatch(/1 of 3 steps were already applied and stay in place/);
      expect(res.body.note).toContain(`/actions/${id}/rollback`);
      expect(entry.summary).toMatchObject({ from: 'executing', stepsApplied: 1 });
      expect(res.body.steps.map((s: { state: string }) => s.state)).toEqual([
        'applied',
        'pending',
        'pending',
      ]);

      const held = await seed({ state: 'held', stepsDone: 2 });
      expect((await op('POST', `/actions/${held}/cancel`)).body.state).toBe('cancelled');
      const waiting = await seed({ state: 'awaiting-approval' });
      const cancelled = await op('POST', `/actions/${waiting}/cancel`);
      expect(cancelled.body.note).toMatch(/No step was applied/);
      const done = await seed({ state: 'completed', stepsDone: 3 });
      const refused = await op('POST', `/actions/${done}/cancel`);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/completed/);
    });

    it('rollback: marks it rolled-back and creates the executing rollback action with one step', async () => {
      const current = { bjs: 100, sha: 0 };
      await vigil.sql(
        `INSERT INTO service_traffic (service, desired, applied, applied_at) VALUES ('web', $1, $1, now())
         ON CONFLICT (service) DO UPDATE SET desired = $1, applied = $1`,
        [JSON.stringify(current)],
      );
      const original = await seed({ state: 'completed', stepsDone: 3, weightsBefore: { bjs: 40, sha: 60 } });
      const { res, entry } = await audited('action.rollback', `action/${original}`, () =>
        op('POST', `/actions/${original}/rollback`, { reason: 'latency got worse' }),
      );
      expect(res.status).toBe(201);
      const created = res.body;
      expect(created.id).not.toBe(original);
      expect(created).toMatchObject({
        service: 'web',
        kind: 'rollback',
        mode: 'manual',
        state: 'executing',
        rule: null,
        idc: 'sha',
        reason: `rollback of ${original}: latency got worse`,
        weightsBefore: current,
        stepsDone: 0,
        stepsTotal: 1,
        decidedBy: 'ops-alice',
        plan: { kind: 'plan', direction: 'rollback', steps: [{ bjs: 40, sha: 60 }], before: current },
      });
      expect(created.steps).toEqual([
        expect.objectContaining({
          index: 0,
          weights: { bjs: 40, sha: 60 },
          idempotencyKey: `${created.id}:0`,
          state: 'pending',
          attempts: 0,
          result: null,
        }),
      ]);
      expect(entry.summary).toMatchObject({
        rollbackAction: created.id,
        from: 'completed',
        reason: 'latency got worse',
      });
      expect(await actionRow(original)).toMatchObject({ state: 'rolled-back', decided_by: 'ops-alice' });
      const stepRows = await vigil.sql(
        'SELECT idempotency_key, state FROM action_steps WHERE action_id = $1',
        [created.id],
      );
      expect(stepRows).toEqual([{ idempotency_key: `${created.id}:0`, state: 'pending' }]);
      expect((await api('GET', `/actions/${created.id}`, viewer)).body.steps).toHaveLength(1);

      const twice = await op('POST', `/actions/${original}/rollback`, { reason: 'again' });
      expect(twice.status).toBe(409);
      expect(twice.body.message).toMatch(/rolled-back/);
      const nothingApplied = await seed({ state: 'failed', stepsDone: 0 });
      const empty = await op('POST', `/actions/${nothingApplied}/rollback`, { reason: 'x' });
      expect(empty.status).toBe(409);
      expect(empty.body.message).toMatch(/nothing to roll back/);
      const waiting = await seed({ state: 'awaiting-approval' });
      expect((await op('POST', `/actions/${waiting}/rollback`, { reason: 'x' })).status).toBe(409);
      const noReason = await op('POST', `/actions/${nothingApplied}/rollback`, {});
      expect(noReason.status).toBe(400);
      expect(paths(noReason)).toEqual(['reason']);
      expect((await actionRow(nothingApplied)).state).toBe('failed');
    });
  });

  describe('manual weights', () => {
    it('validates: unknown service 404, bad IDCs and weights name weights.<idc>, all zero names weights', async () => {
      const before = await lastAuditId();
      const unknown = await op('PUT', '/services/nope/weights', { weights: { sha: 1 }, reason: 'x' });
      expect(unknown.status).toBe(404);
      const bad = await op('PUT', '/services/web/weights', {
        weights: { xyz: 1, sha: -1, bjs: 'a' },
        reason: 'x',
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(bad.body.details).toEqual([
        { path: 'weights.xyz', message: expect.stringMatching(/no endpoints in IDC "xyz"/) },
        { path: 'weights.sha', message: expect.stringMatching(/>= 0/) },
        { path: 'weights.bjs', message: 'expected a number' },
      ]);
      expect(bad.body.message).toMatch(/weights\.xyz/);
      const zero = await op('PUT', '/services/web/weights', { weights: { sha: 0, bjs: 0 }, reason: 'x' });
      expect(zero.status).toBe(400);
      expect(zero.body.details).toEqual([{ path: 'weights', message: expect.any(String) }]);
      const shape = await op('PUT', '/services/web/weights', { weights: [1], reason: '' });
      expect(shape.status).toBe(400);
      expect(paths(shape)).toEqual(['reason', 'weights']);
      expect(await lastAuditId()).toBe(before);
      expect(await vigil.sql("SELECT id FROM actions WHERE kind = 'set-weights'")).toEqual([]);
    });

    it('sets the override and creates the manual action with its step; executing ones are superseded', async () => {
      const running = await seed({ state: 'executing', stepsDone: 1 });
      const [{ desired }] = await vigil.sql<{ desired: object }>(
        "SELECT desired FROM service_traffic WHERE service = 'web'",
      );
      const { res, entry } = await audited('traffic.override', 'service/web', () =>
        op('PUT', '/services/web/weights', { weights: { bjs: 2 }, reason: 'sha maintenance' }),
      );
      expect(res.status).toBe(200);
      const weights = { bjs: 100, sha: 0 };
      expect(res.body.override).toEqual({
        weights,
        reason: 'sha maintenance',
        by: 'ops-alice',
        at: expect.any(String),
      });
      expect(res.body.action).toMatchObject({
        service: 'web',
        kind: 'set-weights',
        mode: 'manual',
        state: 'executing',
        rule: null,
        reason: 'sha maintenance',
        weightsBefore: desired,
        stepsTotal: 1,
        steps: [{ index: 0, weights, idempotencyKey: `${res.body.action.id}:0`, state: 'pending' }],
      });
      expect(res.body.superseded).toContain(running);
      expect(await actionRow(running)).toMatchObject({ state: 'cancelled', decided_by: 'ops-alice' });
      expect(entry.summary).toMatchObject({ weights, action: res.body.action.id });
      const [row] = await vigil.sql<{ override: any }>(
        "SELECT override FROM service_traffic WHERE service = 'web'",
      );
      expect(row.override).toMatchObject({ weights, reason: 'sha maintenance', by: 'ops-alice' });

      const view = await api('GET', '/services/web/traffic', viewer);
      expect(view.body).toMatchObject({
        baseline: BASELINE,
        desired,
        override: { weights },
        latestAction: { id: res.body.action.id, kind: 'set-weights' },
      });
      expect(view.body.latestAction).not.toHaveProperty('steps');
    });

    it('releases the override (weights stay), once', async () => {
      const { res, entry } = await audited('traffic.release', 'service/web', () =>
        op('DELETE', '/services/web/weights'),
      );
      expect(res.status).toBe(200);
      expect(res.body.override).toBeNull();
      expect(entry.summary.released).toMatchObject({ weights: { bjs: 100, sha: 0 } });
      const [row] = await vigil.sql<{ override: unknown; desired: object }>(
        "SELECT override, desired FROM service_traffic WHERE service = 'web'",
      );
      expect(row.override).toBeNull();
      expect(res.body.desired).toEqual(row.desired);
      const again = await op('DELETE', '/services/web/weights');
      expect(again.status).toBe(409);
      expect(again.body.message).toMatch(/no manual override/);
      expect((await op('DELETE', '/services/nope/weights')).status).toBe(404);
    });
  });

  describe('freezes', () => {
    it('creates, lists and lifts a freeze, each audited once', async () => {
      const until = new Date(Date.now() + HOUR).toISOString();
      const { res } = await audited('freeze.create', /^freeze\//, () =>
        op('POST', '/freezes', { services: ['web'], idcs: ['sha'], until, reason: 'release day' }),
      );
      expect(res.status).toBe(201);
      const freeze = res.body;
      expect(freeze).toMatchObject({
        services: ['web'],
        idcs: ['sha'],
        until,
        reason: 'release day',
        createdBy: 'ops-alice',
        liftedAt: null,
        active: true,
      });
      const everything = await op('POST', '/freezes', { until, reason: 'all of it' });
      expect(everything.status).toBe(201);
      expect(everything.body).toMatchObject({ services: [], idcs: [], active: true });

      const active = await api('GET', '/freezes?active=true', viewer);
      expect(active.status).toBe(200);
      expect(active.body.items.map((f: { id: string }) => f.id)).toEqual([everything.body.id, freeze.id]);

      const { res: lifted } = await audited('freeze.lift', `freeze/${freeze.id}`, () =>
        op('DELETE', `/freezes/${freeze.id}`),
      );
      expect(lifted.status).toBe(200);
      expect(lifted.body).toMatchObject({ id: freeze.id, active: false, liftedAt: expect.any(String) });
      const after = await api('GET', '/freezes?active=true', viewer);
      expect(after.body.items.map((f: { id: string }) => f.id)).toEqual([everything.body.id]);
      const all = await api('GET', '/freezes', viewer);
      expect(all.body.items).toHaveLength(2);
      const inactive = await api('GET', '/freezes?active=false', viewer);
      expect(inactive.body.items.map((f: { id: string }) => f.id)).toEqual([freeze.id]);
      expect((await op('DELETE', `/freezes/${freeze.id}`)).status).toBe(409);
      expect((await op('DELETE', `/freezes/${randomUUID()}`)).status).toBe(404);
    });

    it('refuses until in the past or beyond 30 days, unknown names, and a missing reason', async () => {
      const before = await lastAuditId();
      const past = await op('POST', '/freezes', {
        until: new Date(Date.now() - 1000).toISOString(),
        reason: 'x',
      });
      expect(past.status).toBe(400);
      expect(past.body.details).toEqual([{ path: 'until', message: expect.stringMatching(/future/) }]);
      const far = await op('POST', '/freezes', {
        until: new Date(Date.now() + 31 * 24 * HOUR).toISOString(),
        reason: 'x',
      });
      expect(far.status).toBe(400);
      expect(far.body.details).toEqual([{ path: 'until', message: expect.stringMatching(/30 days/) }]);
      const names = await op('POST', '/freezes', {
        services: ['web', 'wbe'],
        idcs: ['shaa'],
        until: new Date(Date.now() + HOUR).toISOString(),
        reason: 'x',
      });
      expect(names.status).toBe(400);
      expect(names.body.details.map((d: { path: string }) => d.path)).toEqual(['services[1]', 'idcs[0]']);
      const shape = await op('POST', '/freezes', { until: 'tomorrow' });
      expect(shape.status).toBe(400);
      expect(paths(shape)).toEqual(['reason', 'until']);
      expect((await api('GET', '/freezes?active=yes', viewer)).status).toBe(400);
      expect(await lastAuditId()).toBe(before);
    });
  });

  describe('kill switch', () => {
    it('pauses and resumes automation, each audited once; repeating is a 409', async () => {
      expect((await api('GET', '/automation', viewer)).body).toEqual({
        paused: false,
        reason: null,
        by: null,
        since: null,
      });
      expect((await op('POST', '/automation/resume')).status).toBe(409);
      expect((await op('POST', '/automation/pause', {})).status).toBe(400);

      const { res, entry } = await audited('automation.pause', 'automation/kill-switch', () =>
        op('POST', '/automation/pause', { reason: 'incident 4711' }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ paused: true, reason: 'incident 4711', by: 'ops-alice' });
      expect(entry.summary).toEqual({ reason: 'incident 4711' });
      const state = await api('GET', '/automation', viewer);
      expect(state.body).toEqual({
        paused: true,
        reason: 'incident 4711',
        by: 'ops-alice',
        since: expect.any(String),
      });
      const twice = await op('POST', '/automation/pause', { reason: 'again' });
      expect(twice.status).toBe(409);
      expect(twice.body.message).toMatch(/already paused \(by ops-alice/);
      const [row] = await vigil.sql<{ value: object }>(
        "SELECT value FROM automation_settings WHERE key = 'kill-switch'",
      );
      expect(row.value).toEqual({ paused: true, reason: 'incident 4711', by: 'ops-alice' });

      const { res: resumed } = await audited('automation.resume', 'automation/kill-switch', () =>
        op('POST', '/automation/resume', { reason: 'over' }),
      );
      expect(resumed.status).toBe(200);
      expect(resumed.body).toMatchObject({ paused: false, by: 'ops-alice' });
      expect((await api('GET', '/automation', viewer)).body.paused).toBe(false);
      expect((await op('POST', '/automation/resume')).status).toBe(409);
    });
  });

  it('documents every route in OpenAPI with its response type', async () => {
    const doc = (await call(vigil.url, 'GET', '/docs-json', { token: viewer })).body;
    const ref = (path: string, method: string, status: string) =>
      doc.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema?.$ref;
    expect(ref('/api/v1/actions', 'get', '200')).toBe('#/components/schemas/ActionPageDto');
    expect(ref('/api/v1/actions/{id}', 'get', '200')).toBe('#/components/schemas/ActionDto');
    for (const verb of ['approve', 'reject', 'cancel']) {
      expect(ref(`/api/v1/actions/{id}/${verb}`, 'post', '200')).toBe(
        '#/components/schemas/ActionDecisionDto',
      );
    }
    expect(ref('/api/v1/actions/{id}/rollback', 'post', '201')).toBe('#/components/schemas/ActionDto');
    expect(ref('/api/v1/services/{name}/weights', 'put', '200')).toBe(
      '#/components/schemas/SetWeightsResultDto',
    );
    expect(ref('/api/v1/services/{name}/weights', 'delete', '200')).toBe(
      '#/components/schemas/ServiceTrafficDto',
    );
    expect(ref('/api/v1/services/{name}/traffic', 'get', '200')).toBe(
      '#/components/schemas/ServiceTrafficDto',
    );
    expect(ref('/api/v1/freezes', 'post', '201')).toBe('#/components/schemas/FreezeDto');
    expect(ref('/api/v1/freezes', 'get', '200')).toBe('#/components/schemas/FreezeListDto');
    expect(ref('/api/v1/freezes/{id}', 'delete', '200')).toBe('#/components/schemas/FreezeDto');
    expect(ref('/api/v1/automation', 'get', '200')).toBe('#/components/schemas/AutomationDto');
    expect(ref('/api/v1/automation/pause', 'post', '200')).toBe('#/components/schemas/AutomationDto');
    expect(ref('/api/v1/automation/resume', 'post', '200')).toBe('#/components/schemas/AutomationDto');
    expect(doc.components.schemas.ActionDto.properties.state.enum).toContain('awaiting-approval');
    expect(doc.components.schemas.ServiceTrafficDto.properties.failback.additionalProperties.$ref).toBe(
      '#/components/schemas/FailbackHoldDto',
    );
    expect(doc.components.schemas.FailbackHoldDto.required).toEqual(['outages', 'holdMs', 'explanation']);
  });

  it('a viewer gets 403 on every mutation, and nothing changes', async () => {
    const id = await seed({ state: 'awaiting-approval' });
    const done = await seed({ state: 'completed', stepsDone: 3 });
    const freeze = await op('POST', '/freezes', {
      until: new Date(Date.now() + HOUR).toISOString(),
      reason: 'kept',
    });
    const before = await lastAuditId();
    const mutations: Array<[string, string, unknown?]> = [
      ['POST', `/actions/${id}/approve`],
      ['POST', `/actions/${id}/reject`],
      ['POST', `/actions/${id}/cancel`],
      ['POST', `/actions/${done}/rollback`, { reason: 'x' }],
      ['PUT', '/services/web/weights', { weights: { sha: 1 }, reason: 'x' }],
      ['DELETE', '/services/web/weights'],
      ['POST', '/freezes', { until: new Date(Date.now() + HOUR).toISOString(), reason: 'x' }],
      ['DELETE', `/freezes/${freeze.body.id}`],
      ['POST', '/automation/pause', { reason: 'x' }],
      ['POST', '/automation/resume'],
    ];
    for (const [method, path, json] of mutations) {
      const res = await api(method, path, viewer, json);
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(res.body).toMatchObject({
        statusCode: 403,
        error: 'Forbidden',
        message: expect.stringMatching(/operator/),
      });
    }
    expect(await lastAuditId()).toBe(before);
    expect((await actionRow(id)).state).toBe('awaiting-approval');
    expect((await actionRow(done)).state).toBe('completed');
  });
});
