import { incidentScope } from './incident-window';

describe('incidentScope', () => {
  const at = (m: number) => new Date(Date.UTC(2026, 11, 3, 10, m)).toISOString();

  it('takes the common service and IDC and brackets the times', () => {
    const scope = incidentScope(
      [
        { labels: { service: 'pay', idc: 'sha' }, createdAt: at(0), updatedAt: at(1) },
        { labels: { service: 'pay', idc: 'sha' }, createdAt: at(20), updatedAt: at(30) },
        { labels: { service: 'pay' }, createdAt: at(10) },
      ],
      5 * 60_000,
    );
    expect(scope).toEqual({ service: 'pay', idc: 'sha', from: at(-5), to: at(35) });
  });

  it('does not depend on the clock (it keys a query)', () => {
    const notifications = [{ labels: {}, createdAt: at(0) }];
    expect(incidentScope(notifications, 60 * 60_000)).toEqual({
      service: null,
      idc: null,
      from: at(-60),
      to: at(60),
    });
  });

  it('has no window without notifications', () => {
    expect(incidentScope([])).toEqual({ service: null, idc: null, from: null, to: null });
  });
});
