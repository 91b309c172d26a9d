import {
  fleetConfig,
  startFleet,
  startReceiver,
  type Fleet,
  type Receiver,
  type ReceiverReply,
  type ReceiverRequest,
} from '@libs/fleet';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import type { Dispatched, Notice } from '@libs/domain';
import { verifySignature } from '@libs/traffic';
import { NotificationStore } from '../apps/controller/src/notify/notification-store';
import { call } from './support/http';
import { poll, sample } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

interface NotificationRow {
  id: string;
  event: string;
  phase: string;
  severity: string;
  channel: string;
  state: string;
  attempts: number;
  incident_key: string;
  last_error: string | null;
  labels: Record<string, string>;
}

const ATTEMPTS = 4;

// A test here waits on a few polls in a row (an outage, its notices, the recovery), each with its own
// deadline: its limit is their sum, not the default minute, which a busy machine can use up.
jest.setTimeout(240_000);

/**
 * Notifications end to end: a fleet of 3 IDCs x 50 endpoints probed every 2 s, every role, and a
 * receiver started by the test playing a signed webhook, Slack and PagerDuty. The margins hold on a
 * busy machine, where the fleet, the probers and the controller share one starved event loop: a 1.5 s
 * probe timeout (a tighter one fails healthy endpoints there, and the fleet flaps), and a groupWait
 * (10 s) well past the time an IDC takes from its first endpoint down to UNHEALTHY, so an outage is
 * one trigger, never a warning and then an escalation.
 */
describe('notifications (fleet, all roles, a receiver for every channel)', () => {
  const HOOK_SECRET = 'notify-test-hook-secret';
  let fleet: Fleet;
  let rx: Receiver;
  /** Scripted answers per path (used up in order), then the path's default (200). */
  const scripts = new Map<string, ReceiverReply[]>();
  const defaults = new Map<string, number>();
  const withJson = (r: ReceiverRequest) => ({ ...r, json: JSON.parse(r.body) });
  /** What the receiver got on `path`, with the JSON bodies. */
  const at = (path: string) => rx.requests.filter((r) => r.path === path).map(withJson);
  let vigil: VigilUnderTest;
  /** One connection for every poll of the notifier's Redis keys. */
  let redis: Redis;

  const rows = (where: string) =>
    vigil.sql<NotificationRow>(`SELECT * FROM notifications WHERE ${where} ORDER BY created_at, channel`);
  /** Health notices about `idc` as each channel shapes them (webhook labels, PagerDuty group, Slack text). */
  const forIdc = (idc: string) => (r: { json: any }) =>
    !String(r.json?.event ?? '').startsWith('action.') &&
    (r.json?.labels?.idc === idc || r.json?.payload?.group === idc || r.json?.text?.includes(` ${idc}`));

  /** The keys of the notifier's open incidents (its book in Redis). */
  async function openIncidents(): Promise<string[]> {
    const book = await redis.get(`${vigil.env.VIGIL_REDIS_PREFIX}:notify:incidents`);
    return book ? Object.keys((JSON.parse(book) as { incidents: object }).incidents) : [];
  }

  const allHealthy = () => everyIdcHealthy(vigil, { deadlineMs: 90_000 });

  beforeAll(async () => {
    rx = await startReceiver(
      (req) => scripts.get(req.path)?.shift() ?? { status: defaults.get(req.path) ?? 200 },
    );
    process.env.VIGIL_REF_TEST_HOOK_SECRET = HOOK_SECRET;
    process.env.VIGIL_REF_TEST_SLACK_URL = `${rx.url}/slack`;
    process.env.VIGIL_REF_TEST_PD_KEY = 'pd-routing-key-0123456789abcdef';
    // Fixed ports below the ephemeral range: a port closed for "refused" cannot be taken meanwhile.
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 50, basePort: 23300 });
    vigil = await startVigil({
      VIGIL_NOTIFY_ATTEMPTS: String(ATTEMPTS),
      VIGIL_NOTIFY_BACKOFF_MS: '100',
    });
    redis = new Redis(vigil.env.REDIS_URL);
    const doc = fleetConfig(fleet, {
      service: 'live',
      interval: '2s',
      timeout: '1500ms',
      healthyThreshold: 2,
      unhealthyThreshold: 2,
    }) as Record<string, any>;
    // The tests take IDCs down and up many times within minutes: flap damping (a health feature, tested
    // with the health model) would hold an endpoint that blipped once more DEGRADED "flapping" and keep
    // its IDC's incident open, whatever the notifier does.
    doc.services[0].policy = { ...doc.services[0].policy, flapping: { maxTransitions: 1000 } };
    doc.channels = [
      {
        name: 'hook',
        type: 'webhook',
        url: `${rx.url}/hook`,
        secret: { secretRef: 'VIGIL_REF_TEST_HOOK_SECRET' },
      },
      { name: 'slack', type: 'slack', webhookUrl: { secretRef: 'VIGIL_REF_TEST_SLACK_URL' } },
      {
        name: 'pd',
        type: 'pagerduty',
        url: `${rx.url}/pd/v2/enqueue`,
        routingKey: { secretRef: 'VIGIL_REF_TEST_PD_KEY' },
      },
      { name: 'flaky', type: 'webhook', url: `${rx.url}/flaky` },
      { name: 'down', type: 'webhook', url: `${rx.url}/down` },
      { name: 'limited', type: 'webhook', url: `${rx.url}/limited`, rateLimit: { max: 1, per: '1h' } },
    ];
    doc.notifications = {
      groupWait: '10s',
      routes: [
        { channels: ['hook', 'slack', 'pd'], events: ['idc.state', 'endpoint.state', 'vantage.suspect'] },
        { channels: ['hook'], events: ['action.awaiting-approval'] },
        { channels: ['flaky', 'down'], events: ['idc.state'], idcs: ['bjs'] },
        { channels: ['limited'], events: ['idc.state'] },
      ],
    };
    // An approval-mode rule: an outage proposes a shift and waits for a human, which is news.
    doc.rules = [
      {
        name: 'idc-down',
        when: 'idc.state == "UNHEALTHY"',
        mode: 'approval',
        actions: [{ type: 'shift-away' }],
      },
      // Alerts in, notifications out: an alert from monitoring pages through the rule's own channel.
      {
        name: 'edge-down-page',
        when: 'alerts.exists(a, a.labels.alertname == "EdgeDown" && a.idc == idc.name)',
        mode: 'enforce',
        actions: [{ type: 'notify', channels: ['hook'] }],
      },
    ];
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
    expect(applied.status).toBe(200);
    await allHealthy();
  });
  afterAll(async () => {
    redis?.disconnect();
    await vigil?.close();
    await fleet?.close();
    await rx?.close();
  });

  it('50 endpoints of one IDC going down and back give one IDC notification and its resolve per channel', async () => {
    await fleet.set({ idc: 'sha' }, 'refused');
    await poll(
      async () =>
        at('/hook')
          .filter(forIdc('sha'))
          .some((r) => r.json.event === 'idc.state')
          ? true
          : undefined,
      60_000,
      'the sha trigger',
    );
    await fleet.set({ idc: 'sha' }, 'up');
    await poll(
      async () =>
        at('/hook')
          .filter(forIdc('sha'))
          .some((r) => r.json.phase === 'resolve')
          ? true
          : undefined,
      60_000,
      'the sha resolve',
    );
    await allHealthy();

    // The signed webhook: exactly a trigger and a resolve of one incident, each signature valid.
    const hook = at('/hook').filter(forIdc('sha'));
    expect(hook.map((r) => [r.json.event, r.json.phase])).toEqual([
      ['idc.state', 'trigger'],
      ['idc.state', 'resolve'],
    ]);
    expect(hook[0].json).toMatchObject({
      severity: 'critical',
      status: 'firing',
      labels: { service: 'live', idc: 'sha' },
    });
    expect(hook[1].json.status).toBe('resolved');
    expect(hook[0].json.incidentKey).toBe(hook[1].json.incidentKey);
    for (const r of hook)
      expect(verifySignature(HOOK_SECRET, r.headers, r.body, Date.now())).toEqual(
        expect.objectContaining({ ok: true }),
      );
    expect(verifySignature('another-secret', hook[0].headers, hook[0].body, Date.now()).ok).toBe(false);

    // PagerDuty: a trigger and a resolve on one dedup_key, with the routing key from the secretRef.
    const pd = at('/pd/v2/enqueue');
    expect(pd.map((r) => r.json.event_action)).toEqual(['trigger', 'resolve']);
    expect(pd[0].json.dedup_key).toBe(pd[1].json.dedup_key);
    expect(pd[0].json).toMatchObject({
      routing_key: 'pd-routing-key-0123456789abcdef',
      payload: { severity: 'critical', component: 'live', group: 'sha' },
    });

    // Slack: two Block Kit messages.
    const slack = at('/slack');
    expect(slack).toHaveLength(2);
    for (const r of slack) expect(Array.isArray(r.json.blocks)).toBe(true);

    // Not one notification per endpoint: the 50 endpoint changes were folded into the IDC's.
    expect(await rows(`event = 'endpoint.state'`)).toEqual([]);
    const sha = await rows(`labels->>'idc' = 'sha' AND event = 'idc.state'`);
    expect(sha.map((r) => `${r.channel}:${r.phase}:${r.state}`).sort()).toEqual([
      'hook:resolve:delivered',
      'hook:trigger:delivered',
      'limited:resolve:delivered', // over its limit of 1/h, but a resolve of a sent trigger always goes
      'limited:trigger:delivered',
      'pd:resolve:delivered',
      'pd:trigger:delivered',
      'slack:resolve:delivered',
      'slack:trigger:delivered',
    ]);

    // The rule proposed a shift that waits for approval: one notice, naming the action.
    const [proposal] = await vigil.sql<{ id: string }>(
      `SELECT id FROM actions WHERE state = 'awaiting-approval'`,
    );
    const approval = at('/hook').filter((r) => r.json.event === 'action.awaiting-approval');
    expect(approval).toHaveLength(1);
    expect(approval[0].json).toMatchObject({
      severity: 'warning',
      labels: { action: proposal.id, idc: 'sha' },
    });
    const rejected = await call(vigil.url, 'POST', `/api/v1/actions/${proposal.id}/reject`, {
      token: vigil.adminToken,
      json: { reason: 'test over' },
    });
    expect(rejected.status).toBe(200);
    // Rejected: the request for approval is resolved where it went, on its own incident key.
    const [resolved] = await poll(
      async () => {
        const found = at('/hook').filter(
          (r) => r.json.event === 'action.awaiting-approval' && r.json.phase === 'resolve',
        );
        return found.length ? found : undefined;
      },
      30_000,
      'the resolve of the approval request',
    );
    expect(resolved.json.incidentKey).toBe(`action/${proposal.id}/awaiting-approval`);
    expect(resolved.json.incidentKey).toBe(approval[0].json.incidentKey);
  });

  it('retries after 500s, dead-letters after the last attempt, and re-sends on request', async () => {
    scripts.set('/flaky', [{ status: 500 }, { status: 500 }]);
    defaults.set('/down', 500);
    await fleet.set({ idc: 'bjs' }, 'refused');
    const [flaky] = await poll(
      async () => {
        const found = await rows(`channel = 'flaky' AND phase = 'trigger' AND state = 'delivered'`);
        return found.length ? found : undefined;
      },
      60_000,
      'the flaky channel to deliver',
    );
    expect(flaky.attempts).toBe(3);
    expect(
      at('/flaky')
        .map((r) => r.status)
        .slice(0, 3),
    ).toEqual([500, 500, 200]);

    const failed = await poll(
      async () => {
        const res = await call(vigil.url, 'GET', '/api/v1/notifications?state=failed', {
          token: vigil.adminToken,
        });
        return res.body.items.length ? res.body.items : undefined;
      },
      60_000,
      'the dead letter',
    );
    expect(failed[0]).toMatchObject({
      channel: 'down',
      state: 'failed',
      attempts: ATTEMPTS,
      event: 'idc.state',
    });
    expect(failed[0].lastError).toMatch(/500/);
    expect(at('/down')).toHaveLength(ATTEMPTS);
    const metrics = await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken });
    expect(sample(metrics.text, 'vigil_notification_deliveries_total{channel="down",result="failed"}')).toBe(
      1,
    );
    expect(sample(metrics.text, 'vigil_notification_deliveries_total{channel="flaky",result="retry"}')).toBe(
      2,
    );
    // The rate limit (1 per hour) was used by sha: bjs is recorded, not sent.
    expect((await rows(`channel = 'limited' AND labels->>'idc' = 'bjs'`)).map((r) => r.state)).toEqual([
      'suppressed',
    ]);
    expect(at('/limited').filter(forIdc('bjs'))).toEqual([]);

    defaults.set('/down', 200);
    const viewer = await call(vigil.url, 'POST', `/api/v1/notifications/${failed[0].id}/resend`, {
      token: vigil.adminToken,
    });
    expect(viewer.status).toBe(202);
    await poll(
      async () => {
        const res = await call(vigil.url, 'GET', `/api/v1/notifications/${failed[0].id}`, {
          token: vigil.adminToken,
        });
        return res.body.state === 'delivered' ? res.body : undefined;
      },
      30_000,
      'the re-sent notification to be delivered',
    );
    const again = await call(vigil.url, 'POST', `/api/v1/notifications/${failed[0].id}/resend`, {
      token: vigil.adminToken,
    });
    expect(again.status).toBe(202); // a delivered one may be sent again too
    const audit = await vigil.sql(`SELECT * FROM audit_log WHERE action = 'notification.resend'`);
    expect(audit.length).toBeGreaterThanOrEqual(1);

    await fleet.set({ idc: 'bjs' }, 'up');
    await allHealthy();
  });

  it('a silence mutes delivery but keeps the events and the records', async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await call(vigil.url, 'POST', '/api/v1/silences', {
      token: vigil.adminToken,
      json: { matchers: [{ label: 'idc', op: '=', value: 'szx' }], endsAt, comment: 'szx maintenance' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'active', createdBy: 'bootstrap-admin' });
    const before = rx.requests.length;

    await fleet.set({ idc: 'szx' }, 'refused');
    const muted = await poll(
      async () => {
        const found = await rows(`labels->>'idc' = 'szx' AND event = 'idc.state' AND phase = 'trigger'`);
        return found.length === 4 ? found : undefined;
      },
      60_000,
      'the szx trigger, silenced on every channel (hook, slack, pd, limited)',
    );
    expect(muted.every((r) => r.state === 'silenced')).toBe(true);
    // In the saved book first: else "closed" below would hold before it was ever open.
    await poll(
      async () => ((await openIncidents()).some((k) => k.startsWith('idc/live/szx')) ? true : undefined),
      30_000,
      'the szx incident in the book',
    );
    await fleet.set({ idc: 'szx' }, 'up');
    await poll(
      async () => ((await openIncidents()).some((k) => k.startsWith('idc/live/szx')) ? undefined : true),
      60_000,
      'the szx incident to close',
    );
    // Its trigger reached no channel, so there is nothing to resolve anywhere.
    expect(await rows(`labels->>'idc' = 'szx' AND phase = 'resolve'`)).toEqual([]);
    expect(rx.requests.slice(before).map(withJson).filter(forIdc('szx'))).toEqual([]);
    // The IDC's own events: its 50 endpoints' events (each may pass DEGRADED on the way, as one
    // vantage's results are evaluated before the next one's) fill more than a page.
    const events = await call(vigil.url, 'GET', '/api/v1/events?idc=szx&kind=idc', {
      token: vigil.adminToken,
    });
    expect(
      events.body.items.some(
        (e: { kind: string; after: string }) => e.kind === 'idc' && e.after === 'UNHEALTHY',
      ),
    ).toBe(true);

    const expired = await call(vigil.url, 'DELETE', `/api/v1/silences/${created.body.id}`, {
      token: vigil.adminToken,
    });
    expect(expired.status).toBe(200);
    expect(expired.body.state).toBe('expired');
    const list = await call(vigil.url, 'GET', '/api/v1/silences?state=expired', { token: vigil.adminToken });
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([created.body.id]);
    await allHealthy();
  });

  it('a restarted controller resolves the incident the last one opened where its trigger went, past a silence, and never sends the trigger twice', async () => {
    const before = at('/hook').length;
    const shaTriggers = () =>
      at('/hook')
        .slice(before)
        .filter((r) => forIdc('sha')(r) && r.json.phase === 'trigger');
    await fleet.set({ idc: 'sha' }, 'refused');
    const [trigger] = await poll(
      async () => (shaTriggers().length ? shaTriggers() : undefined),
      60_000,
      'the sha trigger',
    );
    // Silenced during the incident: that must not keep its resolve from the channels that got the trigger.
    const silence = await call(vigil.url, 'POST', '/api/v1/silences', {
      token: vigil.adminToken,
      json: {
        matchers: [{ label: 'idc', op: '=', value: 'sha' }],
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'sha known down',
      },
    });
    expect(silence.status).toBe(201);
    try {
      await restartAndResolve(trigger.json.incidentKey, before);
    } finally {
      await call(vigil.url, 'DELETE', `/api/v1/silences/${silence.body.id}`, { token: vigil.adminToken });
    }
    await allHealthy();
  });

  async function restartAndResolve(incidentKey: string, before: number): Promise<void> {
    const shaTriggers = () =>
      at('/hook')
        .slice(before)
        .filter((r) => forIdc('sha')(r) && r.json.phase === 'trigger');
    redis.disconnect();
    await vigil.stop(); // every role, the notifier's leader included
    vigil = await startVigil({
      DATABASE_URL: vigil.env.DATABASE_URL,
      VIGIL_REDIS_PREFIX: vigil.env.VIGIL_REDIS_PREFIX,
      VIGIL_NOTIFY_ATTEMPTS: String(ATTEMPTS),
      VIGIL_NOTIFY_BACKOFF_MS: '100',
    });
    redis = new Redis(vigil.env.REDIS_URL);
    await fleet.set({ idc: 'sha' }, 'up');
    const resolve = await poll(
      async () =>
        at('/hook')
          .slice(before)
          .find((r) => forIdc('sha')(r) && r.json.phase === 'resolve'),
      60_000,
      'the sha resolve from the new controller',
    );
    expect(resolve.json.incidentKey).toBe(incidentKey);
    expect(shaTriggers()).toHaveLength(1);
    // Each channel whose trigger went (by its own rate limit, whatever earlier tests spent) gets the resolve.
    const incident = await poll(
      async () => {
        const found = await rows(`incident_key = '${incidentKey}'`);
        const sent = found.filter((r) => r.phase === 'trigger' && r.state === 'delivered');
        const resolved = found.filter((r) => r.phase === 'resolve' && r.state === 'delivered');
        return sent.length >= 3 && resolved.length === sent.length ? found : undefined;
      },
      30_000,
      'a resolve delivered for every trigger delivered',
    );
    const triggers = incident.filter((r) => r.phase === 'trigger');
    expect(triggers.map((r) => r.channel).sort()).toEqual(['hook', 'limited', 'pd', 'slack']);
    const expected = triggers.flatMap((r) =>
      r.state === 'delivered'
        ? [`${r.channel}:trigger:delivered`, `${r.channel}:resolve:delivered`]
        : [`${r.channel}:trigger:${r.state}`],
    );
    expect(expected).toContain('pd:resolve:delivered');
    expect(incident.map((r) => `${r.channel}:${r.phase}:${r.state}`).sort()).toEqual(expected.sort());
  }

  it('a resolve never overtakes its trigger, which waits out a 429 Retry-After', async () => {
    const before = at('/pd/v2/enqueue').length;
    // szx's incident only (a resolve of an earlier test's incident may still be arriving).
    const pd = () =>
      at('/pd/v2/enqueue')
        .slice(before)
        .filter((r) => String(r.json.dedup_key).startsWith('idc/live/szx/'));
    scripts.set('/pd/v2/enqueue', [{ status: 429, headers: { 'retry-after': '6' } }]);
    await fleet.set({ idc: 'szx' }, 'refused');
    await poll(async () => (pd().length ? true : undefined), 60_000, 'the first szx trigger attempt');
    await fleet.set({ idc: 'szx' }, 'up'); // the resolve comes while the trigger waits for its retry
    await poll(
      async () => (pd().length === 3 ? true : undefined),
      60_000,
      'the retried trigger, then the resolve',
    );
    const [first, retry, resolve] = pd();
    expect([first, retry, resolve].map((r) => [r.json.event_action, r.status])).toEqual([
      ['trigger', 429],
      ['trigger', 200],
      ['resolve', 200],
    ]);
    expect(resolve.json.dedup_key).toBe(first.json.dedup_key);
    // The retry waited for Retry-After (6 s), not for the 100 ms backoff.
    expect(retry.at - first.at).toBeGreaterThanOrEqual(5_000);
    await allHealthy();
  });

  it("a rule's notify action pages once when an alert received by webhook makes it fire", async () => {
    const key = await call(vigil.url, 'POST', '/api/v1/api-keys', {
      token: vigil.adminToken,
      json: { name: 'alertmanager', role: 'webhook' },
    });
    expect(key.status).toBe(201);
    const alert = { name: 'EdgeDown', labels: { service: 'live', idc: 'bjs', severity: 'page' } };
    const sent = await call(vigil.url, 'POST', '/api/v1/webhooks/generic', {
      token: key.body.token,
      json: { alerts: [alert] },
    });
    expect(sent.status).toBe(200);
    const paged = await poll(
      async () => {
        const found = at('/hook').filter((r) => r.json.event === 'rule.notify');
        return found.length ? found : undefined;
      },
      30_000,
      'the rule notification',
    );
    expect(paged[0].json).toMatchObject({ labels: { rule: 'edge-down-page', service: 'live', idc: 'bjs' } });
    // Still firing three evaluations later: still one page (once per firing, not once per second).
    const pagedAt = Date.parse(paged[0].json.at);
    await poll(
      async () => {
        const res = await call(vigil.url, 'GET', '/api/v1/status', { token: vigil.adminToken });
        return res.body.generatedAt > pagedAt + 3000 ? true : undefined;
      },
      30_000,
      'three more evaluations',
    );
    const resolved = await call(vigil.url, 'POST', '/api/v1/webhooks/generic', {
      token: key.body.token,
      json: { alerts: [{ ...alert, status: 'resolved' }] },
    });
    expect(resolved.status).toBe(200);
    expect(at('/hook').filter((r) => r.json.event === 'rule.notify')).toHaveLength(1);
  });

  it('the action cursor reads on past a window full of changes it has seen; an approval request is resolved when cancelled', async () => {
    // 600 changes inside the overlap window (no notice each): more than one page of them, all seen.
    await vigil.sql(
      `INSERT INTO actions (id, service, kind, idc, mode, state, reason, plan, weights_before, updated_at)
       SELECT gen_random_uuid(), 'live', 'shift-away', 'bjs', 'approval', 'rejected', 'filler', '{}', '{}',
              clock_timestamp() - interval '3 seconds' + i * interval '1 millisecond'
         FROM generate_series(1, 600) AS i`,
    );
    await poll(
      async () => {
        // The notifier has read past the filler once its cursor is there.
        const cursor = Number(await redis.get(`${vigil.env.VIGIL_REDIS_PREFIX}:notify:actions-cursor`));
        const [last] = await vigil.sql<{ at: Date }>(
          `SELECT max(updated_at) AS at FROM actions WHERE reason = 'filler'`,
        );
        return cursor >= new Date(last.at).getTime() - 1 ? true : undefined;
      },
      30_000,
      'the cursor past the filler',
    );
    const [waiting] = await vigil.sql<{ id: string }>(
      `INSERT INTO actions (id, service, kind, idc, mode, state, reason, plan, weights_before)
       VALUES (gen_random_uuid(), 'live', 'shift-away', 'bjs', 'approval', 'awaiting-approval', 'bjs is down', '{}', '{}')
       RETURNING id`,
    );
    const approvals = (phase: string) =>
      at('/hook').filter((r) => r.json.labels?.action === waiting.id && r.json.phase === phase);
    await poll(async () => (approvals('trigger').length ? true : undefined), 30_000, 'the approval request');
    await vigil.sql(`UPDATE actions SET state = 'cancelled', updated_at = now() WHERE id = $1`, [waiting.id]);
    const [resolve] = await poll(
      async () => (approvals('resolve').length ? approvals('resolve') : undefined),
      30_000,
      'the resolve of the approval request',
    );
    expect(resolve.json).toMatchObject({
      event: 'action.awaiting-approval',
      status: 'resolved',
      incidentKey: `action/${waiting.id}/awaiting-approval`,
    });
    expect(approvals('trigger')).toHaveLength(1);
  });

  it('refuses silences that are malformed or would mute everything, naming the field', async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    for (const [json, path] of [
      [{ matchers: [{ label: 'idc', op: '=~', value: '.*' }], endsAt, comment: 'all' }, 'matchers'],
      [
        { matchers: [{ label: 'idc', op: '=~', value: '(' }], endsAt, comment: 'bad regex' },
        'matchers[0].value',
      ],
      [{ matchers: [{ label: 'idc', op: '~', value: 'sha' }], endsAt, comment: 'bad op' }, 'matchers[0].op'],
      [
        {
          matchers: [{ label: 'idc', op: '=', value: 'sha' }],
          endsAt: '2001-01-01T00:00:00Z',
          comment: 'past',
        },
        'endsAt',
      ],
    ] as const) {
      const res = await call(vigil.url, 'POST', '/api/v1/silences', { token: vigil.adminToken, json });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const listed = await call(vigil.url, 'GET', '/api/v1/silences?state=active', { token: vigil.adminToken });
    expect(listed.body.items).toEqual([]);
  });
});

/** The notifier's store on real Postgres, in an app without the controller (no sweep, no notifier). */
describe('notification store (real Postgres)', () => {
  let vigil: VigilUnderTest;
  let store: NotificationStore;
  const notice = (id: string): Notice => ({
    id,
    incidentKey: id,
    event: 'idc.state',
    phase: 'trigger',
    severity: 'critical',
    title: 't',
    text: 't',
    labels: { idc: 'sha' },
    details: {},
    at: 0,
    resolvable: true,
  });
  const out = (id: string, channel: string, outcome: Dispatched['outcome']): Dispatched => ({
    notice: notice(id),
    channel,
    outcome,
  });

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api' });
    store = new NotificationStore(vigil.app.get(DataSource));
  });
  afterAll(async () => {
    await vigil?.close();
  });

  it('returns the stored state of every message, the first recording winning over a replay', async () => {
    const first = await store.record([
      out('n1', 'pd', { state: 'pending' }),
      out('n1', 'limited', { state: 'suppressed' }),
    ]);
    expect(first.pending).toHaveLength(1);
    const replay = await store.record([
      out('n1', 'pd', { state: 'suppressed' }),
      out('n1', 'limited', { state: 'pending' }),
      out('n2', 'pd', { state: 'pending' }),
    ]);
    expect([...replay.stored].sort()).toEqual([
      ['n1:limited', 'suppressed'],
      ['n1:pd', 'pending'],
      ['n2:pd', 'pending'],
    ]);
    expect(replay.pending).toHaveLength(1); // only the new row is queued
  });

  it('pages the sweep so rows behind a full window of stuck ones are reached', async () => {
    await vigil.sql(
      `INSERT INTO notifications (id, dedup_key, incident_key, event, phase, severity, channel, title, text,
                                  labels, state, created_at, updated_at)
       SELECT gen_random_uuid(), 'stuck:' || i, 'k', 'idc.state', 'trigger', 'critical', 'pd', 't', 't',
              '{}', 'pending', timestamp '2001-01-01' + i * interval '1 second', timestamp '2001-01-01'
         FROM generate_series(1, 5) AS i`,
    );
    const before = new Date('2002-01-01');
    const seen: string[] = [];
    let page = await store.stuckPending(before, undefined, 2);
    for (let n = 0; n < 10 && page.next; n++) {
      seen.push(...page.ids);
      page = await store.stuckPending(before, page.next, 2);
    }
    seen.push(...page.ids);
    expect(page.next).toBeUndefined(); // a short page: the next sweep starts over
    expect(new Set(seen).size).toBe(5);
    expect(seen).toHaveLength(5);
  });
});
