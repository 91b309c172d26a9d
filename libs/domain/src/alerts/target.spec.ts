import { alertTarget } from './target';

describe('alertTarget', () => {
  const labels = {
    alertname: 'X',
    service: 'live-edge',
    idc: 'sha',
    instance: 'sha-edge-1',
    dc: 'bjs',
    app: '',
  };

  it.each([
    ['the default label names', undefined, { service: 'live-edge', idc: 'sha', endpoint: 'sha-edge-1' }],
    [
      'configured label names',
      { service: 'app', idc: 'dc', endpoint: 'node' },
      { service: null, idc: 'bjs', endpoint: null },
    ],
    [
      'a name like an Object property',
      { service: 'constructor', idc: 'toString', endpoint: '__proto__' },
      { service: null, idc: null, endpoint: null },
    ],
  ])('%s', (_title, names, expected) => {
    expect(alertTarget(labels, names)).toEqual(expected);
  });
});
