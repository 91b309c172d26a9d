import { checkMatrix } from './check-matrix';
import { endpointFiltersFromQuery, filterEndpoints } from './endpoint-list';

describe('check matrix', () => {
  it('lays vantages × checks out sorted, with holes where a vantage does not run a check', () => {
    const m = checkMatrix([
      { vantage: 'sha-1', check: 'tcp', state: 'UP' },
      { vantage: 'bjs-1', check: 'http', state: 'DOWN' },
      { vantage: 'sha-1', check: 'http', state: 'UP' },
    ]);
    expect(m.vantages).toEqual(['bjs-1', 'sha-1']);
    expect(m.checks).toEqual(['http', 'tcp']);
    expect(m.cell('bjs-1', 'http')?.state).toBe('DOWN');
    expect(m.cell('bjs-1', 'tcp')).toBeUndefined();
  });
});

describe('endpoint list', () => {
  const rows = [
    { id: 'live.sha-2', idc: 'sha', state: 'HEALTHY', reason: 'up' },
    { id: 'live.bjs-1', idc: 'bjs', state: 'DEGRADED', reason: 'flapping' },
    { id: 'live.sha-1', idc: 'sha', state: 'UNHEALTHY', reason: 'down' },
    { id: 'live.sha-3', idc: 'sha', state: 'HEALTHY', reason: 'up' },
  ];

  it('orders by IDC, worst state first, then id', () => {
    expect(filterEndpoints(rows, { idc: '', state: '', text: '' }).map((r) => r.id)).toEqual([
      'live.bjs-1',
      'live.sha-1',
      'live.sha-2',
      'live.sha-3',
    ]);
  });

  it('filters by IDC, state and text (id or reason)', () => {
    expect(filterEndpoints(rows, { idc: 'sha', state: 'HEALTHY', text: '' }).map((r) => r.id)).toEqual([
      'live.sha-2',
      'live.sha-3',
    ]);
    expect(filterEndpoints(rows, { idc: '', state: '', text: 'FLAP' }).map((r) => r.id)).toEqual([
      'live.bjs-1',
    ]);
    expect(filterEndpoints(rows, { idc: '', state: '', text: 'sha-3' }).map((r) => r.id)).toEqual([
      'live.sha-3',
    ]);
  });

  it('reads the filters from the URL, ignoring an unknown state', () => {
    expect(endpointFiltersFromQuery(new URLSearchParams('idc=sha&state=DOWN&q=edge'))).toEqual({
      idc: 'sha',
      state: '',
      text: 'edge',
    });
  });
});
