import { request } from 'undici';
import { signatureHeaders } from '@libs/traffic';
import { startTrafficManager, type FakeTrafficManager } from './traffic-manager';

const SECRET = 's3cret';
const change = (over: Record<string, unknown> = {}) => ({
  service: 'edge',
  weights: { sha: 40, bjs: 60 },
  actionId: 'act-9',
  step: 2,
  idempotencyKey: 'act-9/2',
  ...over,
});

/** POSTs `body` signed with `secret` (unless null); returns status, headers and parsed body. */
async function post(
  manager: FakeTrafficManager,
  body: unknown,
  { secret = SECRET as string | null, key = 'act-9/2' as string | undefined, nowMs = Date.now() } = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(key === undefined ? {} : { 'idempotency-key': key }),
    ...(secret === null ? {} : signatureHeaders(secret, text, nowMs)),
  };
  const res = await request(manager.url, { method: 'POST', headers, body: text, headersTimeout: 2000 });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (await res.body.json()) as Record<string, any>,
  };
}

describe('startTrafficManager (fake GSLB)', () => {
  let manager: FakeTrafficManager;
  beforeEach(async () => {
    manager = await startTrafficManager({ secret: SECRET });
  });
  afterEach(() => manager.close());

  it('listens on 127.0.0.1 and applies a signed change with its time', async () => {
    expect(manager.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/weights$/);
    const res = await post(manager, change({ reason: 'drill' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, service: 'edge', weights: { sha: 40, bjs: 60 } });
    expect(manager.applied('edge')).toEqual([{ ...change({ reason: 'drill' }), at: res.body.appliedAt }]);
    expect(manager.applied('other')).toEqual([]);
    expect(manager.weights('edge')).toEqual({ sha: 40, bjs: 60 });
    const state = await request(manager.url);
    expect(await state.body.json()).toEqual({ services: { edge: { sha: 40, bjs: 60 } } });
  });

  it('answers 401 to an unsigned, wrongly signed or stale request, and applies nothing', async () => {
    expect((await post(manager, change(), { secret: null })).status).toBe(401);
    const wrong = await post(manager, change(), { secret: 'other' });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'signature does not match' } });
    const stale = await post(manager, change(), { nowMs: Date.now() - 600_000 });
    expect(stale).toMatchObject({ status: 401, body: { error: expect.stringMatching(/tolerance/) } });
    expect(manager.unauthorized).toBe(3);
    expect(manager.applied()).toEqual([]);
  });

  it('dedupes by idempotency key: the first answer again, applied once; a reused key with another body is 422', async () => {
    const first = await post(manager, change());
    const again = await post(manager, change());
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(manager.replays).toBe(1);
    expect(manager.applied()).toHaveLength(1);
    const reused = await post(manager, change({ weights: { sha: 0, bjs: 100 } }));
    expect(reused.status).toBe(422);
    expect(manager.applied()).toHaveLength(1);
    expect(manager.requests).toBe(3);
  });

  it('refuses (409) a fencing token older than the newest accepted; a new token replays an old key', async () => {
    expect((await post(manager, change({ fencingToken: 7 }))).status).toBe(200);
    const older = await post(manager, change({ fencingToken: 6, idempotencyKey: 'act-9/3' }), {
      key: 'act-9/3',
    });
    expect(older).toMatchObject({ status: 409, body: { error: expect.stringMatching(/older than 7/) } });
    const newer = await post(manager, change({ fencingToken: 8 }));
    expect(newer).toMatchObject({ status: 200, headers: { 'idempotent-replayed': 'true' } });
    expect((await post(manager, change({ fencingToken: 7 }))).status).toBe(409);
    expect(manager.fencingToken).toBe(8);
    expect(manager.applied().map((c) => c.fencingToken)).toEqual([7]);
  });

  it('answers 400 to an invalid change or mismatched keys', async () => {
    expect((await post(manager, 'not json')).status).toBe(400);
    const bad = await post(manager, change({ weights: { sha: 40, bjs: 40 } }));
    expect(bad).toMatchObject({ status: 400, body: { error: 'weights must sum to 100, got 80' } });
    expect((await post(manager, change(), { key: 'other' })).status).toBe(400);
    expect(manager.applied()).toEqual([]);
  });

  it('fails the next requests with a status and Retry-After, then recovers', async () => {
    manager.failNext(2, { status: 429, retryAfter: 3 });
    const first = await post(manager, change());
    expect(first).toMatchObject({ status: 429, body: { error: 'injected fault 429' } });
    expect(first.headers['retry-after']).toBe('3');
    expect((await post(manager, change())).status).toBe(429);
    expect((await post(manager, change())).status).toBe(200);
    expect(manager.received().map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('afterApply: applies, answers the fault, and replays the 200 to the retry', async () => {
    manager.failNext(1, { status: 500, afterApply: true });
    expect((await post(manager, change())).status).toBe(500);
    expect(manager.applied()).toHaveLength(1);
    const retry = await post(manager, change());
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(manager.applied()).toHaveLength(1);
  });

  it('hangs when told to, and close() still returns', async () => {
    await manager.close();
    manager = await startTrafficManager({ secret: SECRET, failNext: { count: 1, hang: true } });
    const text = JSON.stringify(change());
    const pending = request(manager.url, {
      method: 'POST',
      body: text,
      headers: signatureHeaders(SECRET, text),
      headersTimeout: 300,
    });
    await expect(pending).rejects.toThrow(/timeout/i);
    expect(manager.received()).toHaveLength(1);
    expect(manager.received()[0].status).toBeUndefined();
    expect((await post(manager, change())).status).toBe(200);
  });

  it('answers 413 to a body over 64 KiB', async () => {
    const res = await post(manager, change({ reason: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
  });
});
