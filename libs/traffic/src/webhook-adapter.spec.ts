import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { startTrafficManager, type FakeTrafficManager } from '@libs/fleet';
import { WeightChange } from './adapter';
import { parseRetryAfter, WebhookAdapter, WebhookAdapterOptions } from './webhook-adapter';

const SECRET = 'tm-secret';
const change = (over: Partial<WeightChange> = {}): WeightChange => ({
  service: 'edge',
  weights: { sha: 25, bjs: 75 },
  actionId: 'act-1',
  step: 1,
  idempotencyKey: 'act-1/1',
  reason: 'sha unhealthy',
  ...over,
});
// Fast retries for tests; the defaults (250 ms doubling) are covered by the 429 test's minimum wait.
const FAST = { backoffBaseMs: 10, backoffMaxMs: 40 };

describe('WebhookAdapter against the fake traffic manager', () => {
  let manager: FakeTrafficManager;
  const adapter = (over: Partial<WebhookAdapterOptions> = {}) =>
    new WebhookAdapter({ url: manager.url, secret: SECRET, ...FAST, ...over });

  beforeEach(async () => {
    manager = await startTrafficManager({ secret: SECRET });
  });
  afterEach(() => manager.close());

  it('applies a change: signed JSON, one request, ok', async () => {
    const before = Date.now();
    const result = await adapter().apply(change());
    expect(result).toMatchObject({ ok: true, attempts: 1, status: 200, detail: 'HTTP 200 (attempt 1 of 4)' });
    expect(result.appliedAt).toBeGreaterThanOrEqual(before);
    expect(manager.unauthorized).toBe(0);
    expect(manager.received()).toEqual([
      {
        method: 'POST',
        idempotencyKey: 'act-1/1',
        contentType: 'application/json',
        status: 200,
        signed: true,
      },
    ]);
    expect(manager.applied('edge')).toEqual([{ ...change(), at: expect.any(Number) }]);
    expect(manager.weights('edge')).toEqual({ sha: 25, bjs: 75 });
  });

  it('is refused (401, not retried) when the secret differs: the signature is verified', async () => {
    const result = await adapter({ secret: 'wrong' }).apply(change());
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 401, uncertain: false });
    expect(result.detail).toMatch(
      /^HTTP 401: \{"error":"signature does not match"\} \(attempt 1 of 4, not retried\)$/,
    );
    expect(manager.applied()).toEqual([]);
  });

  it('retries after 500s with the same idempotency key, then succeeds; applied once', async () => {
    manager.failNext(2, { status: 500 });
    const result = await adapter().apply(change());
    expect(result).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(manager.received().map((r) => [r.idempotencyKey, r.status])).toEqual([
      ['act-1/1', 500],
      ['act-1/1', 500],
      ['act-1/1', 200],
    ]);
    expect(manager.applied()).toHaveLength(1);
  });

  it('sends the fencing token in the signed body and a header; the receiver refuses an older one', async () => {
    expect(await adapter().apply(change({ fencingToken: 4 }))).toMatchObject({ ok: true });
    expect(manager.received()[0].fencingToken).toBe(4);
    expect(manager.applied()[0].fencingToken).toBe(4);
    const stale = await adapter().apply(change({ fencingToken: 3, idempotencyKey: 'act-1/2', step: 2 }));
    expect(stale).toMatchObject({ ok: false, attempts: 1, status: 409, uncertain: false });
    expect(manager.applied()).toHaveLength(1);
  });

  it('asks the fence before every attempt and sends nothing more once it says no', async () => {
    manager.failNext(1, { status: 503 });
    const answers = [true, false];
    const fence = () => Promise.resolve(answers.shift() ?? false);
    const result = await adapter().apply(change({ fencingToken: 2 }), undefined, fence);
    expect(result).toMatchObject({ ok: false, attempts: 1, fenced: true, uncertain: true });
    expect(result.detail).toMatch(/no longer leads .*HTTP 503/);
    expect(manager.requests).toBe(1);
    const refused = await adapter().apply(change(), undefined, () => Promise.reject(new Error('redis down')));
    expect(refused).toMatchObject({ ok: false, attempts: 0, fenced: true });
    expect(refused.uncertain).toBeUndefined();
    expect(manager.requests).toBe(1);
  });

  it('a retry after an answer lost (applied, then 503) is deduped by key: applied once', async () => {
    manager.failNext(1, { status: 503, afterApply: true });
    const result = await adapter().apply(change());
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(manager.replays).toBe(1);
    expect(manager.applied()).toHaveLength(1);
    // The executor's own retry after a crash, with the same key, is deduped too.
    expect(await adapter().apply(change())).toMatchObject({ ok: true, attempts: 1 });
    expect(manager.applied()).toHaveLength(1);
  });

  it('waits for Retry-After on 429', async () => {
    manager.failNext(1, { status: 429, retryAfter: 1 });
    const started = Date.now();
    const result = await adapter().apply(change());
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('caps a long Retry-After at retryAfterMaxMs', async () => {
    manager.failNext(1, { status: 429, retryAfter: 3600 });
    const started = Date.now();
    const result = await adapter({ retryAfterMaxMs: 150 }).apply(change());
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not retry a 400; detail holds the first 200 characters of the body', async () => {
    const body = 'x'.repeat(150) + 'y'.repeat(150);
    manager.failNext(1, { status: 400, body });
    const result = await adapter().apply(change());
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 400, uncertain: false });
    expect(result.detail).toBe(`HTTP 400: ${'x'.repeat(150)}${'y'.repeat(50)} (attempt 1 of 4, not retried)`);
    expect(manager.requests).toBe(1);
  });

  it('gives up after maxAttempts 5xx answers', async () => {
    manager.failNext(10, { status: 503, body: 'maintenance' });
    const result = await adapter({ maxAttempts: 3 }).apply(change());
    expect(result).toMatchObject({ ok: false, attempts: 3, status: 503, uncertain: true });
    expect(result.detail).toBe('HTTP 503: maintenance (attempt 3 of 3, giving up)');
    expect(manager.requests).toBe(3);
  });

  it('times out a hanging manager and fails within the overall deadline', async () => {
    manager.failNext(10, { hang: true });
    const started = Date.now();
    const result = await adapter({ timeoutMs: 200, deadlineMs: 700 }).apply(change());
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ ok: false, uncertain: true });
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(result.detail).toMatch(/^timeout/);
    expect(elapsed).toBeLessThan(900);
    expect(manager.applied()).toEqual([]);
  });

  it('a signal aborts the attempt in flight', async () => {
    manager.failNext(1, { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await adapter().apply(change(), controller.signal);
    expect(result).toMatchObject({
      ok: false,
      attempts: 1,
      detail: 'aborted (attempt 1 of 4)',
      uncertain: true,
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a signal aborts the wait between attempts, and an aborted signal sends nothing', async () => {
    manager.failNext(1, { status: 429, retryAfter: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await adapter().apply(change(), controller.signal);
    expect(result).toMatchObject({ ok: false, attempts: 1, detail: 'aborted (attempt 1 of 4)' });
    expect(manager.requests).toBe(1);
    expect(await adapter().apply(change(), controller.signal)).toEqual({
      ok: false,
      attempts: 0,
      detail: 'aborted before sending',
    });
    expect(manager.requests).toBe(1);
  });

  it('refuses an invalid change without sending it', async () => {
    const result = await adapter().apply(change({ weights: { sha: 30, bjs: 60 } }));
    expect(result).toEqual({
      ok: false,
      attempts: 0,
      detail: 'invalid weight change: weights must sum to 100, got 90',
    });
    expect(manager.requests).toBe(0);
  });

  it('sends unsigned requests without a secret', async () => {
    const open = await startTrafficManager();
    try {
      const result = await new WebhookAdapter({ url: open.url }).apply(change());
      expect(result.ok).toBe(true);
      expect(open.received()[0].signed).toBe(false);
    } finally {
      await open.close();
    }
  });
});

describe('WebhookAdapter on network errors', () => {
  it('retries a refused connection maxAttempts times, logging each retry', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const logged: Array<Record<string, unknown>> = [];
    const adapter = new WebhookAdapter({
      url: `http://127.0.0.1:${port}/w`,
      ...FAST,
      log: (_m, f) => logged.push(f),
    });
    const result = await adapter.apply(change());
    expect(result).toMatchObject({ ok: false, attempts: 4, uncertain: true });
    expect(result.status).toBeUndefined();
    expect(result.detail).toMatch(/^network error: .*ECONNREFUSED.*\(attempt 4 of 4, giving up\)$/);
    expect(logged.map((f) => f.attempt)).toEqual([1, 2, 3]);
    expect(logged[0]).toMatchObject({ service: 'edge', key: 'act-1/1' });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
