import { endTimeOf } from './end-time';

describe('endTimeOf', () => {
  const now = Date.parse('2026-12-03T10:00:00.000Z');

  it('ends a duration after now', () => {
    expect(endTimeOf({ mode: 'duration', duration: '2h', until: '' }, now)).toEqual({
      at: '2026-12-03T12:00:00.000Z',
    });
  });

  it('names what is wrong', () => {
    expect(endTimeOf({ mode: 'duration', duration: 'soon', until: '' }, now)).toEqual({
      error: 'expected a duration such as 2h, 30m or 1d',
    });
    expect(endTimeOf({ mode: 'until', duration: '2h', until: '' }, now)).toEqual({
      error: 'pick an end time',
    });
  });

  it('takes a local date and time', () => {
    const until = '2026-12-04T08:30';
    expect(endTimeOf({ mode: 'until', duration: '', until }, now)).toEqual({
      at: new Date(until).toISOString(),
    });
  });
});
