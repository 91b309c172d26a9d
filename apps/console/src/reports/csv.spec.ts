import type { Schema } from '../api';
import { availabilityCsv, csvField, incidentsCsv, toCsv, worstEndpointsCsv } from './csv';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    ['"', '""""'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [42.5, '42.5'],
    [Number.NaN, ''],
    [false, 'false'],
  ])('%j → %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });
});

describe('toCsv', () => {
  it('ends every line with CRLF, the header first', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 1],
          [null, 'q"'],
        ],
      ),
    ).toBe('a,b\r\n"x,y",1\r\n,"q"""\r\n');
  });

  it('writes only a header for no rows', () => {
    expect(toCsv(['a'], [])).toBe('a\r\n');
  });
});

const report: Schema<'AvailabilityReportDto'> = {
  from: '2026-12-02T00:00:00.000Z',
  to: '2026-12-03T00:00:00.000Z',
  services: [
    {
      service: 'live, edge',
      probes: 1000,
      failures: 10,
      availabilityPercent: 99,
      maintenanceProbes: 0,
      maintenanceFailures: 0,
      idcs: [
        {
          idc: 'sha',
          probes: 600,
          failures: 10,
          availabilityPercent: 98.33333333,
          meanMttdMs: 4000,
          meanMttrMs: null,
          maintenanceSeconds: 0,
          maintenanceProbes: 0,
          maintenanceFailures: 0,
          downtimeSeconds: 0,
          incidents: [
            {
              eventId: '7',
              startedAt: '2026-12-02T10:00:00.000Z',
              endedAt: null,
              ongoing: true,
              reason: 'ratio 0.4 < 0.5, "sha-1" down\nsince probe',
              mttdMs: 4000,
              mttrMs: null,
            },
          ],
        },
        {
          idc: 'bjs',
          probes: 0,
          failures: 0,
          availabilityPercent: null,
          meanMttdMs: null,
          meanMttrMs: null,
          maintenanceSeconds: 0,
          maintenanceProbes: 0,
          maintenanceFailures: 0,
          downtimeSeconds: 0,
          incidents: [],
        },
      ],
      worstEndpoints: [{ endpoint: 'sha-1', idc: 'sha', probes: 100, failures: 10, availabilityPercent: 90 }],
    },
  ],
};

describe('the report exports', () => {
  it('availability: a total row per service, then one per IDC', () => {
    expect(availabilityCsv(report).split('\r\n')).toEqual([
      'service,idc,probes,failures,availability_percent,incidents,mean_mttd_ms,mean_mttr_ms',
      '"live, edge",*,1000,10,99,,,',
      '"live, edge",sha,600,10,98.333,1,4000,',
      '"live, edge",bjs,0,0,,0,,',
      '',
    ]);
  });

  it('incidents: the reason quoted with its quotes and newline', () => {
    expect(incidentsCsv(report)).toBe(
      'service,idc,started_at,ended_at,ongoing,reason,mttd_ms,mttr_ms,event_id\r\n' +
        '"live, edge",sha,2026-12-02T10:00:00.000Z,,true,"ratio 0.4 < 0.5, ""sha-1"" down\nsince probe",4000,,7\r\n',
    );
  });

  it('worst endpoints', () => {
    expect(worstEndpointsCsv(report)).toBe(
      'service,endpoint,idc,probes,failures,availability_percent\r\n"live, edge",sha-1,sha,100,10,90\r\n',
    );
  });
});
