import { idcHost, idcNames, planEndpoints, selectEndpoints } from './layout';
import { assertDescriptorLimit, descriptorsNeeded, openFilesLimit } from './limits';
import { validity } from './tls-endpoint';

describe('idcNames', () => {
  it('names counted IDCs after real sites, then numbers the next round', () => {
    expect(idcNames(3)).toEqual(['sha', 'bjs', 'szx']);
    const many = idcNames(14);
    expect(many.slice(10)).toEqual(['syd', 'gru', 'sha2', 'bjs2']);
    expect(new Set(idcNames(254)).size).toBe(254);
  });

  it('checks given names and the count', () => {
    expect(idcNames(['east', 'west'])).toEqual(['east', 'west']);
    expect(() => idcNames(['a', 'a'])).toThrow('duplicate');
    expect(() => idcNames(['Bad_Name'])).toThrow('invalid IDC name');
    expect(() => idcNames(0)).toThrow('1 to 254');
    expect(() => idcNames(255)).toThrow('1 to 254');
  });

  it('gives IDC k the loopback address 127.0.k.1', () => {
    expect([idcHost(0), idcHost(253)]).toEqual(['127.0.1.1', '127.0.254.1']);
  });
});

describe('planEndpoints', () => {
  it('puts endpoint j of every IDC on basePort + j of the IDC address', () => {
    const endpoints = planEndpoints({ idcs: 2, endpointsPerIdc: 2, basePort: 20_000 });
    expect(endpoints.map((e) => [e.id, e.address])).toEqual([
      ['sha-1', '127.0.1.1:20000'],
      ['sha-2', '127.0.1.1:20001'],
      ['bjs-1', '127.0.2.1:20000'],
      ['bjs-2', '127.0.2.1:20001'],
    ]);
    expect(endpoints[0].url).toBe('http://127.0.1.1:20000/healthz');
    expect(planEndpoints({ idcs: 1, endpointsPerIdc: 1, kind: 'dns' })[0]).toEqual({
      id: 'sha-1',
      idc: 'sha',
      kind: 'dns',
      host: '127.0.1.1',
      port: 0,
      address: '127.0.1.1:0',
    });
  });

  it('rejects impossible layouts', () => {
    expect(() => planEndpoints({ idcs: 1, endpointsPerIdc: 0 })).toThrow('positive');
    expect(() => planEndpoints({ idcs: 1, endpointsPerIdc: 10, basePort: 65_530 })).toThrow('does not fit');
  });
});

describe('selectEndpoints', () => {
  const endpoints = planEndpoints({ idcs: 2, endpointsPerIdc: 2 });

  it('selects one endpoint, a list, an IDC or all', () => {
    expect(selectEndpoints(endpoints, { endpoint: 'bjs-1' })).toEqual([2]);
    expect(selectEndpoints(endpoints, { endpoints: ['bjs-2', 'sha-1'] })).toEqual([3, 0]);
    expect(selectEndpoints(endpoints, { idc: 'sha' })).toEqual([0, 1]);
    expect(selectEndpoints(endpoints, 'all')).toEqual([0, 1, 2, 3]);
  });

  it('throws on unknown names', () => {
    expect(() => selectEndpoints(endpoints, { endpoint: 'sha-9' })).toThrow('unknown endpoint "sha-9"');
    expect(() => selectEndpoints(endpoints, { idc: 'hkg' })).toThrow('unknown IDC "hkg"');
  });
});

describe('limits', () => {
  it('reads the open-files limit and asks for one descriptor per endpoint plus headroom', () => {
    expect(openFilesLimit()).toBeGreaterThan(0);
    expect(descriptorsNeeded(10_000)).toBe(11_024);
    expect(() => assertDescriptorLimit(10_000, 4_096)).toThrow('needs at least 11024 open files');
    expect(() => assertDescriptorLimit(10_000, 65_536)).not.toThrow();
  });
});

describe('certificate validity', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('is valid for `days` from now, or expired since yesterday', () => {
    expect(validity({ days: 10 }, now).notAfterDate.toISOString()).toBe('2026-01-11T00:00:00.000Z');
    const expired = validity({ expired: true }, now);
    expect(expired.notAfterDate.toISOString()).toBe('2025-12-31T00:00:00.000Z');
    expect(expired.notBeforeDate.getTime()).toBeLessThan(expired.notAfterDate.getTime());
    expect(() => validity({ days: 0 })).toThrow('positive');
  });
});
