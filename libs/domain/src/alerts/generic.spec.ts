import { labelsFingerprint } from './fingerprint';
import { parseGeneric } from './generic';

const NOW = Date.UTC(2030, 0, 2, 3, 4, 5);

describe('parseGeneric', () => {
  it('fills the defaults: firing, started now, fingerprint of the labels with alertname', () => {
    expect(parseGeneric({ alerts: [{ name: 'DiskFull', labels: { idc: 'sha' } }] }, NOW)).toEqual({
      ok: true,
      alerts: [
        {
          fingerprint: labelsFingerprint({ idc: 'sha', alertname: 'DiskFull' }),
          source: 'generic',
          name: 'DiskFull',
          status: 'firing',
          labels: { idc: 'sha', alertname: 'DiskFull' },
          annotations: {},
          startsAt: NOW,
          endsAt: null,
          generatorUrl: null,
        },
      ],
    });
  });

  it('gives the same fingerprint as Alertmanager for the same labels', () => {
    const result = parseGeneric(
      {
        alerts: [
          { labels: { alertname: 'HighErrorRate', idc: 'sha', service: 'live-edge', severity: 'critical' } },
        ],
      },
      NOW,
    );
    expect(result.ok && result.alerts[0].fingerprint).toBe('c0daecc84bfad185');
  });

  it('keeps what the sender gave', () => {
    const result = parseGeneric(
      {
        source: 'my-cron',
        alerts: [
          {
            name: 'BackupLate',
            labels: { alertname: 'BackupLate', service: 'vod' },
            annotations: { summary: 'nightly backup 2h late' },
            status: 'resolved',
            startsAt: '2030-01-01T00:00:00Z',
            endsAt: '2030-01-01T02:00:00+01:00',
            fingerprint: 'backup-vod',
            extra: { ignored: true },
          },
        ],
      },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      alerts: [
        expect.objectContaining({
          fingerprint: 'backup-vod',
          name: 'BackupLate',
          status: 'resolved',
          annotations: { summary: 'nightly backup 2h late' },
          startsAt: Date.UTC(2030, 0, 1),
          endsAt: Date.UTC(2030, 0, 1, 1),
        }),
      ],
    });
  });

  it('ends a resolve without endsAt at the time it was received', () => {
    const result = parseGeneric({ alerts: [{ name: 'X', labels: {}, status: 'resolved' }] }, NOW);
    expect(result.ok && result.alerts[0].endsAt).toBe(NOW);
  });

  it('starts a resolve that ended before it was received no later than its end', () => {
    const endsAt = '2030-01-01T00:00:00Z';
    const result = parseGeneric({ alerts: [{ name: 'X', labels: {}, status: 'resolved', endsAt }] }, NOW);
    expect(result.ok && [result.alerts[0].startsAt, result.alerts[0].endsAt]).toEqual([
      Date.UTC(2030, 0, 1),
      Date.UTC(2030, 0, 1),
    ]);
  });

  it('reads the zero time in any form as no end', () => {
    for (const zero of ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z', '0001-01-01T00:00:00+00:00']) {
      const result = parseGeneric({ alerts: [{ name: 'X', labels: {}, endsAt: zero }] }, NOW);
      expect([zero, result.ok && result.alerts[0].endsAt]).toEqual([zero, null]);
    }
  });

  it('accepts an empty list', () => {
    expect(parseGeneric({ alerts: [] }, NOW)).toEqual({ ok: true, alerts: [] });
  });

  it.each<[string, unknown, Array<{ path: string; message: string }>]>([
    ['a list body', [], [{ path: '', message: 'expected an object' }]],
    [
      'an end before the start',
      {
        alerts: [{ name: 'X', labels: {}, startsAt: '2030-01-01T01:00:00Z', endsAt: '2030-01-01T00:00:00Z' }],
      },
      [{ path: 'alerts[0].endsAt', message: 'is before startsAt' }],
    ],
    ['no alerts', {}, [{ path: 'alerts', message: 'is required' }]],
    ['alerts a string', { alerts: 'x' }, [{ path: 'alerts', message: 'expected an array' }]],
    [
      'no name and no alertname',
      { alerts: [{ labels: { idc: 'sha' } }] },
      [{ path: 'alerts[0]', message: 'needs a `name` or a `labels.alertname`' }],
    ],
    [
      'an empty alertname and no name',
      { alerts: [{ labels: { alertname: '' } }] },
      [{ path: 'alerts[0]', message: 'needs a `name` or a `labels.alertname`' }],
    ],
    [
      'a name that differs from alertname',
      { alerts: [{ name: 'A', labels: { alertname: 'B' } }] },
      [{ path: 'alerts[0].name', message: 'differs from labels.alertname ("B")' }],
    ],
    [
      'an empty name',
      { alerts: [{ name: '', labels: {} }] },
      [{ path: 'alerts[0].name', message: 'expected 1 to 1024 bytes (UTF-8)' }],
    ],
    ['no labels', { alerts: [{ name: 'A' }] }, [{ path: 'alerts[0].labels', message: 'is required' }]],
    [
      'a name with a NUL character (it would be the alertname label)',
      { alerts: [{ name: 'A\u0000', labels: {} }] },
      [{ path: 'alerts[0].name', message: 'contains a NUL character or an unpaired surrogate' }],
    ],
    [
      'a label that is a number',
      { alerts: [{ name: 'A', labels: { idc: 1 } }] },
      [{ path: 'alerts[0].labels.idc', message: 'expected a string' }],
    ],
    [
      'a status that is neither',
      { alerts: [{ name: 'A', labels: {}, status: 'ok' }] },
      [{ path: 'alerts[0].status', message: 'expected "firing" or "resolved"' }],
    ],
    [
      'epoch milliseconds for startsAt',
      { alerts: [{ name: 'A', labels: {}, startsAt: 1700000000000 }] },
      [{ path: 'alerts[0].startsAt', message: 'expected a string' }],
    ],
    [
      'a fingerprint with a slash',
      { alerts: [{ name: 'A', labels: {}, fingerprint: 'a/b' }] },
      [{ path: 'alerts[0].fingerprint', message: 'expected letters, digits, "_", ".", ":" or "-"' }],
    ],
    [
      'a name that would be the 65th label',
      {
        alerts: [
          { name: 'A', labels: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`l${i}`, 'v'])) },
        ],
      },
      [{ path: 'alerts[0].labels', message: 'more than 64 labels with alertname' }],
    ],
    [
      'an alert that is null',
      { alerts: [{ name: 'A', labels: {} }, null] },
      [{ path: 'alerts[1]', message: 'expected an object' }],
    ],
  ])('refuses %s', (_title, body, expected) => {
    expect(parseGeneric(body, NOW)).toEqual({ ok: false, details: expected });
  });
});
