import { defaultEndpointName, endpointTarget } from './endpoint';

describe('defaultEndpointName', () => {
  it.each([
    [{ url: 'http://10.0.0.1:8080/healthz' }, '10.0.0.1-8080'],
    [{ url: 'https://Edge-1.Example.com/healthz' }, 'edge-1.example.com'],
    [{ url: 'https://edge.example.com:443/' }, 'edge.example.com'],
    [{ url: 'http://[2001:db8::1]:8080/' }, '2001-db8-1-8080'],
    [{ address: '10.0.0.1:53' }, '10.0.0.1-53'],
    [{ address: '[::1]:53' }, '1-53'],
  ])('names %j %s', (endpoint, name) => {
    expect(defaultEndpointName(endpoint)).toBe(name);
  });
});

describe('endpointTarget', () => {
  it.each([
    [{ url: 'http://10.0.0.1:8080/x' }, { host: '10.0.0.1', port: 8080, scheme: 'http' }],
    [{ url: 'https://a.example/' }, { host: 'a.example', port: 443, scheme: 'https' }],
    [{ url: 'http://a.example/' }, { host: 'a.example', port: 80, scheme: 'http' }],
    [{ address: '[2001:db8::1]:53' }, { host: '2001:db8::1', port: 53 }],
    [{ address: 'ns.example:5353' }, { host: 'ns.example', port: 5353 }],
  ])('resolves %j', (endpoint, expected) => {
    expect(endpointTarget(endpoint)).toMatchObject(expected);
  });

  it('is undefined without a target', () => {
    expect(endpointTarget({})).toBeUndefined();
    expect(endpointTarget({ url: 'not a url' })).toBeUndefined();
  });
});
