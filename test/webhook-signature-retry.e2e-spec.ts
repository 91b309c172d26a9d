import { signatureHeaders } from '@libs/traffic';
import { call, type Reply } from './support/http';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

const SIGNING_SECRET = 'signature-retry-secret-for-tests';

/** A signature is used up only by a request that succeeded; a failed one may be retried, byte for byte. */
describe('signed webhooks: a failed request does not use up its signature', () => {
  let vigil: VigilUnderTest;

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api', VIGIL_SECRET_KEY: 'signature-retry-test-secret-key' });
    const res = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: {
        apiVersion: 'vigil/v1',
        idcs: [{ name: 'sha', capacity: 1 }],
        services: [],
        alerts: { signingSecret: { value: SIGNING_SECRET } },
      },
    });
    expect([res.status, res.body.message]).toEqual([200, undefined]);
  });
  afterAll(async () => {
    await vigil?.close();
  });

  /** Posts `body` to the generic webhook with the given signature headers and no API key. */
  const post = (body: string, headers: Record<string, string>): Promise<Reply> =>
    call(vigil.url, 'POST', '/api/v1/webhooks/generic', {
      body,
      contentType: 'application/json',
      headers,
    });
  const receivedCount = async (name: string) =>
    (
      await vigil.sql<{ n: number }>(
        `SELECT coalesce(sum(received_count), 0)::int AS n FROM alerts WHERE name = $1`,
        [name],
      )
    )[0].n;

  it('answers a signed body that fails validation with 400 again when retried, not 401', async () => {
    const body = JSON.stringify({ alerts: [{ name: 'BadLabels', labels: { idc: 5 } }] });
    const headers = signatureHeaders(SIGNING_SECRET, body);
    const first = await post(body, headers);
    expect([first.status, first.body.message]).toEqual([400, 'alerts[0].labels.idc: expected a string']);
    const retry = await post(body, headers);
    expect([retry.status, retry.body.message]).toEqual([400, 'alerts[0].labels.idc: expected a string']);
  });

  it('takes the retry of a body the store failed (5xx) once the store is back, stores it once, and refuses its replay', async () => {
    const body = JSON.stringify({ alerts: [{ name: 'StoreDown', labels: { idc: 'sha' } }] });
    const headers = signatureHeaders(SIGNING_SECRET, body);
    // The store fails: its table is away (the signature check reads config_versions, not this).
    await vigil.sql('ALTER TABLE alerts RENAME TO alerts_away');
    let failed: Reply;
    try {
      failed = await post(body, headers);
    } finally {
      await vigil.sql('ALTER TABLE alerts_away RENAME TO alerts');
    }
    expect(failed.status).toBe(500);

    const retry = await post(body, headers);
    expect([retry.status, retry.body]).toEqual([200, { received: 1, firing: 1, resolved: 0 }]);
    expect(await receivedCount('StoreDown')).toBe(1);

    const replay = await post(body, headers);
    expect([replay.status, replay.body.message]).toEqual([401, 'replayed: this signature was already used']);
    expect(await receivedCount('StoreDown')).toBe(1);
  });

  it('stores one of two identical signed requests sent at once, and refuses the other as a replay', async () => {
    const body = JSON.stringify({ alerts: [{ name: 'Twice', labels: { idc: 'sha' } }] });
    const headers = signatureHeaders(SIGNING_SECRET, body);
    const replies = await Promise.all([post(body, headers), post(body, headers)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 401]);
    expect(replies.find((r) => r.status === 401)?.body.message).toMatch(/^replayed: /);
    expect(await receivedCount('Twice')).toBe(1);
  });
});
