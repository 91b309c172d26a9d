import { createHmac } from 'node:crypto';
import { buildRequest } from './build-request';
import { emailIds, emailMessage } from './email-format';
import { larkAnswerError, larkSign } from './lark-format';
import { opsgenieAlias, OPSGENIE_MESSAGE_MAX } from './opsgenie-format';
import type { ChannelTarget, EmailTarget } from './target';
import { actionNotice, AT, notice } from './testing/notices';

const NOW = Date.UTC(2030, 0, 2, 3, 5, 0);
const opts = { idempotencyKey: 'notif-42', nowMs: NOW };
const CONSOLE = 'https://vigil.example.com';
const linked = { ...opts, externalUrl: CONSOLE };
const INCIDENT_PAGE = `${CONSOLE}/incidents/idc%2Flive-edge%2Fsha%2F1000`;
const SERVICE_PAGE = `${CONSOLE}/services/live-edge`;
type Target<T extends ChannelTarget['type']> = Extract<ChannelTarget, { type: T }>;
const parse = (body: string) => JSON.parse(body) as Record<string, any>;
const resolve = () =>
  notice({
    id: 'idc/live-edge/sha/1000:resolve:9000',
    phase: 'resolve',
    title: 'resolved: live-edge in sha is HEALTHY again (down 2m)',
    text: 'live-edge in sha is HEALTHY again.',
  });

describe('buildRequest: opsgenie', () => {
  const og: Target<'opsgenie'> = {
    type: 'opsgenie',
    name: 'og',
    apiUrl: 'https://api.eu.opsgenie.com/',
    apiKey: 'genie-key-1',
  };

  it('creates an alert aliased by the incident, with the GenieKey header and the documented fields', () => {
    const req = buildRequest(og, notice(), linked);
    expect(req.url).toBe('https://api.eu.opsgenie.com/v2/alerts');
    expect(req.headers).toMatchObject({
      Authorization: 'GenieKey genie-key-1',
      'Content-Type': 'application/json',
    });
    expect(parse(req.body)).toEqual({
      message: 'live-edge in sha is UNHEALTHY',
      alias: 'idc:live-edge:sha:1000',
      description: `3 of 4 endpoints down.\nVigil proposes shift-away.\n\nOpen in Vigil: ${INCIDENT_PAGE}\nService: ${SERVICE_PAGE}`,
      priority: 'P1',
      tags: ['vigil', 'idc.state', 'critical', 'service:live-edge', 'idc:sha'],
      details: {
        event: 'idc.state',
        severity: 'critical',
        service: 'live-edge',
        idc: 'sha',
        state: 'UNHEALTHY',
        endpoints: '["sha-1","sha-2","sha-3"]',
        incidentKey: 'idc/live-edge/sha/1000',
        at: new Date(AT).toISOString(),
        console: INCIDENT_PAGE,
      },
      source: 'Vigil',
      entity: 'live-edge/sha',
    });
  });

  it('closes the alert by the same alias on resolve, with a note', () => {
    const req = buildRequest(og, resolve(), opts);
    expect(req.url).toBe(
      'https://api.eu.opsgenie.com/v2/alerts/idc%3Alive-edge%3Asha%3A1000/close?identifierType=alias',
    );
    expect(req.headers.Authorization).toBe('GenieKey genie-key-1');
    expect(parse(req.body)).toEqual({
      source: 'Vigil',
      note: 'resolved: live-edge in sha is HEALTHY again (down 2m)\nlive-edge in sha is HEALTHY again.',
    });
  });

  it('adds a re-sent reminder as a note, never a create that would reopen a closed alert', () => {
    const req = buildRequest(og, notice({ phase: 'remind' }), opts);
    expect(req.url).toBe(
      'https://api.eu.opsgenie.com/v2/alerts/idc%3Alive-edge%3Asha%3A1000/notes?identifierType=alias',
    );
  });

  it.each([
    ['critical', 'P1'],
    ['error', 'P2'],
    ['warning', 'P3'],
    ['info', 'P5'],
  ] as const)('maps severity %s to priority %s', (severity, priority) => {
    expect(parse(buildRequest(og, notice({ severity }), opts).body).priority).toBe(priority);
  });

  it('clips the message to 130 characters; a one-shot notice is its own alert', () => {
    const body = parse(buildRequest(og, notice({ title: 'x'.repeat(500) }), opts).body);
    expect(body.message).toHaveLength(OPSGENIE_MESSAGE_MAX);
    expect(opsgenieAlias(actionNotice())).toBe('action:act-1:trigger:3000');
    expect(opsgenieAlias(notice({ incidentKey: 'a'.repeat(600) }))).toMatch(/^vigil-[0-9a-f]{64}$/);
    expect(opsgenieAlias(notice({ incidentKey: 'odd key?' }))).toMatch(/^vigil-[0-9a-f]{64}$/);
  });
});

describe('buildRequest: teams', () => {
  const teams: Target<'teams'> = {
    type: 'teams',
    name: 'ops',
    webhookUrl: 'https://prod.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=S',
  };

  it('posts a message with one Adaptive Card: coloured title, text, facts, and a link to the console', () => {
    const req = buildRequest(teams, notice(), linked);
    expect(req.url).toBe(teams.webhookUrl);
    const body = parse(req.body);
    expect(body).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null }],
    });
    expect(body.attachments).toHaveLength(1);
    const card = body.attachments[0].content;
    expect(card).toMatchObject({
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
    });
    expect(card.body[0]).toMatchObject({
      type: 'Container',
      style: 'attention',
      items: [
        { type: 'TextBlock', text: 'live-edge in sha is UNHEALTHY', color: 'attention', weight: 'Bolder' },
      ],
    });
    expect(card.body[1]).toEqual({
      type: 'TextBlock',
      text: '3 of 4 endpoints down.\nVigil proposes shift-away.',
      wrap: true,
    });
    expect(card.body[2]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Severity', value: 'critical' },
        { title: 'Event', value: 'idc.state' },
        { title: 'Service', value: 'live-edge' },
        { title: 'IDC', value: 'sha' },
        { title: 'At', value: new Date(AT).toISOString() },
        { title: 'state', value: 'UNHEALTHY' },
        { title: 'endpoints', value: '["sha-1","sha-2","sha-3"]' },
      ],
    });
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in Vigil', url: INCIDENT_PAGE },
      { type: 'Action.OpenUrl', title: 'Open service', url: SERVICE_PAGE },
    ]);
  });

  it('is green when resolved, amber for a warning, and has no actions without console links', () => {
    const resolved = parse(buildRequest(teams, resolve(), opts).body).attachments[0].content;
    expect(resolved.body[0].style).toBe('good');
    expect(resolved.body[0].items[0].text).toMatch(/^Resolved: /);
    expect(resolved.actions).toBeUndefined();
    const warning = parse(buildRequest(teams, notice({ severity: 'warning' }), opts).body);
    expect(warning.attachments[0].content.body[0].style).toBe('warning');
  });
});

describe('buildRequest: lark', () => {
  const lark: Target<'lark'> = {
    type: 'lark',
    name: 'cn-ops',
    webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/0c3c',
    signingSecret: 'lark-secret',
  };

  it('signs as Lark checks: base64 HMAC-SHA256 keyed by "<timestamp>\\n<secret>" over nothing', () => {
    const expected = createHmac('sha256', '1893553500\nlark-secret').update('').digest('base64');
    expect(larkSign('1893553500', 'lark-secret')).toBe(expected);
  });

  it('posts an interactive card, signed at the attempt time', () => {
    const req = buildRequest(lark, notice(), linked);
    expect(req.url).toBe(lark.webhookUrl);
    const body = parse(req.body);
    expect(Object.keys(body)).toEqual(['timestamp', 'sign', 'msg_type', 'card']);
    expect(body.timestamp).toBe(String(NOW / 1000));
    expect(body.sign).toBe(larkSign(String(NOW / 1000), 'lark-secret'));
    expect(body.msg_type).toBe('interactive');
    expect(body.card.header).toEqual({
      title: { tag: 'plain_text', content: 'live-edge in sha is UNHEALTHY' },
      template: 'red',
    });
    expect(body.card.elements[0]).toEqual({
      tag: 'div',
      text: { tag: 'plain_text', content: '3 of 4 endpoints down.\nVigil proposes shift-away.' },
    });
    expect(body.card.elements[1].fields[0]).toEqual({
      is_short: true,
      text: { tag: 'plain_text', content: 'severity: critical' },
    });
    expect(body.card.elements[2]).toEqual({
      tag: 'action',
      actions: [
        {
          tag: 'button',
          text: { tag: 'plain_text', content: 'Open in Vigil' },
          type: 'primary',
          url: INCIDENT_PAGE,
        },
        {
          tag: 'button',
          text: { tag: 'plain_text', content: 'Open service' },
          type: 'default',
          url: SERVICE_PAGE,
        },
      ],
    });
    // Each attempt signs afresh.
    const later = parse(buildRequest(lark, notice(), { ...opts, nowMs: NOW + 60_000 }).body);
    expect(later.timestamp).toBe(String(NOW / 1000 + 60));
  });

  it('sends no timestamp or sign without a signing secret; green when resolved', () => {
    const { signingSecret: _, ...unsigned } = lark;
    const body = parse(buildRequest(unsigned, resolve(), opts).body);
    expect(Object.keys(body)).toEqual(['msg_type', 'card']);
    expect(body.card.header.template).toBe('green');
  });

  it.each([
    ['{"code":0,"msg":"success","data":{}}', undefined],
    ['{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}', false],
    ['{"code":19024,"msg":"Key Words Not Found"}', false],
    ['{"code":11232,"msg":"frequency limited psm"}', true],
    ['{"code":9499,"msg":"Bad Request"}', true],
    ['<html>ok</html>', false],
  ])('reads the answer %s: retryable %s', (answer, retryable) => {
    expect(larkAnswerError(answer)?.retryable).toBe(retryable);
  });
});

describe('emailMessage', () => {
  const mail: EmailTarget = {
    type: 'email',
    name: 'ops-mail',
    host: 'smtp.example.com',
    port: 587,
    tls: 'starttls',
    username: 'vigil',
    password: 'pw',
    from: 'vigil@example.com',
    to: ['oncall@example.com', 'sre@example.com'],
  };

  it('has a subject with the state, text and HTML bodies, links, and X-Vigil headers', () => {
    const message = emailMessage(mail, notice(), {
      console: INCIDENT_PAGE,
      incident: INCIDENT_PAGE,
      service: SERVICE_PAGE,
    });
    expect(message).toMatchObject({
      from: 'vigil@example.com',
      to: ['oncall@example.com', 'sre@example.com'],
      subject: '[Vigil] CRITICAL: live-edge in sha is UNHEALTHY',
      headers: {
        'X-Vigil-Incident': 'idc/live-edge/sha/1000',
        'X-Vigil-Event': 'idc.state',
        'X-Vigil-Severity': 'critical',
        'X-Vigil-Phase': 'trigger',
      },
    });
    expect(message.text).toContain('3 of 4 endpoints down.\nVigil proposes shift-away.');
    expect(message.text).toContain('service: live-edge');
    expect(message.text).toContain(`Open in Vigil: ${INCIDENT_PAGE}`);
    expect(message.html).toContain(`<a href="${INCIDENT_PAGE}">Open in Vigil</a>`);
    expect(JSON.stringify(message)).not.toContain('"pw"');
  });

  it('threads every message of an incident under one id, each with a Message-ID of its own', () => {
    const trigger = emailMessage(mail, notice());
    const resolved = emailMessage(mail, resolve());
    expect(trigger.messageId).toMatch(/^<notice\.[0-9a-f]{40}@example\.com>$/);
    expect(resolved.messageId).not.toBe(trigger.messageId);
    expect(resolved.inReplyTo).toBe(trigger.inReplyTo);
    expect(resolved.references).toBe(trigger.inReplyTo);
    expect(trigger.inReplyTo).toBe(emailIds(notice(), mail.from).threadId);
    expect(emailMessage(mail, notice()).messageId).toBe(trigger.messageId); // stable across attempts
    expect(resolved.subject).toBe('[Vigil] RESOLVED: resolved: live-edge in sha is HEALTHY again (down 2m)');
  });

  it('escapes HTML in every value', () => {
    const message = emailMessage(mail, notice({ title: '<b>x</b>', text: 'a & <script>' }));
    expect(message.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(message.html).toContain('a &amp; &lt;script&gt;');
    expect(message.html).not.toContain('<script>');
  });
});
