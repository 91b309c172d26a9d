import { PowerDnsAdapter, type PowerDnsAdapterOptions } from './powerdns-adapter';

// Nothing listens on port 9 of 127.0.0.1 (discard): the specs below must refuse before sending.
const options: PowerDnsAdapterOptions = {
  url: 'http://127.0.0.1:9',
  apiKey: 'unit-key',
  serverId: 'localhost',
  zone: 'example.org.',
  name: 'live.example.org.',
  recordType: 'A',
  selector: 'pickwrandom',
  ttlSeconds: 30,
  addresses: { sha: ['192.0.2.1'], bj: ['192.0.2.2'] },
};
const change = {
  service: 'edge',
  weights: { sha: 50, bj: 50 },
  actionId: 'a',
  step: 1,
  idempotencyKey: 'a/1',
};

describe('PowerDnsAdapter', () => {
  it('is the powerdns kind, drains no endpoints and exposes the TTL as its propagation delay', () => {
    const adapter = new PowerDnsAdapter(options);
    expect(adapter.kind).toBe('powerdns');
    expect(adapter.drainsEndpoints).toBe(false);
    expect(adapter.propagationDelayMs).toBe(30_000);
    expect(String(adapter)).toBe('powerdns http://127.0.0.1:9');
  });

  it.each<[Partial<PowerDnsAdapterOptions>, string]>([
    [{ url: 'not a url' }, 'url is not a valid URL'],
    [{ apiKey: '' }, 'apiKey must be a non-empty single line'],
    [{ apiKey: 'a\nb' }, 'apiKey must be a non-empty single line'],
    [{ ttlSeconds: 0 }, 'ttlSeconds must be an integer ≥ 1, got 0'],
    [
      { addresses: { sha: ['2001:db8::1'] } },
      'addresses.sha: 2001:db8::1 is not an IPv4 address (recordType A)',
    ],
    [{ recordType: 'AAAA' }, 'addresses.sha: 192.0.2.1 is not an IPv6 address (recordType AAAA)'],
    [
      { addresses: { sha: ['192.0.2.1'], bj: ['192.0.2.1'] } },
      'address 192.0.2.1 is listed for both sha and bj',
    ],
    [{ addresses: { sha: [] } }, 'addresses.sha is empty'],
    [{ timeoutMs: -1 }, 'timeoutMs must be a positive number, got -1'],
  ])('refuses options %j', (bad, message) => {
    expect(() => new PowerDnsAdapter({ ...options, ...bad })).toThrow(message);
  });

  it('refuses an invalid change before sending', async () => {
    const adapter = new PowerDnsAdapter(options);
    expect(await adapter.apply({ ...change, weights: { sha: 50, bj: 40 } })).toEqual({
      ok: false,
      attempts: 0,
      detail: 'invalid weight change: weights must sum to 100, got 90',
    });
  });

  it('refuses a weight on an IDC without addresses before sending', async () => {
    const adapter = new PowerDnsAdapter(options);
    expect(await adapter.apply({ ...change, weights: { sha: 50, hk: 50 } })).toEqual({
      ok: false,
      attempts: 0,
      detail: 'invalid weight change: IDC hk has weight 50 but no addresses',
    });
  });

  it('refuses a record name outside the zone in apply, read and check', async () => {
    const adapter = new PowerDnsAdapter({ ...options, name: 'live.example.net.' });
    const detail = 'record name live.example.net. is not inside zone example.org.';
    expect(await adapter.apply(change)).toEqual({
      ok: false,
      attempts: 0,
      detail: `invalid weight change: ${detail}`,
    });
    expect(await adapter.read()).toEqual({ ok: false, detail });
    expect(await adapter.check()).toEqual({ ok: false, detail });
  });

  it('sends nothing once aborted', async () => {
    const adapter = new PowerDnsAdapter(options);
    expect(await adapter.apply(change, AbortSignal.abort())).toEqual({
      ok: false,
      attempts: 0,
      detail: 'aborted before sending',
    });
  });
});
