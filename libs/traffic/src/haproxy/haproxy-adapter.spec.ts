import { HaproxyAdapter, type HaproxyAdapterOptions } from './haproxy-adapter';

// Nothing listens on port 1: every case here must be settled before connecting.
const options: HaproxyAdapterOptions = {
  runtimeApi: ['tcp://127.0.0.1:1'],
  backend: 'be_live',
  endpoints: [
    { name: 'sha-1', idc: 'sha', capacity: 1 },
    { name: 'bj-1', idc: 'bj', capacity: 1 },
  ],
};
const change = {
  service: 'live',
  weights: { sha: 50, bj: 50 },
  actionId: 'a',
  step: 1,
  idempotencyKey: 'a/1',
};

describe('HaproxyAdapter', () => {
  it('drains endpoints and is named haproxy', () => {
    const adapter = new HaproxyAdapter(options);
    expect(adapter.kind).toBe('haproxy');
    expect(adapter.drainsEndpoints).toBe(true);
  });

  it('refuses bad options with the field named', () => {
    expect(() => new HaproxyAdapter({ ...options, runtimeApi: [] })).toThrow(/runtimeApi must name/);
    expect(() => new HaproxyAdapter({ ...options, runtimeApi: ['127.0.0.1:9999'] })).toThrow(
      /runtimeApi must be/,
    );
    expect(() => new HaproxyAdapter({ ...options, backend: 'be live' })).toThrow(/backend must be/);
    expect(() => new HaproxyAdapter({ ...options, timeoutMs: 0 })).toThrow(/timeoutMs must be/);
    expect(() => new HaproxyAdapter({ ...options, servers: { 'bj-1': 'sha-1' } })).toThrow(
      'servers: endpoints sha-1 and bj-1 both map to server sha-1',
    );
  });

  it('refuses before sending: invalid change, IDC without endpoint, unknown drained endpoint', async () => {
    const adapter = new HaproxyAdapter(options);
    expect(await adapter.apply({ ...change, weights: { sha: 50, bj: 40 } })).toEqual({
      ok: false,
      attempts: 0,
      detail: 'invalid weight change: weights must sum to 100, got 90',
    });
    expect(await adapter.apply({ ...change, weights: { sha: 50, gz: 50 } })).toEqual({
      ok: false,
      attempts: 0,
      detail: 'no endpoint in gz to take its weight',
    });
    expect(await adapter.apply({ ...change, drained: ['sha-9'] })).toEqual({
      ok: false,
      attempts: 0,
      detail: 'drained names no endpoint of the service: sha-9',
    });
  });
});
