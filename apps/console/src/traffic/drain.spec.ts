import {
  actionSubject,
  describeTrafficManager,
  drainChange,
  drainOffer,
  endpointName,
  formatDrained,
  inForce,
} from './drain';

const haproxy = { type: 'haproxy', readsBack: true, drainsEndpoints: true };
const powerdns = { type: 'powerdns', readsBack: true, drainsEndpoints: false, ttlSeconds: 30 };

describe('endpointName', () => {
  it('is the id without the service prefix', () => {
    expect(endpointName('web', 'web.sha-1')).toBe('sha-1');
    expect(endpointName('live-edge', 'live-edge.sha.edge-1')).toBe('sha.edge-1');
  });

  it('is null for an id of another service or without a name', () => {
    expect(endpointName('web', 'api.sha-1')).toBeNull();
    expect(endpointName('web', 'webx.sha-1')).toBeNull();
    expect(endpointName('web', 'web.')).toBeNull();
  });
});

describe('drainOffer', () => {
  const base = { canOperate: true, manager: haproxy, drained: [] as string[], endpoint: 'sha-1' };

  it('offers drain to an operator when the traffic manager drains endpoints', () => {
    expect(drainOffer(base)).toBe('drain');
  });

  it('offers undrain for a drained endpoint', () => {
    expect(drainOffer({ ...base, drained: ['bjs-1', 'sha-1'] })).toBe('undrain');
  });

  it('offers nothing to a viewer', () => {
    expect(drainOffer({ ...base, canOperate: false })).toBeNull();
    expect(drainOffer({ ...base, canOperate: false, drained: ['sha-1'] })).toBeNull();
  });

  it('offers no drain when the traffic manager cannot drain, but still undrain of a drained one', () => {
    expect(drainOffer({ ...base, manager: powerdns })).toBeNull();
    expect(drainOffer({ ...base, manager: powerdns, drained: ['sha-1'] })).toBe('undrain');
  });
});

describe('drainChange', () => {
  it('says the endpoint stops receiving new requests and the weights stay', () => {
    expect(drainChange('drain', 'sha-1', 'haproxy')).toBe(
      'sha-1 stops receiving new requests through haproxy; weights stay as they are.',
    );
  });

  it('says the endpoint receives requests again on undrain', () => {
    expect(drainChange('undrain', 'sha-1', 'haproxy')).toBe(
      'sha-1 receives requests through haproxy again, at the weights in force.',
    );
  });
});

describe('describeTrafficManager', () => {
  it('names the type, the read-back and whether it drains', () => {
    expect(describeTrafficManager(haproxy)).toBe(
      'haproxy; weights read back after each step; can drain single endpoints',
    );
    expect(describeTrafficManager({ type: 'log', readsBack: false, drainsEndpoints: true })).toBe(
      'log; weights not read back; can drain single endpoints',
    );
  });

  it('says when a step takes full effect for a DNS traffic manager', () => {
    expect(describeTrafficManager(powerdns)).toBe(
      'powerdns; weights read back after each step; cannot drain single endpoints. ' +
        'DNS TTL 30 s: a step takes full effect after 30 s.',
    );
  });
});

describe('inForce', () => {
  const actual = { ok: true, weights: { sha: 74.56, bjs: 25.44 }, detail: 'stats socket', readAt: 'x' };

  it('is the read-back percent, 0% for an IDC it does not route to', () => {
    expect(inForce(actual, 'sha')).toBe('74.6%');
    expect(inForce(actual, 'szx')).toBe('0%');
  });

  it('is — before the first read-back or when the read failed', () => {
    expect(inForce(null, 'sha')).toBe('—');
    expect(inForce({ ...actual, ok: false, weights: undefined }, 'sha')).toBe('—');
  });
});

describe('actionSubject', () => {
  it('names the endpoint and its IDC for drain kinds', () => {
    expect(actionSubject({ kind: 'drain-endpoint', idc: 'sha', endpoint: 'sha-1' })).toBe(
      'drain-endpoint sha-1 (sha)',
    );
    expect(actionSubject({ kind: 'undrain-endpoint', idc: null, endpoint: 'sha-1' })).toBe(
      'undrain-endpoint sha-1',
    );
  });

  it('names the IDC, or only the kind, for the others', () => {
    expect(actionSubject({ kind: 'shift-away', idc: 'sha', endpoint: null })).toBe('shift-away sha');
    expect(actionSubject({ kind: 'set-weights', idc: null })).toBe('set-weights');
  });
});

describe('formatDrained', () => {
  it('lists the drained endpoints, none when empty, null when the step leaves drains alone', () => {
    expect(formatDrained(['sha-1', 'bjs-2'])).toBe('sha-1, bjs-2');
    expect(formatDrained([])).toBe('none');
    expect(formatDrained(null)).toBeNull();
    expect(formatDrained(undefined)).toBeNull();
  });
});
