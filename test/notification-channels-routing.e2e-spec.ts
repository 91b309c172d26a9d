import { fleetConfig, startFleet, startReceiver, type Fleet, type Receiver } from '@libs/fleet';
import { startSmtpServer, type TestSmtpServer } from '../libs/notify/src/testing/smtp-server';
import { makeCert } from '../libs/probes/src/test-servers';
import { larkVerdict, opsgenieVerdict, teamsVerdict } from './support/channel-emulators';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

interface NotificationRow {
  channel: string;
  phase: string;
  state: string;
  incident_key: string;
}

const GENIE_KEY = 'genie-routing-key-7c1e';
const LARK_SECRET = 'lark-routing-secret';
const SMTP_PASSWORD = 'smtp-routing-password';

// An outage and a recovery per IDC, each with its own polls: their sum, not the default minute.
jest.setTimeout(240_000);

/**
 * The new channel types behind the real notifier: a small fleet (2 IDCs x 2 endpoints on this
 * suite's fixed ports) probed every second, routes to an email, Opsgenie, Teams and Lark channel, a
 * silence on Teams and a rate limit of one per hour on Lark. Outages in sha and then bjs must be sent
 * where routing, the silence and the rate limit say, and each resolve only where its trigger went.
 */
describe('new channel types: routing, silences, rate limits and resolves', () => {
  let fleet: Fleet;
  let rx: Receiver;
  let smtp: TestSmtpServer;
  let vigil: VigilUnderTest;
  const alerts = new Map<string, 'open' | 'closed'>();

  const rowsFor = (idc: string) =>
    vigil.sql<NotificationRow>(
      `SELECT channel, phase, state, incident_key FROM notifications
        WHERE event = 'idc.state' AND labels->>'idc' = $1 ORDER BY phase DESC, channel`,
      [idc],
    );
  /** Polls until the IDC's trigger and resolve rows are settled on every channel they went to. */
  const settledRows = (idc: string, expected: number) =>
    poll(
      async () => {
        const rows = await rowsFor(idc);
        return rows.length === expected && rows.every((r) => r.state !== 'pending') ? rows : undefined;
      },
      90_000,
      `the ${idc} notifications to settle`,
    );

  beforeAll(async () => {
    const cert = await makeCert(['localhost'], -1, 30);
    smtp = await startSmtpServer({ cert, username: 'vigil', password: SMTP_PASSWORD });
    rx = await startReceiver((req) => {
      if (req.path.startsWith('/og/')) return opsgenieVerdict(req, GENIE_KEY, alerts);
      if (req.path.startsWith('/teams')) return teamsVerdict(req.body);
      if (req.path.startsWith('/lark')) return larkVerdict(req.body, LARK_SECRET, Date.now());
      return { status: 404 };
    });
    process.env.VIGIL_REF_TEST_ROUTING_SMTP = SMTP_PASSWORD;
    process.env.VIGIL_REF_TEST_ROUTING_GENIE = GENIE_KEY;
    process.env.VIGIL_REF_TEST_ROUTING_TEAMS = `${rx.url}/teams`;
    process.env.VIGIL_REF_TEST_ROUTING_LARK = `${rx.url}/lark`;
    process.env.VIGIL_REF_TEST_ROUTING_LARK_SECRET = LARK_SECRET;
    fleet = await startFleet({ idcs: ['sha', 'bjs'], endpointsPerIdc: 2, basePort: 27900 });
    vigil = await startVigil({ VIGIL_NOTIFY_ATTEMPTS: '4', VIGIL_NOTIFY_BACKOFF_MS: '100' });
    const doc = fleetConfig(fleet, {
      service: 'live',
      interval: '1s',
      timeout: '800ms',
      healthyThreshold: 2,
      unhealthyThreshold: 2,
    }) as Record<string, any>;
    doc.services[0].policy = { ...doc.services[0].policy, flapping: { maxTransitions: 1000 } };
    doc.channels = [
      {
        name: 'mail',
        type: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        ca: cert.cert,
        username: 'vigil',
        password: { secretRef: 'VIGIL_REF_TEST_ROUTING_SMTP' },
        from: 'vigil@example.com',
        to: ['oncall@example.com'],
      },
      {
        name: 'og',
        type: 'opsgenie',
        apiUrl: `${rx.url}/og`,
        apiKey: { secretRef: 'VIGIL_REF_TEST_ROUTING_GENIE' },
      },
      { name: 'teams', type: 'teams', webhookUrl: { secretRef: 'VIGIL_REF_TEST_ROUTING_TEAMS' } },
      {
        name: 'lark',
        type: 'lark',
        webhookUrl: { secretRef: 'VIGIL_REF_TEST_ROUTING_LARK' },
        signingSecret: { secretRef: 'VIGIL_REF_TEST_ROUTING_LARK_SECRET' },
        rateLimit: { max: 1, per: '1h' },
      },
    ];
    doc.notifications = {
      groupWait: '5s', // past the spread of both endpoints going down: one trigger, no escalation
      routes: [{ channels: ['mail', 'og', 'teams', 'lark'], events: ['idc.state'], minSeverity: 'warning' }],
    };
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
    expect([applied.status, applied.body]).toEqual([200, expect.anything()]);
    await everyIdcHealthy(vigil, { idcs: 2, deadlineMs: 60_000 });
    const silence = await call(vigil.url, 'POST', '/api/v1/silences', {
      token: vigil.adminToken,
      json: {
        matchers: [{ label: 'channel', op: '=', value: 'teams' }],
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'teams channel muted for the test',
      },
    });
    expect(silence.status).toBe(201);
  });
  afterAll(async () => {
    await vigil?.close();
    await fleet?.close();
    await rx?.close();
    await smtp?.close();
    for (const name of ['SMTP', 'GENIE', 'TEAMS', 'LARK', 'LARK_SECRET'])
      delete process.env[`VIGIL_REF_TEST_ROUTING_${name}`];
  });

  /** Takes `idc` down until its trigger rows exist, then up until its resolve rows exist. */
  async function outage(idc: string, resolves: number) {
    await fleet.set({ idc }, 'refused');
    await poll(
      async () => ((await rowsFor(idc)).some((r) => r.phase === 'trigger') ? true : undefined),
      60_000,
      `the ${idc} trigger`,
    );
    await fleet.set({ idc }, 'up');
    await poll(
      async () =>
        (await rowsFor(idc)).filter((r) => r.phase === 'resolve').length === resolves ? true : undefined,
      60_000,
      `the ${idc} resolves`,
    );
  }

  it('the first outage reaches email, Opsgenie and Lark, not the silenced Teams, and resolves there', async () => {
    await outage('sha', 3);
    const rows = await settledRows('sha', 7);
    expect(rows.map((r) => `${r.phase} ${r.channel} ${r.state}`)).toEqual([
      'trigger lark delivered',
      'trigger mail delivered',
      'trigger og delivered',
      'trigger teams silenced',
      'resolve lark delivered',
      'resolve mail delivered',
      'resolve og delivered',
    ]);
    const alias = rows[0].incident_key.replace(/\//g, ':');
    expect(alerts.get(alias)).toBe('closed');
    expect(rx.requests.filter((r) => r.path.startsWith('/teams'))).toEqual([]);
    expect(rx.requests.filter((r) => r.path.startsWith('/lark')).map((r) => r.status)).toEqual([200, 200]);
    expect(smtp.mails.filter((m) => m.raw.includes(rows[0].incident_key))).toHaveLength(2);
    await everyIdcHealthy(vigil, { idcs: 2, deadlineMs: 60_000 });
  });

  it('the second outage within the hour is suppressed on Lark by its rate limit; its resolve skips Lark', async () => {
    await outage('bjs', 2);
    const rows = await settledRows('bjs', 6);
    expect(rows.map((r) => `${r.phase} ${r.channel} ${r.state}`)).toEqual([
      'trigger lark suppressed',
      'trigger mail delivered',
      'trigger og delivered',
      'trigger teams silenced',
      'resolve mail delivered',
      'resolve og delivered',
    ]);
    expect(rx.requests.filter((r) => r.path.startsWith('/lark'))).toHaveLength(2); // the sha ones only
    expect(alerts.get(rows[0].incident_key.replace(/\//g, ':'))).toBe('closed');
  });
});
