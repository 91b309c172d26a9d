import {
  startFleet,
  startReceiver,
  startTrafficManager,
  type FakeTrafficManager,
  type Fleet,
  type Receiver,
} from '@libs/fleet';
import { randomUUID } from 'node:crypto';
import { run } from '@apps/cli';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { idcsTurnedHealthy, type ActionRow } from './support/waits';

const H = 3_600_000;
const MIN = 60_000;

/**
 * Maintenance windows end to end: the API (create, list, get, cancel, audit, validation), the
 * controller (a window in force freezes the rules and silences notices in its scope; a future one
 * does neither; a cancel is picked up within seconds) and the availability report.
 */
describe('maintenance windows (fleet, all roles, fake traffic manager)', () => {
  const SECRET = 'gslb-test-secret';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let pager: Receiver;
  let vigil: VigilUnderTest;
  /** A window starting in 2 hours over the whole service: present throughout, never in force. */
  let future: { id: string };

  const post = (json: object) =>
    call(vigil.url, 'POST', '/api/v1/maintenance-windows', { token: vigil.adminToken, json });
  const count = async (table: string, where = 'true') =>
    (await vigil.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n;

  beforeAll(async () => {
    process.env.VIGIL_REF_TEST_GSLB_SECRET = SECRET;
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 2, basePort: 27920 });
    gslb = await startTrafficManager({ secret: SECRET });
    pager = await startReceiver({ status: 204 });
    vigil = await startVigil();
    const doc = drillConfig(fleet, {
      gslbUrl: gslb.url,
      secretEnv: 'VIGIL_REF_TEST_GSLB_SECRET',
      mode: 'enforce',
    });
    doc.services[0].labels = { tier: 'gold' };
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: {
        ...doc,
        channels: [{ name: 'pager', type: 'webhook', url: `${pager.url}/pager` }],
        notifications: { groupWait: '1s', routes: [{ channels: ['pager'] }] },
      },
    });
    expect(applied.status).toBe(200);
    await idcsTurnedHealthy(vigil, 3, 30_000);
  });
  afterAll(async () => {
    await vigil?.close();
    await gslb?.close();
    await pager?.close();
    await fleet?.close();
  });

  it('creates, lists, gets and cancels windows, each change audited', async () => {
    const now = Date.now();
    const once = await post({
      reason: 'database failover drill',
      startsAt: new Date(now + 2 * H).toISOString(),
      endsAt: new Date(now + 3 * H).toISOString(),
      services: ['live'],
    });
    expect(once.status).toBe(201);
    expect(once.body).toMatchObject({
      kind: 'once',
      services: ['live'],
      idcs: [],
      labels: {},
      freeze: true,
      silence: true,
      active: false,
      state: 'scheduled',
      createdBy: 'bootstrap-admin',
      version: 1,
    });
    expect(once.body.next).toEqual([
      { start: new Date(now + 2 * H).toISOString(), end: new Date(now + 3 * H).toISOString() },
    ]);
    future = once.body;

    const weekly = await post({
      reason: 'patch Tuesday',
      rrule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0',
      timezone: 'Europe/Berlin',
      duration: '2h',
      silence: false,
    });
    expect(weekly.status).toBe(201);
    expect(weekly.body).toMatchObject({
      kind: 'rrule',
      timezone: 'Europe/Berlin',
      duration: '2h',
      freeze: true,
      silence: false,
    });
    expect(weekly.body.next).toHaveLength(5);
    for (const o of weekly.body.next as Array<{ start: string; end: string }>) {
      expect(Date.parse(o.end) - Date.parse(o.start)).toBe(2 * H);
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(o.start));
      expect(local).toBe('Tue 02:00');
    }

    const list = await call(vigil.url, 'GET', '/api/v1/maintenance-windows', { token: vigil.adminToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual([weekly.body.id, once.body.id]);
    const got = await call(vigil.url, 'GET', `/api/v1/maintenance-windows/${weekly.body.id}`, {
      token: vigil.adminToken,
    });
    expect(got.body).toEqual(weekly.body);

    const cancel = await call(vigil.url, 'DELETE', `/api/v1/maintenance-windows/${weekly.body.id}`, {
      token: vigil.adminToken,
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({
      state: 'cancelled',
      cancelledBy: 'bootstrap-admin',
      version: 2,
      next: [],
    });
    const again = await call(vigil.url, 'DELETE', `/api/v1/maintenance-windows/${weekly.body.id}`, {
      token: vigil.adminToken,
    });
    expect(again.status).toBe(409);
    const missing = await call(vigil.url, 'GET', `/api/v1/maintenance-windows/${randomUUID()}`, {
      token: vigil.adminToken,
    });
    expect(missing.status).toBe(404);

    const audit = await vigil.sql<{ action: string; target: string; actor: string }>(
      `SELECT action, target, actor FROM audit_log WHERE action LIKE 'maintenance-window.%' ORDER BY id`,
    );
    expect(audit).toEqual([
      {
        action: 'maintenance-window.create',
        target: `maintenance-window/${once.body.id}`,
        actor: 'bootstrap-admin',
      },
      {
        action: 'maintenance-window.create',
        target: `maintenance-window/${weekly.body.id}`,
        actor: 'bootstrap-admin',
      },
      {
        action: 'maintenance-window.cancel',
        target: `maintenance-window/${weekly.body.id}`,
        actor: 'bootstrap-admin',
      },
    ]);
  });

  it('refuses a bad window naming every field, and changes nothing', async () => {
    const windows = await count('maintenance_windows');
    const audits = await count('audit_log');
    const bad = await post({
      reason: 'x',
      rrule: 'FREQ=DAILY;BYHOUR=25',
      duration: '2 hours',
      timezone: 'Mars/Olympus',
      services: ['live', 'nope'],
      idcs: ['atlantis'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      { path: 'rrule', message: 'BYHOUR must be hours 0-23 (got "25")' },
      {
        path: 'timezone',
        message: 'unknown time zone "Mars/Olympus" (expected an IANA name such as Europe/Berlin)',
      },
      {
        path: 'duration',
        message: 'invalid duration "2 hours" (expected e.g. "500ms", "5s", "1m30s", "1h")',
      },
      { path: 'services[1]', message: 'unknown service "nope"' },
      { path: 'idcs[0]', message: 'unknown IDC "atlantis"' },
    ]);
    const cases: Array<[object, { path: string; message: string }]> = [
      [
        { reason: 'x', cron: '0 */2 * * *', duration: '3h' },
        {
          path: 'duration',
          message:
            '3h is longer than the shortest time between two occurrences (2h): occurrences would overlap',
        },
      ],
      [
        { reason: 'x', cron: '0 2 * * *', duration: '31d' },
        { path: 'duration', message: 'must be at most 30d (got 31d)' },
      ],
      [
        { reason: 'x', rrule: 'FREQ=DAILY;COUNT=1', duration: '1h', startsAt: '2026-01-01T00:00:00Z' },
        { path: 'rrule', message: 'has no occurrence within 400 days' },
      ],
      [
        { reason: 'x', cron: '0 2 * *', duration: '1h' },
        { path: 'cron', message: 'must have 5 fields (minute hour day-of-month month day-of-week), got 4' },
      ],
      [
        { reason: 'x', endsAt: '2020-01-01T00:00:00Z' },
        { path: 'endsAt', message: 'must be in the future (got 2020-01-01T00:00:00Z)' },
      ],
      [{ endsAt: new Date(Date.now() + H).toISOString() }, { path: 'reason', message: expect.any(String) }],
    ];
    for (const [body, problem] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.details).toContainEqual(problem);
    }
    expect(await count('maintenance_windows')).toBe(windows);
    expect(await count('audit_log')).toBe(audits);
  });

  it('a window in force freezes automation and silences notices in scope; cancelled, the rule shifts again', async () => {
    const window = await post({
      reason: 'szx rack move',
      endsAt: new Date(Date.now() + H).toISOString(),
      idcs: ['szx'],
      labels: { tier: 'gold' },
    });
    expect(window.status).toBe(201);
    expect(window.body).toMatchObject({ active: true, state: 'active' });
    const id: string = window.body.id;

    await fleet.set({ idc: 'szx' }, 'refused');
    // The rule fires, and the freeze guardrail refuses it, naming the window.
    const [refusal] = await poll(
      async () => {
        const rows = await vigil.sql<ActionRow>(
          `SELECT * FROM actions WHERE kind = 'shift-away' AND idc = 'szx' AND state = 'refused'`,
        );
        return rows.length ? rows : undefined;
      },
      30_000,
      'the shift refused',
    );
    expect(refusal.reason).toMatch(
      new RegExp(`^freeze: The maintenance window "szx rack move" \\(${id}\\) until .* is in effect`),
    );
    // The IDC's outage notice is recorded as silenced by the window, and never sent.
    const [silenced] = await poll(
      async () => {
        const rows = await vigil.sql<{
          state: string;
          maintenance_window_id: string | null;
          silence_id: string | null;
        }>(
          `SELECT state, maintenance_window_id, silence_id FROM notifications
            WHERE incident_key LIKE 'idc/live/szx%' AND phase = 'trigger'`,
        );
        return rows.length ? rows : undefined;
      },
      15_000,
      'the outage notice recorded',
    );
    expect(silenced).toEqual({ state: 'silenced', maintenance_window_id: id, silence_id: null });
    expect(pager.requests.map((r) => JSON.parse(r.body)).filter((n) => n.labels?.idc === 'szx')).toEqual([]);
    expect(gslb.applied('live')).toEqual([]);
    expect(await count('actions', `state IN ('executing', 'completed')`)).toBe(0);

    // Cancelled, the window lets the rule through within seconds; the future window changes nothing.
    const cancelled = await call(vigil.url, 'DELETE', `/api/v1/maintenance-windows/${id}`, {
      token: vigil.adminToken,
    });
    expect(cancelled.status).toBe(200);
    await poll(
      async () =>
        (await count('actions', `kind = 'shift-away' AND state IN ('executing', 'completed')`))
          ? true
          : undefined,
      15_000,
      'the shift to run once the window is cancelled',
    );
    const proposed = await poll(
      async () => {
        const rows = await vigil.sql<{ state: string }>(
          `SELECT state FROM notifications WHERE event = 'action.proposed'`,
        );
        return rows.length ? rows : undefined;
      },
      15_000,
      'the action notice',
    );
    expect(proposed.map((r) => r.state)).not.toContain('silenced');
    expect(future).toBeDefined();
    await fleet.set({ idc: 'szx' }, 'up');
  });

  it('reports keep maintenance time apart from downtime and availability', async () => {
    // Two days ago, one hour: sha in a window from minute 10 to 30, UNHEALTHY from 10 to 35.
    const t0 = Math.floor((Date.now() - 48 * H) / H) * H;
    const at = (m: number) => new Date(t0 + m * MIN).toISOString();
    await vigil.sql(
      `INSERT INTO maintenance_windows (id, reason, kind, starts_at, ends_at, services, idcs, labels, freeze_automation, silence_notifications, created_by)
       VALUES ($1, 'sha switch swap', 'once', $2, $3, '{}', '{sha}', '{"tier": "gold"}', true, true, 'test')`,
      [randomUUID(), at(10), at(30)],
    );
    for (let m = 0; m < 60; m++) {
      const failures = m >= 10 && m < 30 ? 10 : m === 40 ? 1 : 0;
      await vigil.sql(
        `INSERT INTO endpoint_rollups (endpoint, minute, service, idc, count, failures, latency_p50, latency_p95, latency_p99)
         VALUES ($1, $2, 'live', 'sha', 10, $3, 1, 1, 1), ($4, $2, 'live', 'bjs', 10, 0, 1, 1, 1)`,
        [
          `live.${fleet.endpoints.find((e) => e.idc === 'sha')!.id}`,
          at(m),
          failures,
          `live.${fleet.endpoints.find((e) => e.idc === 'bjs')!.id}`,
        ],
      );
    }
    await vigil.sql(
      `INSERT INTO health_events (at, kind, service, idc, before, after, reason, details)
       VALUES ($1, 'idc', 'live', 'sha', 'HEALTHY', 'UNHEALTHY', 'test', '{}'),
              ($2, 'idc', 'live', 'sha', 'UNHEALTHY', 'HEALTHY', 'test', '{}')`,
      [at(10), at(35)],
    );
    const res = await call(
      vigil.url,
      'GET',
      `/api/v1/reports/availability?service=live&from=${at(0)}&to=${at(60)}`,
      { token: vigil.adminToken },
    );
    expect(res.status).toBe(200);
    const [live] = res.body.services;
    const row = (idc: string) => live.idcs.find((i: { idc: string }) => i.idc === idc);
    expect(row('sha')).toMatchObject({
      probes: 400,
      failures: 1,
      availabilityPercent: 99.75,
      maintenanceSeconds: 1200,
      maintenanceProbes: 200,
      maintenanceFailures: 200,
      downtimeSeconds: 300,
    });
    expect(row('bjs')).toMatchObject({
      probes: 600,
      failures: 0,
      availabilityPercent: 100,
      maintenanceSeconds: 0,
      maintenanceProbes: 0,
      downtimeSeconds: 0,
    });
    expect(live).toMatchObject({
      probes: 1000,
      failures: 1,
      maintenanceProbes: 200,
      maintenanceFailures: 200,
    });
  });

  it('vigil maintenance create, list and cancel (the CLI in-process)', async () => {
    const env = { VIGIL_URL: vigil.url, VIGIL_TOKEN: vigil.adminToken };
    const cli = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await run(['node', 'vigil', ...args], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        env,
      });
      return { code, stdout, stderr };
    };
    const created = await cli([
      'maintenance',
      'create',
      '-r',
      'nightly backups',
      '--cron',
      '0 3 * * *',
      '--timezone',
      'Asia/Shanghai',
      '--duration',
      '1h',
      '--service',
      'live',
      '--label',
      'tier=gold',
      '--no-freeze',
    ]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const [id, summary] = created.stdout.trim().split('\n');
    expect(summary).toMatch(
      /^cron 0 3 \* \* \* Asia\/Shanghai 1h: silence for services live; idcs all; labels tier=gold; next /,
    );
    const list = await cli(['maintenance', 'list', '-o', 'json']);
    const items = JSON.parse(list.stdout).items as Array<{ id: string; freeze: boolean; silence: boolean }>;
    expect(items.find((w) => w.id === id)).toMatchObject({ freeze: false, silence: true });
    const bad = await cli(['maintenance', 'create', '-r', 'x', '--cron', '0 3 * *', '--duration', '1h']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('cron: must have 5 fields');
    expect(await cli(['maintenance', 'cancel', id])).toMatchObject({
      code: 0,
      stdout: `Cancelled maintenance window ${id} (services live; idcs all; labels tier=gold): no occurrence from now on.\n`,
    });
    expect((await cli(['maintenance', 'cancel', id])).code).toBe(1);
  });
});
