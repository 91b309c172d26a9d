import { validateConfig } from '@libs/config';
import { fleetConfig } from './fleet-config';
import { idcNames, planEndpoints } from './layout';
import { EndpointKind, FleetLayout } from './types';

function layout(kind: EndpointKind, extra: Partial<FleetLayout> = {}): FleetLayout {
  return {
    kind,
    idcs: idcNames(3),
    endpoints: planEndpoints({ idcs: 3, endpointsPerIdc: 2, kind, basePort: 21_000 }),
    ...extra,
  };
}

describe('fleetConfig', () => {
  it('describes an HTTP fleet as a valid vigil/v1 config', () => {
    const config = fleetConfig(layout('http'), {
      service: 'edge',
      interval: '5s',
      timeout: '1s',
      capacity: 10,
    });
    expect(config).toMatchObject({
      apiVersion: 'vigil/v1',
      idcs: [
        { name: 'sha', capacity: 20 },
        { name: 'bjs', capacity: 20 },
        { name: 'szx', capacity: 20 },
      ],
    });
    const service = config.services![0];
    expect(service.endpoints[2]).toEqual({
      idc: 'bjs',
      name: 'bjs-1',
      url: 'http://127.0.2.1:21000/healthz',
      capacity: 10,
    });
    expect(service.checks).toEqual([
      { name: 'healthz', type: 'http', interval: '5s', timeout: '1s', http: {} },
    ]);
    const result = validateConfig(config);
    expect(result.ok ? [] : result.details).toEqual([]);
  });

  it('gives TCP, TLS and DNS fleets addresses and a check of their type', () => {
    const tcp = fleetConfig(layout('tcp'), { service: 'origin', interval: '5s', vantages: ['sha', 'bjs'] });
    expect(tcp.services![0].endpoints[0]).toEqual({
      idc: 'sha',
      name: 'sha-1',
      address: '127.0.1.1:21000',
      capacity: 1,
    });
    expect(tcp.services![0].checks[0]).toMatchObject({
      type: 'tcp',
      vantages: ['sha', 'bjs'],
      tcp: { send: 'PING\r\n', expect: 'PONG' },
    });

    const tls = fleetConfig(layout('tls', { tlsHostname: 'edge.fleet.test' }), {
      service: 'certs',
      interval: '1m',
      tls: { minDaysToExpiry: 7 },
    });
    expect(tls.services![0].checks[0]).toMatchObject({
      name: 'certificate',
      type: 'tls',
      tls: { serverName: 'edge.fleet.test', verifyChain: false, minDaysToExpiry: 7 },
    });

    const dns = fleetConfig(layout('dns', { dnsNames: ['live.example.com'] }), {
      service: 'ns',
      interval: '10s',
    });
    expect(dns.services![0].checks[0]).toMatchObject({
      type: 'dns',
      dns: { name: 'live.example.com', recordType: 'A' },
    });

    for (const config of [tcp, tls, dns]) {
      const result = validateConfig(config);
      expect(result.ok ? [] : result.details).toEqual([]);
    }
  });

  it('needs a name to resolve for a DNS fleet without a zone', () => {
    expect(() => fleetConfig(layout('dns'), { service: 'ns', interval: '10s' })).toThrow('zone name');
  });
});
