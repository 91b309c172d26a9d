import {
  buildWindowBody,
  EMPTY_WINDOW_FORM,
  parseLabels,
  placeWindowErrors,
  type WindowFormState,
} from './window-body';

// Reads `datetime-local` values as UTC, so the spec does not depend on the machine's time zone.
const utc = (value: string) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value) ? `${value}:00.000Z` : null);
const form = (patch: Partial<WindowFormState>): WindowFormState => ({ ...EMPTY_WINDOW_FORM, ...patch });

describe('buildWindowBody', () => {
  it('builds a one-off window with its scope and effects', () => {
    expect(
      buildWindowBody(
        form({
          reason: ' kernel upgrades ',
          start: '2030-01-02T02:00',
          end: '2030-01-02T04:00',
          services: 'checkout, api',
          idcs: 'sha bjs',
          labels: 'tier=batch, team = core',
          silence: false,
        }),
        utc,
      ),
    ).toEqual({
      body: {
        reason: 'kernel upgrades',
        startsAt: '2030-01-02T02:00:00.000Z',
        endsAt: '2030-01-02T04:00:00.000Z',
        services: ['checkout', 'api'],
        idcs: ['sha', 'bjs'],
        labels: { tier: 'batch', team: 'core' },
        freeze: true,
        silence: false,
      },
    });
  });

  it('leaves the start out of a one-off window that starts now', () => {
    const built = buildWindowBody(form({ reason: 'r', end: '2030-01-02T04:00' }), utc);
    expect(built).toEqual({
      body: {
        reason: 'r',
        endsAt: '2030-01-02T04:00:00.000Z',
        services: [],
        idcs: [],
        freeze: true,
        silence: true,
      },
    });
  });

  it('builds a recurring window by RRULE or cron, with its time zone, duration and end', () => {
    expect(
      buildWindowBody(
        form({
          reason: 'patch Tuesday',
          kind: 'recurring',
          rule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2',
          timezone: 'Europe/Berlin',
          duration: '2h',
          until: '2030-06-01T00:00',
          end: '2030-01-01T00:00',
        }),
        utc,
      ),
    ).toEqual({
      body: {
        reason: 'patch Tuesday',
        rrule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2',
        timezone: 'Europe/Berlin',
        duration: '2h',
        until: '2030-06-01T00:00:00.000Z',
        services: [],
        idcs: [],
        freeze: true,
        silence: true,
      },
    });
    const cron = buildWindowBody(
      form({ reason: 'r', kind: 'recurring', syntax: 'cron', rule: '0 2 * * 2', timezone: '' }),
      utc,
    );
    expect(cron).toMatchObject({ body: { cron: '0 2 * * 2', timezone: 'UTC', duration: '2h' } });
    expect('body' in cron && 'rrule' in cron.body).toBe(false);
  });

  it('names each field it can see is wrong, and builds nothing', () => {
    expect(
      buildWindowBody(form({ labels: 'tier', freeze: false, silence: false, start: 'soon' }), utc),
    ).toEqual({
      errors: {
        reason: ['must not be empty'],
        labels: ['expected name=value (got "tier")'],
        effects: ['a window must freeze, silence or both'],
        start: ['expected a date and time'],
        end: ['pick when it ends'],
      },
    });
    expect(
      buildWindowBody(form({ reason: 'r', kind: 'recurring', syntax: 'cron', duration: ' ' }), utc),
    ).toEqual({
      errors: {
        rule: ['enter a cron expression'],
        duration: ['required for a recurring window (e.g. "2h")'],
      },
    });
  });
});

describe('parseLabels', () => {
  it('reads name=value pairs, values may hold "="', () => {
    expect(parseLabels('a=1, b = x=y,')).toEqual({ labels: { a: '1', b: 'x=y' } });
    expect(parseLabels('')).toEqual({ labels: {} });
    expect(parseLabels('=x')).toEqual({ error: 'expected name=value (got "=x")' });
  });
});

describe('placeWindowErrors', () => {
  it("puts the server's paths at the form's fields, keeping which entry is at fault", () => {
    expect(
      placeWindowErrors({
        cron: ['must have 5 fields'],
        endsAt: ['must be in the future'],
        'services[1]': ['unknown service "nope"'],
        'labels.tier': ['must be a string'],
        timezone: ['unknown time zone "Mars/Base"'],
        form: ['something else'],
        extra: ['property extra should not exist'],
      }),
    ).toEqual({
      placed: {
        rule: ['must have 5 fields'],
        end: ['must be in the future'],
        services: ['services[1]: unknown service "nope"'],
        labels: ['labels.tier: must be a string'],
        timezone: ['unknown time zone "Mars/Base"'],
      },
      unplaced: ['something else', 'extra: property extra should not exist'],
    });
  });
});
