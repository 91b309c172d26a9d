import { controlRoute, parseFleetServerArgs } from './fleet-server-options';
import { planEndpoints } from './layout';

describe('parseFleetServerArgs', () => {
  it('serves three IDCs of four endpoints on every address by default, named by the host name', () => {
    const options = parseFleetServerArgs([], 'box');
    expect(options).toEqual({
      spec: {
        idcs: ['sha', 'bjs', 'szx'],
        endpointsPerIdc: 4,
        basePort: 24100,
        network: { listen: '0.0.0.0', advertise: 'box' },
      },
      controlPort: 24090,
      down: [],
    });
  });

  it('reads every option', () => {
    const options = parseFleetServerArgs(
      [
        '--idcs',
        'a,b',
        '--endpoints-per-idc',
        '2',
        '--base-port',
        '30000',
        '--listen',
        '::',
        '--advertise',
        'fleet',
      ],
      'box',
    );
    expect(options.spec).toEqual({
      idcs: ['a', 'b'],
      endpointsPerIdc: 2,
      basePort: 30000,
      network: { listen: '::', advertise: 'fleet' },
    });
    expect(parseFleetServerArgs(['--gslb-port', '24099', '--down', 'szx'], 'box')).toMatchObject({
      gslbPort: 24099,
      down: ['szx'],
    });
  });

  it('names the bad option', () => {
    expect(() => parseFleetServerArgs(['--base-port', '0'], 'h')).toThrow(
      '--base-port: expected a port, got "0"',
    );
    expect(() => parseFleetServerArgs(['--endpoints-per-idc', 'x'], 'h')).toThrow('--endpoints-per-idc');
    expect(() => parseFleetServerArgs(['--down', 'fra'], 'h')).toThrow('--down: unknown IDC "fra"');
    expect(() => parseFleetServerArgs(['--idcs', 'Bad'], 'h')).toThrow('invalid IDC name');
    expect(() => parseFleetServerArgs(['--nope'], 'h')).toThrow("Unknown option '--nope'");
  });
});

describe('planEndpoints on one shared address', () => {
  it('gives each IDC its own ports and names the endpoints by the advertised host', () => {
    const endpoints = planEndpoints({
      idcs: ['sha', 'bjs'],
      endpointsPerIdc: 2,
      basePort: 24100,
      network: { listen: '0.0.0.0', advertise: 'fleet' },
    });
    expect(endpoints.map((e) => [e.id, e.url, e.bind])).toEqual([
      ['sha-1', 'http://fleet:24100/healthz', '0.0.0.0'],
      ['sha-2', 'http://fleet:24101/healthz', '0.0.0.0'],
      ['bjs-1', 'http://fleet:24102/healthz', '0.0.0.0'],
      ['bjs-2', 'http://fleet:24103/healthz', '0.0.0.0'],
    ]);
    expect(() =>
      planEndpoints({
        idcs: 2,
        endpointsPerIdc: 2,
        basePort: 65_533,
        network: { listen: '::', advertise: 'f' },
      }),
    ).toThrow('basePort 65533 + 4 endpoints does not fit');
  });
});

describe('controlRoute', () => {
  it('shows the layout on GET / and switches an IDC or an endpoint on POST', () => {
    expect(controlRoute('GET', '/')).toEqual({ kind: 'layout' });
    expect(controlRoute('POST', '/idcs/szx/refused')).toEqual({
      kind: 'set',
      selector: { idc: 'szx' },
      mode: 'refused',
    });
    expect(controlRoute('POST', '/endpoints/sha-1/hang?x=1')).toEqual({
      kind: 'set',
      selector: { endpoint: 'sha-1' },
      mode: 'hang',
    });
  });

  it('refuses other paths, methods and modes with a status and the reason', () => {
    expect(controlRoute('GET', '/idcs/szx/up')).toEqual({ status: 405, error: 'use POST' });
    expect(controlRoute('POST', '/')).toEqual({ status: 405, error: 'use GET /' });
    expect(controlRoute('POST', '/idcs/szx')).toMatchObject({ status: 404 });
    expect(controlRoute('POST', '/idcs/szx/slow')).toEqual({
      status: 400,
      error: 'unknown mode "slow": expected one of up, refused, reset, hang',
    });
  });
});
