import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { startReceiver, type Receiver, type ReceiverReply } from '@libs/fleet';
import { deliver, DeliveryError } from '@libs/notify';
import {
  bullPrefix,
  createBullConnection,
  QUEUES,
  queueNotifications,
  type NotificationJob,
} from '@libs/queue';
import { notice as aNotice } from '../libs/notify/src/testing/notices';
import { mailHeader, startSmtpServer, type TestSmtpServer } from '../libs/notify/src/testing/smtp-server';
import { makeCert } from '../libs/probes/src/test-servers';
import {
  larkAnswer,
  larkCode,
  larkVerdict,
  opsgenieVerdict,
  teamsVerdict,
} from './support/channel-emulators';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

interface NotificationRow {
  id: string;
  state: string;
  attempts: number;
  last_error: string | null;
}

const ATTEMPTS = 4;
const SMTP_USER = 'vigil';
const SMTP_PASSWORD = 'smtp-e2e-password-5d1c';
const GENIE_KEY = 'genie-e2e-key-0b6f1c2d';
const LARK_SECRET = 'lark-e2e-signing-secret';
const TEAMS_PATH = '/teams/workflows/abc/triggers/manual/paths/invoke';
const LARK_PATH = '/lark/open-apis/bot/v2/hook/0c3c-e2e';
const LARK_BAD_PATH = '/lark/open-apis/bot/v2/hook/0c3c-other';
const ENV_NAMES = {
  smtp: 'VIGIL_REF_TEST_CH_SMTP_PASSWORD',
  genie: 'VIGIL_REF_TEST_CH_GENIE_KEY',
  teams: 'VIGIL_REF_TEST_CH_TEAMS_URL',
  lark: 'VIGIL_REF_TEST_CH_LARK_URL',
  larkSecret: 'VIGIL_REF_TEST_CH_LARK_SECRET',
};

/**
 * The four channels added in issue 17 (email, Opsgenie, Teams, Lark), delivered by the real delivery
 * processor from rows written as the notifier writes them, to servers on loopback that check what the
 * real services check: a real SMTP server with STARTTLS and AUTH, and HTTP receivers playing Opsgenie,
 * Teams and Lark. Each channel gets a trigger that fails once (retried) and its resolve (which waits
 * for it); refusals end in the dead-letter state.
 */
describe('notification channels: email, Opsgenie, Teams, Lark', () => {
  let rx: Receiver;
  let smtp: TestSmtpServer;
  let vigil: VigilUnderTest;
  let connection: Redis;
  let queue: Queue<NotificationJob>;
  /** Scripted answers per path (used up in order) before the emulated service answers. */
  const scripts = new Map<string, ReceiverReply[]>();
  const alerts = new Map<string, 'open' | 'closed'>();

  const rowOf = async (id: string) =>
    (await vigil.sql<NotificationRow>('SELECT * FROM notifications WHERE id = $1', [id]))[0];
  const settled = (id: string, deadlineMs = 30_000) =>
    poll(
      async () => {
        const row = await rowOf(id);
        return row.state === 'pending' ? undefined : row;
      },
      deadlineMs,
      `notification ${id} to leave pending`,
    );
  const on = (path: string) => rx.requests.filter((r) => r.path.startsWith(path));

  /** A notification row as the notifier writes it; returns its id. */
  async function insertRow(row: { channel: string; incident: string; phase: 'trigger' | 'resolve' }) {
    const id = randomUUID();
    const notice = `${row.incident}:${row.phase}:${id}`;
    const title =
      row.phase === 'trigger' ? 'live in sha is UNHEALTHY' : 'resolved: live in sha is HEALTHY again';
    await vigil.sql(
      `INSERT INTO notifications (id, dedup_key, incident_key, event, phase, severity, channel, title, text,
         labels, details, state, attempts, created_at)
       VALUES ($1, $2, $3, 'idc.state', $4, 'critical', $5, $6, '3 of 4 endpoints down.',
         '{"event":"idc.state","severity":"critical","service":"live","idc":"sha"}',
         '{"resolvable":true,"state":"UNHEALTHY"}', 'pending', 0, now())`,
      [id, `${notice}:${row.channel}`, row.incident, row.phase, row.channel, title],
    );
    return id;
  }

  /** A trigger and its resolve, queued together: the resolve must wait for the trigger. */
  async function triggerAndResolve(channel: string) {
    const incident = `idc/live/sha/${Date.now()}-${randomUUID().slice(0, 8)}`;
    const trigger = await insertRow({ channel, incident, phase: 'trigger' });
    const resolve = await insertRow({ channel, incident, phase: 'resolve' });
    await queueNotifications(queue, vigil.env, [trigger, resolve]);
    return { incident, trigger, resolve };
  }

  beforeAll(async () => {
    const cert = await makeCert(['localhost'], -1, 30);
    smtp = await startSmtpServer({ cert, username: SMTP_USER, password: SMTP_PASSWORD });
    rx = await startReceiver((req) => {
      const scripted = scripts.get(new URL(req.path, 'http://x').pathname)?.shift();
      if (scripted) return scripted;
      if (req.path.startsWith('/og/')) return opsgenieVerdict(req, GENIE_KEY, alerts);
      if (req.path.startsWith(TEAMS_PATH)) return teamsVerdict(req.body);
      if (req.path.startsWith('/lark/')) return larkVerdict(req.body, LARK_SECRET, Date.now());
      return { status: 404 };
    });
    process.env[ENV_NAMES.smtp] = SMTP_PASSWORD;
    process.env[ENV_NAMES.genie] = GENIE_KEY;
    process.env[ENV_NAMES.teams] = `${rx.url}${TEAMS_PATH}?api-version=2016-06-01&sig=teams-sig`;
    process.env[ENV_NAMES.lark] = `${rx.url}${LARK_PATH}`;
    process.env[ENV_NAMES.larkSecret] = LARK_SECRET;
    vigil = await startVigil({
      VIGIL_NOTIFY_ATTEMPTS: String(ATTEMPTS),
      VIGIL_NOTIFY_BACKOFF_MS: '100',
      VIGIL_SECRET_KEY: 'channels-e2e-sealing-key', // the channels given a {value} are sealed
    });
    const doc = {
      apiVersion: 'vigil/v1',
      idcs: [{ name: 'sha', capacity: 100 }],
      channels: [
        {
          name: 'mail',
          type: 'email',
          host: '127.0.0.1',
          port: smtp.port,
          ca: cert.cert,
          username: SMTP_USER,
          password: { secretRef: ENV_NAMES.smtp },
          from: 'vigil@example.com',
          to: ['oncall@example.com', 'sre@example.com'],
        },
        { name: 'og', type: 'opsgenie', apiUrl: `${rx.url}/og`, apiKey: { secretRef: ENV_NAMES.genie } },
        { name: 'og-bad-key', type: 'opsgenie', apiUrl: `${rx.url}/og`, apiKey: { value: 'not-the-key' } },
        { name: 'teams', type: 'teams', webhookUrl: { secretRef: ENV_NAMES.teams } },
        {
          name: 'lark',
          type: 'lark',
          webhookUrl: { secretRef: ENV_NAMES.lark },
          signingSecret: { secretRef: ENV_NAMES.larkSecret },
        },
        {
          name: 'lark-bad-secret',
          type: 'lark',
          webhookUrl: { value: `${rx.url}${LARK_BAD_PATH}` },
          signingSecret: { value: 'not-the-secret' },
        },
      ],
    };
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
    expect([applied.status, applied.body]).toEqual([200, expect.anything()]);
    connection = createBullConnection(vigil.env, 'channels-test');
    queue = new Queue<NotificationJob>(QUEUES.notifications, { connection, prefix: bullPrefix(vigil.env) });
  }, 60_000);
  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await vigil?.close();
    await rx?.close();
    await smtp?.close();
    for (const name of Object.values(ENV_NAMES)) delete process.env[name];
  });

  describe('email (SMTP with STARTTLS and AUTH)', () => {
    it('retries a 4xx, then threads the resolve under its trigger, to every recipient', async () => {
      const before = smtp.mails.length;
      smtp.script.push(451);
      const { incident, trigger, resolve } = await triggerAndResolve('mail');
      expect(await settled(trigger)).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(await settled(resolve)).toMatchObject({ state: 'delivered', attempts: 1 });

      const mails = smtp.mails.slice(before);
      expect(mails.map((m) => m.code)).toEqual([451, 250, 250]);
      for (const mail of mails) {
        expect(mail).toMatchObject({
          from: 'vigil@example.com',
          to: ['oncall@example.com', 'sre@example.com'],
          user: SMTP_USER,
          secure: true,
        });
      }
      const [, first, last] = mails;
      expect(mailHeader(first.raw, 'Subject')).toBe('[Vigil] CRITICAL: live in sha is UNHEALTHY');
      expect(mailHeader(last.raw, 'Subject')).toBe(
        '[Vigil] RESOLVED: resolved: live in sha is HEALTHY again',
      );
      expect(mailHeader(first.raw, 'To')).toBe('oncall@example.com, sre@example.com');
      expect(mailHeader(first.raw, 'X-Vigil-Incident')).toBe(incident);
      // The retry is the same message; the resolve answers the incident's thread, as the trigger does.
      expect(mailHeader(mails[0].raw, 'Message-ID')).toBe(mailHeader(first.raw, 'Message-ID'));
      expect(mailHeader(last.raw, 'Message-ID')).not.toBe(mailHeader(first.raw, 'Message-ID'));
      expect(mailHeader(last.raw, 'In-Reply-To')).toBe(mailHeader(first.raw, 'In-Reply-To'));
      expect(mailHeader(last.raw, 'References')).toBe(mailHeader(first.raw, 'In-Reply-To'));
      expect(first.raw).toContain('3 of 4 endpoints down.');
      expect(first.raw).toContain('text/html');
    });

    it('a 5xx rejection is a permanent failure after one attempt, without the password', async () => {
      smtp.script.push(554);
      const id = await insertRow({
        channel: 'mail',
        incident: `idc/live/sha/${randomUUID()}`,
        phase: 'trigger',
      });
      await queueNotifications(queue, vigil.env, [id]);
      const row = await settled(id);
      expect(row).toMatchObject({ state: 'failed', attempts: 1 });
      expect(row.last_error).toMatch(/^email channel "mail": SMTP 554 \(DATA\)/);
      expect(row.last_error).not.toContain(SMTP_PASSWORD);
    });
  });

  describe('Opsgenie', () => {
    it('retries a 429, creates the alert with the GenieKey, then closes it by its alias', async () => {
      scripts.set('/og/v2/alerts', [
        { status: 429, body: JSON.stringify({ message: 'Rate limit exceeded' }) },
      ]);
      const { incident, trigger, resolve } = await triggerAndResolve('og');
      expect(await settled(trigger)).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(await settled(resolve)).toMatchObject({ state: 'delivered', attempts: 1 });

      const alias = incident.replace(/\//g, ':');
      const requests = on('/og/').filter(
        (r) => r.body.includes(alias) || r.path.includes(encodeURIComponent(alias)),
      );
      expect(requests.map((r) => `${r.status} ${r.path}`)).toEqual([
        '429 /og/v2/alerts',
        '202 /og/v2/alerts',
        `202 /og/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      ]);
      expect(requests.every((r) => r.headers.authorization === `GenieKey ${GENIE_KEY}`)).toBe(true);
      expect(JSON.parse(requests[1].body)).toMatchObject({
        message: 'live in sha is UNHEALTHY',
        alias,
        priority: 'P1',
        source: 'Vigil',
        entity: 'live/sha',
      });
      expect(JSON.parse(requests[2].body)).toMatchObject({ source: 'Vigil' });
      expect(alerts.get(alias)).toBe('closed');
    });

    it('a refused key is dead-lettered at once, with what Opsgenie said and never the key', async () => {
      const id = await insertRow({
        channel: 'og-bad-key',
        incident: `idc/live/sha/${randomUUID()}`,
        phase: 'trigger',
      });
      await queueNotifications(queue, vigil.env, [id]);
      const row = await settled(id);
      expect(row).toMatchObject({ state: 'failed', attempts: 1 });
      expect(row.last_error).toBe('opsgenie channel "og-bad-key": HTTP 422: Key format is not valid!');
    });
  });

  describe('Teams (Workflows webhook)', () => {
    it('retries a 503, then posts the Adaptive Card of the trigger and of its resolve', async () => {
      scripts.set(TEAMS_PATH, [{ status: 503 }]);
      const { trigger, resolve } = await triggerAndResolve('teams');
      expect(await settled(trigger)).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(await settled(resolve)).toMatchObject({ state: 'delivered', attempts: 1 });

      const requests = on(TEAMS_PATH).slice(-3);
      expect(requests.map((r) => r.status)).toEqual([503, 202, 202]);
      expect(requests[0].path).toContain('sig=teams-sig');
      const titles = requests.slice(1).map((r) => {
        const card = JSON.parse(r.body).attachments[0].content;
        expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
        return `${card.body[0].style}: ${card.body[0].items[0].text}`;
      });
      expect(titles).toEqual([
        'attention: live in sha is UNHEALTHY',
        'good: Resolved: resolved: live in sha is HEALTHY again',
      ]);
    });
  });

  describe('Lark (custom bot, signed)', () => {
    it('retries "frequency limited", signing each attempt, then sends the resolve', async () => {
      scripts.set(LARK_PATH, [larkAnswer(11232, 'frequency limited psm')]);
      const { trigger, resolve } = await triggerAndResolve('lark');
      expect(await settled(trigger)).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(await settled(resolve)).toMatchObject({ state: 'delivered', attempts: 1 });

      const requests = on(LARK_PATH).slice(-3);
      const bodies = requests.map((r) => JSON.parse(r.body) as Record<string, any>);
      expect(bodies.map((b) => b.msg_type)).toEqual(['interactive', 'interactive', 'interactive']);
      // Every attempt carries a valid signature of its own time (the first was refused for its rate only).
      expect(requests.map((r) => larkCode(larkVerdict(r.body, LARK_SECRET, r.at)))).toEqual([0, 0, 0]);
      expect(bodies.map((b) => b.card.header.template)).toEqual(['red', 'red', 'green']);
    });

    it('a bad signature is refused with code 19021 and dead-lettered, never retried', async () => {
      const id = await insertRow({
        channel: 'lark-bad-secret',
        incident: `idc/live/sha/${randomUUID()}`,
        phase: 'trigger',
      });
      await queueNotifications(queue, vigil.env, [id]);
      const row = await settled(id);
      expect(row).toMatchObject({ state: 'failed', attempts: 1 });
      expect(row.last_error).toBe(
        'lark channel "lark-bad-secret": HTTP 200: Lark code 19021: sign match fail or timestamp is not within one hour from current time',
      );
      expect(on(LARK_BAD_PATH)).toHaveLength(1);
    });

    it('a request signed more than an hour ago is refused as Lark refuses it', async () => {
      const target = {
        type: 'lark' as const,
        name: 'lark',
        webhookUrl: `${rx.url}${LARK_PATH}`,
        signingSecret: LARK_SECRET,
      };
      const stale = await deliver(target, aNotice(), {
        idempotencyKey: 'stale',
        nowMs: Date.now() - 3_700_000,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(stale).toBeInstanceOf(DeliveryError);
      expect(stale).toMatchObject({ retryable: false, status: 200 });
      expect((stale as Error).message).toContain('Lark code 19021');
      expect(await deliver(target, aNotice(), { idempotencyKey: 'fresh' })).toEqual({ status: 200 });
    });
  });
});
