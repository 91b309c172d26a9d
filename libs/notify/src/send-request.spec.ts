import { deliver } from './deliver';
import { DeliveryError } from './delivery-error';
import { sendRequest } from './send-request';
import type { ChannelTarget, OutboundRequest } from './target';
import { notice } from './testing/notices';
import { refusingUrl, startReceiver, type Receiver } from '@libs/fleet';

const SLACK_PATH = '/services/T0SECRET/B0SECRET/XXXXslacktokenXXXX';
const ROUTING_KEY = 'pdroutingkey0123456789abcdef0123';

/** The DeliveryError a promise rejects with (fails the test when it resolves or throws anything else). */
async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('sendRequest', () => {
  let receiver: Receiver;
  const req = (): OutboundRequest => ({
    url: `${receiver.url}/in`,
    headers: { 'Content-Type': 'application/json' },
    body: '{"a":1}',
  });
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it('2xx is ok; the exact body and headers are sent', async () => {
    receiver.reply = { status: 204 };
    await expect(sendRequest(req())).resolves.toEqual({ status: 204 });
    expect(receiver.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/in',
        body: '{"a":1}',
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
      }),
    ]);
  });

  it('a 2xx that answerError reads as a refusal fails, retryable as it says, secrets cut out', async () => {
    receiver.reply = { status: 200, body: '{"code":19021,"msg":"bad sign for s3cr3t-value"}' };
    const answerError = (answer: string) => {
      const { code, msg } = JSON.parse(answer) as { code: number; msg: string };
      return code === 0 ? undefined : { retryable: code === 11232, detail: `code ${code}: ${msg}` };
    };
    const refused = await failure(
      sendRequest(req(), { label: 'lark channel "x"', secrets: ['s3cr3t-value'], answerError }),
    );
    expect(refused).toMatchObject({ retryable: false, status: 200 });
    expect(refused.message).toBe('lark channel "x": HTTP 200: code 19021: bad sign for <redacted>');
    receiver.reply = { status: 200, body: '{"code":11232,"msg":"frequency limited"}' };
    expect(await failure(sendRequest(req(), { answerError }))).toMatchObject({ retryable: true });
    receiver.reply = { status: 200, body: '{"code":0}' };
    await expect(sendRequest(req(), { answerError })).resolves.toEqual({ status: 200 });
  });

  it('a 2xx with a large answer is ok (the answer is read capped and dropped)', async () => {
    receiver.reply = { status: 200, body: 'x'.repeat(1_000_000) };
    await expect(sendRequest(req())).resolves.toEqual({ status: 200 });
  });

  it.each([500, 502, 503, 429, 408, 425])('HTTP %i is retryable', async (status) => {
    receiver.reply = { status, body: 'Server Busy, try later' };
    const error = await failure(sendRequest(req(), { label: 'test' }));
    expect(error).toMatchObject({ retryable: true, status, message: `test: HTTP ${status}` });
    expect(receiver.requests).toHaveLength(1); // one request: retries are the caller's
  });

  it('keeps Retry-After for the caller', async () => {
    receiver.reply = { status: 429, headers: { 'retry-after': '30' } };
    const error = await failure(sendRequest(req()));
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 30_000 });
    expect(error.message).toBe(`POST ${receiver.url}: HTTP 429`);
  });

  it.each([400, 401, 403, 404, 410])('HTTP %i is not retryable', async (status) => {
    receiver.reply = { status };
    const error = await failure(sendRequest(req()));
    expect(error).toMatchObject({ retryable: false, status });
  });

  it('a redirect is not followed and not retryable', async () => {
    receiver.reply = { status: 301, headers: { location: '/elsewhere' } };
    const error = await failure(sendRequest(req(), { label: 'test' }));
    expect(error).toMatchObject({ retryable: false, status: 301 });
    expect(error.message).toBe('test: HTTP 301 (redirects are not followed)');
    expect(receiver.requests.map((r) => r.path)).toEqual(['/in']);
  });

  it('keeps a Slack-style error word from the answer', async () => {
    receiver.reply = { status: 404, body: 'channel_not_found' };
    const error = await failure(sendRequest(req(), { label: 't' }));
    expect(error).toMatchObject({ message: 't: HTTP 404: channel_not_found', detail: 'channel_not_found' });
    receiver.reply = { status: 400, body: 'Bad request: <html>...</html>' };
    expect((await failure(sendRequest(req(), { label: 't' }))).message).toBe('t: HTTP 400');
  });

  it("keeps a short excerpt of a JSON answer's message and errors (PagerDuty's 400)", async () => {
    receiver.reply = {
      status: 400,
      body: JSON.stringify({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ["'payload.severity' is invalid (must be one of: critical, error, warning, info)"],
      }),
    };
    const error = await failure(sendRequest(req(), { label: 't' }));
    const detail =
      "Event object is invalid; 'payload.severity' is invalid (must be one of: critical, error, warning, info)";
    expect(error).toMatchObject({ retryable: false, status: 400, message: `t: HTTP 400: ${detail}`, detail });

    receiver.reply = { status: 400, body: '{"status":"invalid event","errors":["x"]}' };
    expect((await failure(sendRequest(req(), { label: 't' }))).message).toBe('t: HTTP 400: invalid event; x');
    receiver.reply = { status: 400, body: JSON.stringify({ message: 'too long '.repeat(100) }) };
    expect((await failure(sendRequest(req(), { label: 't' }))).detail).toHaveLength(200);
  });

  it('connection refused is retryable', async () => {
    const url = await refusingUrl();
    const error = await failure(sendRequest({ ...req(), url: `${url}/in` }, { label: 'test' }));
    expect(error).toMatchObject({
      retryable: true,
      code: 'ECONNREFUSED',
      message: 'test: connection refused',
    });
    expect(error.status).toBeUndefined();
  });

  it('a receiver that never answers times out (retryable)', async () => {
    receiver.reply = 'hang';
    const error = await failure(sendRequest(req(), { label: 'test', timeoutMs: 200 }));
    expect(error).toMatchObject({ retryable: true, code: 'TIMEOUT', message: 'test: timed out after 200ms' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('an invalid or non-http url is refused before sending, without echoing it', async () => {
    for (const url of ['not a url', 'ftp://host/secret-path']) {
      const error = await failure(sendRequest({ ...req(), url }));
      expect(error).toMatchObject({ retryable: false, code: 'INVALID_REQUEST' });
      expect(error.message).not.toContain('secret-path');
    }
  });
});

describe('deliver: errors never carry secrets', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  /** Every way to fail, for a target built on `base` (the receiver, or a refusing port). */
  async function errorsFor(makeTarget: (base: string) => ChannelTarget): Promise<DeliveryError[]> {
    const errors: DeliveryError[] = [];
    const idempotencyKey = 'n-1/x';
    for (const reply of [
      { status: 500 },
      { status: 400 },
      { status: 404, body: 'no_service' },
      'hang',
    ] as const) {
      receiver.reply = reply;
      errors.push(
        await failure(deliver(makeTarget(receiver.url), notice(), { idempotencyKey, timeoutMs: 200 })),
      );
    }
    const refused = await refusingUrl();
    errors.push(await failure(deliver(makeTarget(refused), notice(), { idempotencyKey })));
    return errors;
  }

  it('slack: messages name the channel, never the webhook URL', async () => {
    const errors = await errorsFor((base) => ({ type: 'slack', name: 'ops', webhookUrl: base + SLACK_PATH }));
    expect(errors.map((e) => [e.message, e.retryable])).toEqual([
      ['slack channel "ops": HTTP 500', true],
      ['slack channel "ops": HTTP 400', false],
      ['slack channel "ops": HTTP 404: no_service', false],
      ['slack channel "ops": timed out after 200ms', true],
      ['slack channel "ops": connection refused', true],
    ]);
    for (const error of errors) {
      const text = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`;
      expect(text).not.toContain('T0SECRET');
      expect(text).not.toContain('slacktoken');
    }
  });

  it('pagerduty: messages never hold the routing key', async () => {
    const errors = await errorsFor((base) => ({
      type: 'pagerduty',
      name: 'pd',
      url: `${base}/v2/enqueue`,
      routingKey: ROUTING_KEY,
    }));
    expect(errors.map((e) => e.message)).toEqual([
      'pagerduty channel "pd": HTTP 500',
      'pagerduty channel "pd": HTTP 400',
      'pagerduty channel "pd": HTTP 404: no_service',
      'pagerduty channel "pd": timed out after 200ms',
      'pagerduty channel "pd": connection refused',
    ]);
    for (const error of errors) {
      expect(`${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`).not.toContain(ROUTING_KEY);
    }
    // The key did go out, in the body.
    expect(JSON.parse(receiver.requests[0].body).routing_key).toBe(ROUTING_KEY);
  });

  it('an answer that echoes a secret, a url or a key-like token has them cut out', async () => {
    const slackUrl = `${receiver.url}${SLACK_PATH}`;
    const echo = (secret: string) => ({
      status: 400,
      body: JSON.stringify({
        message: 'Event object is invalid',
        errors: [`bad key ${secret}`, `see ${slackUrl}`, 'token abcdefghijklmnopqrstuvwxyz0123'],
      }),
    });
    const pd: ChannelTarget = {
      type: 'pagerduty',
      name: 'pd',
      url: `${receiver.url}/v2/enqueue`,
      routingKey: 'k3y',
    };
    receiver.reply = echo('k3y');
    const error = await failure(deliver(pd, notice(), { idempotencyKey: 'n-1/pd' }));
    expect(error.message).toBe(
      'pagerduty channel "pd": HTTP 400: Event object is invalid; bad key <redacted>; see <url>; token <redacted>',
    );
    const slack: ChannelTarget = { type: 'slack', name: 'ops', webhookUrl: slackUrl };
    receiver.reply = echo(SLACK_PATH);
    const text = JSON.stringify(await failure(deliver(slack, notice(), { idempotencyKey: 'n-1/ops' })));
    expect(text).not.toContain('T0SECRET');
    expect(text).toContain('bad key <redacted>');
  });
});
