import { verifySignature } from '@libs/traffic';
import { deliver } from './deliver';
import type { ChannelTarget } from './target';
import { actionNotice, notice } from './testing/notices';
import { startReceiver, type Receiver } from '@libs/fleet';

/** Each format as a real receiver gets it, over loopback HTTP. */
describe('deliver to a loopback receiver', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it('webhook: signed JSON; the signature verifies over the raw body received', async () => {
    const target: ChannelTarget = {
      type: 'webhook',
      name: 'hook',
      url: `${receiver.url}/vigil`,
      secret: 'k1',
    };
    const nowMs = Date.now();
    await expect(deliver(target, notice(), { idempotencyKey: 'n-1/hook', nowMs })).resolves.toEqual({
      status: 200,
    });
    expect(receiver.requests).toHaveLength(1);
    const [got] = receiver.requests;
    expect(got).toMatchObject({ method: 'POST', path: '/vigil' });
    expect(got.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'vigil',
      'idempotency-key': 'n-1/hook',
      'x-vigil-timestamp': String(Math.floor(nowMs / 1000)),
    });
    expect(verifySignature('k1', got.headers, got.body, Date.now())).toMatchObject({ ok: true });
    expect(verifySignature('k2', got.headers, got.body, Date.now())).toMatchObject({ ok: false });
    expect(JSON.parse(got.body)).toMatchObject({
      version: '1',
      id: 'n-1/hook',
      notice: notice().id,
      incidentKey: notice().incidentKey,
      status: 'firing',
      severity: 'critical',
    });
  });

  it('slack: Block Kit JSON to the webhook URL', async () => {
    const target: ChannelTarget = {
      type: 'slack',
      name: 'ops',
      webhookUrl: `${receiver.url}/services/T/B/tok`,
    };
    await expect(
      deliver(target, notice({ phase: 'resolve' }), { idempotencyKey: 'n-2/ops' }),
    ).resolves.toEqual({ status: 200 });
    const [got] = receiver.requests;
    expect(got).toMatchObject({ method: 'POST', path: '/services/T/B/tok' });
    expect(got.headers['content-type']).toBe('application/json');
    const body = JSON.parse(got.body);
    expect(body.text).toBe('✅ live-edge in sha is UNHEALTHY');
    expect(body.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('pagerduty: trigger and resolve share one dedup_key; a reminder is a change event', async () => {
    receiver.reply = {
      status: 202,
      body: '{"status":"success","message":"Event processed","dedup_key":"x"}',
    };
    const target: ChannelTarget = {
      type: 'pagerduty',
      name: 'pd',
      url: `${receiver.url}/v2/enqueue`,
      routingKey: 'rk-123',
    };
    for (const phase of ['trigger', 'remind', 'resolve'] as const) {
      await expect(deliver(target, notice({ phase }), { idempotencyKey: `n/${phase}` })).resolves.toEqual({
        status: 202,
      });
    }
    // A reminder never re-triggers: that would reopen an alert a human resolved in PagerDuty.
    expect(receiver.requests.map((r) => r.path)).toEqual([
      '/v2/enqueue',
      '/v2/change/enqueue',
      '/v2/enqueue',
    ]);
    const bodies = receiver.requests.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => [b.event_action, b.dedup_key, b.routing_key])).toEqual([
      ['trigger', 'idc/live-edge/sha/1000', 'rk-123'],
      [undefined, undefined, 'rk-123'],
      ['resolve', 'idc/live-edge/sha/1000', 'rk-123'],
    ]);
  });

  it('pagerduty: a one-shot info notice goes to /v2/change/enqueue as a change event', async () => {
    receiver.reply = { status: 202, body: '{"status":"success"}' };
    const target: ChannelTarget = {
      type: 'pagerduty',
      name: 'pd',
      url: `${receiver.url}/v2/enqueue`,
      routingKey: 'rk-123',
    };
    await expect(deliver(target, actionNotice(), { idempotencyKey: 'a-1/pd' })).resolves.toEqual({
      status: 202,
    });
    const [got] = receiver.requests;
    expect(got.path).toBe('/v2/change/enqueue');
    const body = JSON.parse(got.body);
    expect(body).toEqual({ routing_key: 'rk-123', payload: expect.any(Object) });
    expect(body).not.toHaveProperty('event_action');
    expect(body).not.toHaveProperty('dedup_key');
    expect(body.payload.summary).toBe('shift-away of live-edge from sha executed');
  });

  it.each<[string, (url: string) => ChannelTarget, string[]]>([
    [
      'teams',
      (url) => ({
        type: 'teams',
        name: 'ops',
        webhookUrl: `${url}/workflows/SECRETPATH/invoke?sig=SIGSECRET`,
      }),
      ['SECRETPATH', 'SIGSECRET'],
    ],
    [
      'lark',
      (url) => ({ type: 'lark', name: 'cn', webhookUrl: `${url}/hook/LARKTOKEN`, signingSecret: 'LARKSIGN' }),
      ['LARKTOKEN', 'LARKSIGN'],
    ],
    [
      'opsgenie',
      (url) => ({ type: 'opsgenie', name: 'og', apiUrl: url, apiKey: 'GENIEKEYVALUE' }),
      ['GENIEKEYVALUE'],
    ],
  ])(
    '%s: an error names the channel and never repeats its secrets, even echoed',
    async (_type, make, secrets) => {
      const target = make(receiver.url);
      receiver.reply = (req) => ({
        status: 400,
        body: JSON.stringify({
          message: `bad request to ${req.path} with ${JSON.stringify(req.headers)} ${secrets.join(' ')}`,
        }),
      });
      const error = await deliver(target, notice(), { idempotencyKey: 'n-9' }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(new RegExp(`^${target.type} channel "${target.name}": HTTP 400`));
      for (const secret of secrets) expect(error?.message).not.toContain(secret);
    },
  );
});
