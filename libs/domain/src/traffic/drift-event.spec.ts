import { driftEvent } from './drift-event';

describe('driftEvent', () => {
  it('records a drift starting as in-sync -> drift, with what the read-back saw', () => {
    const details = { expected: { sha: 60, hkg: 40 }, actual: { sha: 100, hkg: 0 }, drained: [] };
    const event = driftEvent({
      service: 'live',
      at: 1000,
      drifting: true,
      reason: 'weights differ',
      details,
    });
    expect(event).toEqual({
      kind: 'traffic',
      at: 1000,
      service: 'live',
      before: 'in-sync',
      after: 'drift',
      reason: 'weights differ',
      details,
    });
    expect(event.details).not.toBe(details);
  });

  it('records the end of a drift as drift -> in-sync, with empty details by default', () => {
    expect(driftEvent({ service: 'live', at: 2000, drifting: false, reason: 'agrees again' })).toMatchObject({
      before: 'drift',
      after: 'in-sync',
      details: {},
    });
  });

  it('records a drift whose reason changed as drift -> drift', () => {
    const event = driftEvent({
      service: 'live',
      at: 3000,
      drifting: true,
      wasDrifting: true,
      reason: 'unreadable',
    });
    expect([event.before, event.after]).toEqual(['drift', 'drift']);
  });

  it('has no IDC or endpoint, so the timeline stores it under the service alone', () => {
    const event = driftEvent({ service: 'live', at: 1, drifting: true, reason: 'r' });
    expect([event.idc, event.endpoint, 'vantage' in event]).toEqual([undefined, undefined, false]);
  });
});
