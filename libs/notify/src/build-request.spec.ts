import { driftEvent, stepIncidents, type Notice } from '@libs/domain';
import { verifySignature } from '@libs/traffic';
import { buildRequest } from './build-request';
import { DeliveryError } from './delivery-error';
import { changeEventsUrl, pagerDutyDedupKey } from './pagerduty-format';
import { slackMarker } from './slack-format';
import type { ChannelTarget } from './target';
import { actionNotice, AT, notice } from './testing/notices';
import { clip, slackEscape } from './text';

const NOW = Date.UTC(2030, 0, 2, 3, 5, 0);
const opts = { idempotencyKey: 'notif-42', nowMs: NOW };
type Target<T extends ChannelTarget['type']> = Extract<ChannelTarget, { type: T }>;
const webhook: Target<'webhook'> = {
  type: 'webhook',
  name: 'hook',
  url: 'https://hooks.example/v',
  secret: 's3',
};
const slack: Target<'slack'> = {
  type: 'slack',
  name: 'ops',
  webhookUrl: 'https://hooks.slack.com/services/T0/B0/xyz',
};
const pd: Target<'pagerduty'> = {
  type: 'pagerduty',
  name: 'pd',
  url: 'https://events.pagerduty.com/v2/enqueue',
  routingKey: 'R0UT1NGKEY',
};
const parse = (body: string) => JSON.parse(body) as Record<string, any>;
const CONSOLE = 'https://vigil.example.com';
const linked = { ...opts, externalUrl: CONSOLE };
const INCIDENT_PAGE = `${CONSOLE}/incidents/idc%2Flive-edge%2Fsha%2F1000`;
const SERVICE_PAGE = `${CONSOLE}/services/live-edge`;

describe('clip', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['eleven char', 10, 'eleven ch…'],
    ['ab🔴cd', 4, 'ab…'], // the emoji (2 units) does not fit before the ellipsis: not split
    ['ab🔴cd', 5, 'ab🔴…'],
  ])('clip(%j, %i) = %j', (text, max, expected) => {
    expect(clip(text, max)).toBe(expected);
    expect(clip(text, max).length).toBeLessThanOrEqual(max);
  });

  it('counts escaped length and never cuts an entity', () => {
    expect(clip('a<b', 10, slackEscape)).toBe('a&lt;b');
    expect(clip('a<<<<', 6, slackEscape)).toBe('a&lt;…');
    expect(clip('&&&&&&', 9, slackEscape)).toBe('&amp;…');
  });
});

describe('buildRequest: webhook', () => {
  it('sends the notice as versioned JSON with an idempotency key, signed over the exact body', () => {
    const req = buildRequest(webhook, notice(), opts);
    expect(req.url).toBe('https://hooks.example/v');
    expect(parse(req.body)).toEqual({
      version: '1',
      id: 'notif-42',
      notice: 'idc/live-edge/sha/1000:trigger:2000',
      incidentKey: 'idc/live-edge/sha/1000',
      event: 'idc.state',
      phase: 'trigger',
      status: 'firing',
      resolvable: true,
      severity: 'critical',
      title: 'live-edge in sha is UNHEALTHY',
      text: '3 of 4 endpoints down.\nVigil proposes shift-away.',
      labels: { event: 'idc.state', severity: 'critical', service: 'live-edge', idc: 'sha' },
      details: { state: 'UNHEALTHY', endpoints: ['sha-1', 'sha-2', 'sha-3'] },
      at: '2030-01-02T03:04:05.678Z',
    });
    expect(req.headers).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'vigil',
      'Idempotency-Key': 'notif-42',
      'X-Vigil-Timestamp': String(NOW / 1000),
      'X-Vigil-Signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
    });
    expect(verifySignature('s3', req.headers, req.body, NOW)).toEqual({ ok: true, timestamp: NOW / 1000 });
    expect(verifySignature('other', req.headers, req.body, NOW).ok).toBe(false);
  });

  it('a resolve is "resolved"; without a secret nothing is signed', () => {
    const req = buildRequest({ ...webhook, secret: undefined }, notice({ phase: 'resolve' }), opts);
    expect(parse(req.body)).toMatchObject({ phase: 'resolve', status: 'resolved' });
    expect(Object.keys(req.headers).sort()).toEqual(['Content-Type', 'Idempotency-Key', 'User-Agent']);
  });
});

describe('buildRequest: console links (VIGIL_EXTERNAL_URL)', () => {
  it('a webhook body gets a links object; none without the URL', () => {
    expect(parse(buildRequest(webhook, notice(), linked).body).links).toEqual({
      console: INCIDENT_PAGE,
      incident: INCIDENT_PAGE,
      service: SERVICE_PAGE,
    });
    expect(parse(buildRequest(webhook, actionNotice(), linked).body).links).toEqual({
      console: `${CONSOLE}/actions/act-1`,
      action: `${CONSOLE}/actions/act-1`,
      service: SERVICE_PAGE,
    });
    expect(parse(buildRequest(webhook, notice(), opts).body)).not.toHaveProperty('links');
  });

  it('a Slack message gets buttons to the subject and the service after the context', () => {
    const blocks = parse(buildRequest(slack, actionNotice(), linked).body).blocks as Array<{ type: string }>;
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(blocks[3]).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'vigil-open',
          text: { type: 'plain_text', text: 'Open in Vigil', emoji: false },
          url: `${CONSOLE}/actions/act-1`,
        },
        {
          type: 'button',
          action_id: 'vigil-open-service',
          text: { type: 'plain_text', text: 'Open service', emoji: false },
          url: SERVICE_PAGE,
        },
      ],
    });
    const vantage = notice({
      event: 'vantage.suspect',
      incidentKey: 'vantage/bjs/1',
      labels: { vantage: 'bjs' },
    });
    const only = parse(buildRequest(slack, vantage, linked).body).blocks[3];
    expect(only.elements.map((e: { url: string }) => e.url)).toEqual([
      `${CONSOLE}/incidents/vantage%2Fbjs%2F1`,
    ]);
    expect(parse(buildRequest(slack, notice(), opts).body).blocks).toHaveLength(3);
  });

  it('PagerDuty triggers and change events get links; a resolve stays the key alone', () => {
    const awaiting = actionNotice({
      event: 'action.awaiting-approval',
      incidentKey: 'action/act-1/awaiting-approval',
      severity: 'warning',
      resolvable: true,
    });
    expect(parse(buildRequest(pd, awaiting, linked).body).links).toEqual([
      { href: `${CONSOLE}/actions/act-1`, text: 'Open the action in Vigil' },
      { href: SERVICE_PAGE, text: 'Open the service in Vigil' },
    ]);
    expect(parse(buildRequest(pd, actionNotice(), linked).body).links).toHaveLength(2); // a change event
    const endpoint = notice({
      event: 'endpoint.state',
      labels: { service: 'live-edge', idc: 'sha', endpoint: 'live-edge.sha-1' },
    });
    expect(parse(buildRequest(pd, endpoint, linked).body).links[0]).toEqual({
      href: `${CONSOLE}/endpoints/live-edge.sha-1`,
      text: 'Open the endpoint in Vigil',
    });
    expect(parse(buildRequest(pd, notice({ phase: 'resolve' }), linked).body)).not.toHaveProperty('links');
    expect(parse(buildRequest(pd, notice(), opts).body)).not.toHaveProperty('links');
  });
});

describe('buildRequest: slack', () => {
  it('builds header, section and context blocks with a one-line fallback', () => {
    const req = buildRequest(slack, notice(), opts);
    expect(req.url).toBe(slack.webhookUrl);
    expect(req.headers).toEqual({ 'Content-Type': 'application/json', 'User-Agent': 'vigil' });
    expect(parse(req.body)).toEqual({
      text: '🔴 live-edge in sha is UNHEALTHY',
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: '🔴 live-edge in sha is UNHEALTHY', emoji: true },
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '3 of 4 endpoints down.\nVigil proposes shift-away.' },
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: '*critical* · idc.state · service live-edge · IDC sha' }],
        },
      ],
    });
  });

  it.each([
    ['trigger', 'critical', '🔴 '],
    ['trigger', 'error', '🟠 '],
    ['remind', 'warning', '🟡 '],
    ['trigger', 'info', '🔵 '],
    ['resolve', 'critical', '✅ '],
  ] as const)('marker for %s %s is %j', (phase, severity, marker) => {
    expect(slackMarker({ phase, severity })).toBe(marker);
  });

  it('marks reminders, omits absent labels, uses the title when there is no text', () => {
    const n = notice({ phase: 'remind', text: ' ', labels: { event: 'panic' }, event: 'panic' });
    const body = parse(buildRequest(slack, n, opts).body);
    expect(body.blocks[0].text.text).toBe('🔴 Reminder: live-edge in sha is UNHEALTHY');
    expect(body.blocks[1].text.text).toBe('live-edge in sha is UNHEALTHY');
    expect(body.blocks[2].elements[0].text).toBe('*critical* · panic');
  });

  it('escapes &, <, > in mrkdwn and the fallback (no mentions or links from notice text)', () => {
    const n = notice({
      title: 'a <!channel> & b',
      text: '<!here> <https://evil|click> a&b > c',
      labels: { service: 'x<y', idc: 'z&' },
    });
    const body = parse(buildRequest(slack, n, opts).body);
    expect(body.text).toBe('🔴 a &lt;!channel&gt; &amp; b');
    expect(body.blocks[1].text.text).toBe('&lt;!here&gt; &lt;https://evil|click&gt; a&amp;b &gt; c');
    expect(body.blocks[2].elements[0].text).toBe('*critical* · idc.state · service x&lt;y · IDC z&amp;');
    // plain_text is not parsed by Slack: sent as is.
    expect(body.blocks[0].text.text).toBe('🔴 a <!channel> & b');
  });

  it("clips to Slack's limits: header 150, section 3000, fallback one line", () => {
    const n = notice({ title: `${'t'.repeat(200)}\nsecond line`, text: '<'.repeat(5000) });
    const body = parse(buildRequest(slack, n, opts).body);
    expect(body.blocks[0].text.text).toHaveLength(150);
    expect(body.blocks[0].text.text.endsWith('t…')).toBe(true);
    expect(body.blocks[1].text.text.length).toBeLessThanOrEqual(3000);
    expect(body.blocks[1].text.text).toMatch(/^(&lt;)+…$/);
    expect(body.text).not.toContain('\n');
    expect(body.text.length).toBeLessThanOrEqual(300);
  });
});

describe('buildRequest: pagerduty', () => {
  it('a trigger is an alert event keyed by the incident', () => {
    const req = buildRequest(pd, notice(), opts);
    expect(req.url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(req.headers).toEqual({ 'Content-Type': 'application/json', 'User-Agent': 'vigil' });
    expect(parse(req.body)).toEqual({
      routing_key: 'R0UT1NGKEY',
      event_action: 'trigger',
      dedup_key: 'idc/live-edge/sha/1000',
      payload: {
        summary: 'live-edge in sha is UNHEALTHY',
        source: 'live-edge/sha',
        severity: 'critical',
        timestamp: '2030-01-02T03:04:05.678Z',
        component: 'live-edge',
        group: 'sha',
        class: 'idc.state',
        custom_details: {
          text: '3 of 4 endpoints down.\nVigil proposes shift-away.',
          labels: { event: 'idc.state', severity: 'critical', service: 'live-edge', idc: 'sha' },
          details: { state: 'UNHEALTHY', endpoints: ['sha-1', 'sha-2', 'sha-3'] },
        },
      },
      client: 'Vigil',
    });
  });

  it('a reminder is a Change Event, never a trigger that would reopen a resolved alert', () => {
    const remind = buildRequest(
      pd,
      notice({ phase: 'remind', title: 'reminder: live-edge in sha is UNHEALTHY' }),
      opts,
    );
    expect(remind.url).toBe('https://events.pagerduty.com/v2/change/enqueue');
    const body = parse(remind.body);
    expect(body).not.toHaveProperty('event_action');
    expect(body).not.toHaveProperty('dedup_key');
    expect(body.payload).toMatchObject({
      summary: 'reminder: live-edge in sha is UNHEALTHY',
      source: 'live-edge/sha',
    });
  });

  it('an action awaiting approval: a trigger, then a resolve on the same dedup_key', () => {
    const key = 'action/a1/awaiting-approval';
    const awaiting = actionNotice({ incidentKey: key, severity: 'warning', resolvable: true });
    expect(parse(buildRequest(pd, awaiting, opts).body)).toMatchObject({
      event_action: 'trigger',
      dedup_key: key,
    });
    const resolved = parse(buildRequest(pd, { ...awaiting, phase: 'resolve' }, opts).body);
    expect(resolved).toEqual({ routing_key: 'R0UT1NGKEY', event_action: 'resolve', dedup_key: key });
  });

  it('a resolve carries only the key', () => {
    const resolve = buildRequest(pd, notice({ phase: 'resolve', severity: 'info' }), opts);
    expect(resolve.url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(parse(resolve.body)).toEqual({
      routing_key: 'R0UT1NGKEY',
      event_action: 'resolve',
      dedup_key: 'idc/live-edge/sha/1000',
    });
  });

  it("the channel's severity overrides the notice's; source falls back to vantage, then vigil", () => {
    const overridden = parse(buildRequest({ ...pd, severity: 'warning' }, notice(), opts).body);
    expect(overridden.payload.severity).toBe('warning');
    const vantage = parse(buildRequest(pd, notice({ labels: { vantage: 'v-sha-1' } }), opts).body);
    expect(vantage.payload).toMatchObject({ source: 'vantage v-sha-1' });
    expect(vantage.payload).not.toHaveProperty('component');
    expect(vantage.payload).not.toHaveProperty('group');
    expect(parse(buildRequest(pd, notice({ labels: {} }), opts).body).payload.source).toBe('vigil');
  });

  it('summary is one line of at most 1024 characters', () => {
    const body = parse(buildRequest(pd, notice({ title: `${'x'.repeat(2000)}\ny` }), opts).body);
    expect(body.payload.summary).toHaveLength(1024);
    expect(body.payload.summary).toMatch(/^x+…$/);
  });

  it('a one-shot info notice is a Change Event to /v2/change/enqueue', () => {
    const req = buildRequest(pd, actionNotice(), opts);
    expect(req.url).toBe('https://events.pagerduty.com/v2/change/enqueue');
    expect(parse(req.body)).toEqual({
      routing_key: 'R0UT1NGKEY',
      payload: {
        summary: 'shift-away of live-edge from sha executed',
        source: 'live-edge/sha',
        timestamp: new Date(AT).toISOString(),
        custom_details: {
          text: 'weights sha 0, bjs 100',
          labels: actionNotice().labels,
          details: { kind: 'shift-away' },
        },
      },
    });
  });

  it('a one-shot notice above info, and a resolvable info notice, are alerts', () => {
    expect(parse(buildRequest(pd, actionNotice({ severity: 'error' }), opts).body).event_action).toBe(
      'trigger',
    );
    expect(parse(buildRequest(pd, notice({ severity: 'info' }), opts).body).event_action).toBe('trigger');
  });

  it('refuses (not retryable) a change event when the url does not end in /enqueue', () => {
    const odd = { ...pd, url: 'https://proxy.example/pagerduty' };
    expect(() => buildRequest(odd, actionNotice(), opts)).toThrow(
      new DeliveryError(
        'pagerduty channel "pd": cannot send a change event: the url\'s path does not end in /enqueue',
        { retryable: false },
      ),
    );
    try {
      buildRequest(odd, actionNotice(), opts);
    } catch (error) {
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).retryable).toBe(false);
    }
  });

  it.each([
    ['https://events.pagerduty.com/v2/enqueue', 'https://events.pagerduty.com/v2/change/enqueue'],
    ['https://events.eu.pagerduty.com/v2/enqueue/', 'https://events.eu.pagerduty.com/v2/change/enqueue'],
    ['http://127.0.0.1:8080/pd/v2/enqueue?x=1', 'http://127.0.0.1:8080/pd/v2/change/enqueue?x=1'],
    ['https://proxy.example/v2/enqueue-events', undefined],
    ['not a url', undefined],
  ])('changeEventsUrl(%j) = %j', (url, expected) => {
    expect(changeEventsUrl(url)).toBe(expected);
  });

  it('dedup keys past 255 characters are shortened deterministically', () => {
    const long = `idc/${'s'.repeat(300)}/sha/1000`;
    const key = pagerDutyDedupKey(long);
    expect(key).toHaveLength(255);
    expect(pagerDutyDedupKey(long)).toBe(key);
    expect(pagerDutyDedupKey(`${long}1`)).not.toBe(key);
    expect(pagerDutyDedupKey('short')).toBe('short');
  });
});

describe('buildRequest: a traffic drift incident', () => {
  /** The drift incident's trigger and resolve, as the notifier makes them. */
  function driftNotices(): { trigger: Notice; resolve: Notice } {
    const settings = { groupWaitMs: 1000 };
    const drift = driftEvent({ service: 'live-edge', at: 1000, drifting: true, reason: 'sha 100 != 60' });
    const opened = stepIncidents({ incidents: {} }, [{ kind: 'traffic', event: drift }], 2000, settings);
    const back = driftEvent({ service: 'live-edge', at: 3000, drifting: false, reason: 'weights agree' });
    const closed = stepIncidents(opened.book, [{ kind: 'traffic', event: back }], 3000, settings);
    return { trigger: opened.notices[0], resolve: closed.notices[0] };
  }

  it('PagerDuty: trigger and resolve share the incident key as dedup_key; links go to the service', () => {
    const { trigger, resolve } = driftNotices();
    const sent = parse(buildRequest(pd, trigger, linked).body);
    expect(sent).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'traffic/live-edge/1000',
      payload: { severity: 'warning', source: 'live-edge', component: 'live-edge', class: 'traffic.drift' },
      links: [{ href: SERVICE_PAGE, text: 'Open the service in Vigil' }],
    });
    expect(sent.payload.summary).toBe('traffic manager of live-edge differs from Vigil');
    expect(parse(buildRequest(pd, resolve, linked).body)).toEqual({
      routing_key: pd.routingKey,
      event_action: 'resolve',
      dedup_key: 'traffic/live-edge/1000',
    });
  });

  it('Slack: one button, to the service; webhook: the links and the incident key', () => {
    const { trigger, resolve } = driftNotices();
    const blocks = parse(buildRequest(slack, trigger, linked).body).blocks;
    expect(blocks[2].elements[0].text).toBe('*warning* · traffic.drift · service live-edge');
    expect(blocks[3].elements.map((e: { url: string }) => e.url)).toEqual([SERVICE_PAGE]);
    expect(parse(buildRequest(webhook, resolve, linked).body)).toMatchObject({
      incidentKey: 'traffic/live-edge/1000',
      event: 'traffic.drift',
      status: 'resolved',
      links: { console: SERVICE_PAGE, service: SERVICE_PAGE },
    });
  });
});
