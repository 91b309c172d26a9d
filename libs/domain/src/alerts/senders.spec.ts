import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlertmanager, parseGrafana } from './senders';
import type { ParseResult } from './types';

const fixture = (name: string): any =>
  JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures', `${name}.json`), 'utf8'));

const AM = {
  firing: fixture('alertmanager-0.25-firing'),
  grouped: fixture('alertmanager-0.25-grouped'),
  resolved: fixture('alertmanager-0.25-resolved'),
};
const GRAFANA = { firing: fixture('grafana-11-firing'), resolved: fixture('grafana-11-resolved') };

const HIGH_ERROR_RATE = {
  fingerprint: 'c0daecc84bfad185',
  source: 'alertmanager',
  name: 'HighErrorRate',
  labels: { alertname: 'HighErrorRate', idc: 'sha', service: 'live-edge', severity: 'critical' },
  annotations: { summary: 'HighErrorRate in sha' },
  startsAt: Date.UTC(2026, 10, 23, 0, 32, 21, 733),
  generatorUrl: null,
};

/** A deep copy of `body` with `change` applied. */
function edit(body: unknown, change: (b: any) => void): unknown {
  const copy = structuredClone(body);
  change(copy);
  return copy;
}

const details = (result: ParseResult) => (result.ok ? [] : result.details);

describe('parseAlertmanager (Alertmanager 0.25 fixtures)', () => {
  it('reads a firing alert; the zero end time is null and an empty generatorURL is null', () => {
    expect(parseAlertmanager(AM.firing)).toEqual({
      ok: true,
      alerts: [{ ...HIGH_ERROR_RATE, status: 'firing', endsAt: null }],
    });
  });

  it('reads its resolve, with the end time', () => {
    expect(parseAlertmanager(AM.resolved)).toEqual({
      ok: true,
      alerts: [{ ...HIGH_ERROR_RATE, status: 'resolved', endsAt: Date.UTC(2026, 10, 23, 0, 32, 24) }],
    });
  });

  it('reads every alert of a group, each with its own fingerprint', () => {
    const result = parseAlertmanager(AM.grouped);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.alerts.map((a) => [a.fingerprint, a.name, a.labels.instance, a.status])).toEqual([
      ['9a351529926fac40', 'EdgeLatencyHigh', 'sgp-1', 'firing'],
      ['d313283072e62c4d', 'EdgeLatencyHigh', 'sgp-2', 'firing'],
    ]);
  });

  it('tolerates fields it does not know, in the body and in alerts', () => {
    const body = edit(AM.firing, (b) => {
      b.newField = { deeply: [[[{ nested: true }]]] };
      b.alerts[0].anotherNewField = 42;
    });
    expect(parseAlertmanager(body)).toEqual(parseAlertmanager(AM.firing));
  });

  it('takes labels named like Object properties as plain labels', () => {
    const body = JSON.parse(
      JSON.stringify(AM.firing).replace('"severity":"critical"', '"__proto__":"x","constructor":"y"'),
    );
    const result = parseAlertmanager(body);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const labels = result.alerts[0].labels;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.keys(labels)).toEqual(['alertname', 'idc', 'service', '__proto__', 'constructor']);
  });

  it('gives an alert without alertname the name ""', () => {
    const body = edit(AM.firing, (b) => delete b.alerts[0].labels.alertname);
    const result = parseAlertmanager(body);
    expect(result.ok && result.alerts[0].name).toBe('');
  });

  const LONG = 'x'.repeat(129);
  it.each<[string, unknown, Array<{ path: string; message: string }>]>([
    ['not an object', [AM.firing], [{ path: '', message: 'expected an object' }]],
    ['null', null, [{ path: '', message: 'expected an object' }]],
    ['no version', edit(AM.firing, (b) => delete b.version), [{ path: 'version', message: 'is required' }]],
    [
      'another version',
      edit(AM.firing, (b) => (b.version = '3')),
      [{ path: 'version', message: 'expected "4" (the alertmanager webhook version this receiver reads)' }],
    ],
    [
      'a numeric version',
      edit(AM.firing, (b) => (b.version = 4)),
      [{ path: 'version', message: 'expected a string' }],
    ],
    [
      'an unknown group status',
      edit(AM.firing, (b) => (b.status = 'pending')),
      [{ path: 'status', message: 'expected "firing" or "resolved"' }],
    ],
    [
      'alerts not a list',
      edit(AM.firing, (b) => (b.alerts = { 0: b.alerts[0] })),
      [{ path: 'alerts', message: 'expected an array' }],
    ],
    ['no alerts', edit(AM.firing, (b) => delete b.alerts), [{ path: 'alerts', message: 'is required' }]],
    [
      'more than 1000 alerts',
      edit(AM.firing, (b) => (b.alerts = Array(1001).fill(b.alerts[0]))),
      [{ path: 'alerts', message: 'more than 1000 alerts (the limit per request)' }],
    ],
    [
      'a label that is not a string',
      edit(AM.grouped, (b) => (b.alerts[1].labels.idc = 5)),
      [{ path: 'alerts[1].labels.idc', message: 'expected a string' }],
    ],
    [
      'a label name that needs quoting',
      edit(AM.firing, (b) => (b.alerts[0].labels['app.kubernetes.io/name'] = null)),
      [{ path: 'alerts[0].labels["app.kubernetes.io/name"]', message: 'expected a string' }],
    ],
    [
      'labels null',
      edit(AM.firing, (b) => (b.alerts[0].labels = null)),
      [{ path: 'alerts[0].labels', message: 'expected an object of strings' }],
    ],
    [
      'an alert status',
      edit(AM.firing, (b) => (b.alerts[0].status = 'FIRING')),
      [{ path: 'alerts[0].status', message: 'expected "firing" or "resolved"' }],
    ],
    [
      'a start time that is not RFC 3339',
      edit(AM.firing, (b) => (b.alerts[0].startsAt = '2026-11-23 00:32:21')),
      [
        {
          path: 'alerts[0].startsAt',
          message: 'expected an RFC 3339 timestamp such as 2030-01-02T03:04:05Z',
        },
      ],
    ],
    [
      'a zero start time',
      edit(AM.firing, (b) => (b.alerts[0].startsAt = '0001-01-01T00:00:00Z')),
      [{ path: 'alerts[0].startsAt', message: 'expected a time, not zero' }],
    ],
    [
      'a zero start time written with milliseconds',
      edit(AM.firing, (b) => (b.alerts[0].startsAt = '0001-01-01T00:00:00.000Z')),
      [{ path: 'alerts[0].startsAt', message: 'expected a time, not zero' }],
    ],
    [
      'an end before the start',
      edit(AM.resolved, (b) => (b.alerts[0].endsAt = '2020-01-01T00:00:00Z')),
      [{ path: 'alerts[0].endsAt', message: 'is before startsAt' }],
    ],
    [
      'an end time on a day that does not exist',
      edit(AM.resolved, (b) => (b.alerts[0].endsAt = '2026-02-29T00:00:00Z')),
      [
        {
          path: 'alerts[0].endsAt',
          message: 'expected an RFC 3339 timestamp such as 2030-01-02T03:04:05Z',
        },
      ],
    ],
    [
      'a generatorURL that is not http(s)',
      edit(AM.firing, (b) => (b.alerts[0].generatorURL = 'javascript:alert(1)')),
      [{ path: 'alerts[0].generatorURL', message: 'expected an http(s) URL' }],
    ],
    [
      'no fingerprint',
      edit(AM.firing, (b) => delete b.alerts[0].fingerprint),
      [{ path: 'alerts[0].fingerprint', message: 'is required' }],
    ],
    [
      'a fingerprint with a space',
      edit(AM.firing, (b) => (b.alerts[0].fingerprint = 'c0da ecc8')),
      [{ path: 'alerts[0].fingerprint', message: 'expected letters, digits, "_", ".", ":" or "-"' }],
    ],
    [
      'an empty fingerprint',
      edit(AM.firing, (b) => (b.alerts[0].fingerprint = '')),
      [{ path: 'alerts[0].fingerprint', message: 'expected 1-128 characters' }],
    ],
    [
      'a label name over 128 characters',
      edit(AM.firing, (b) => (b.alerts[0].labels[LONG] = 'v')),
      [{ path: `alerts[0].labels.${LONG}`, message: 'name longer than 128 characters' }],
    ],
    [
      'an empty label name',
      edit(AM.firing, (b) => (b.alerts[0].labels[''] = 'v')),
      [{ path: 'alerts[0].labels', message: 'a name is empty' }],
    ],
    [
      'an annotation over 16 KiB (in UTF-8 bytes)',
      edit(AM.firing, (b) => (b.alerts[0].annotations.description = 'é'.repeat(8193))),
      [{ path: 'alerts[0].annotations.description', message: 'value longer than 16384 bytes (UTF-8)' }],
    ],
    [
      'more than 64 labels',
      edit(AM.firing, (b) => {
        for (let i = 0; i < 64; i++) b.alerts[0].labels[`l${i}`] = 'v';
      }),
      [{ path: 'alerts[0].labels', message: 'more than 64 labels' }],
    ],
    [
      'a label value with a NUL character (Postgres cannot store it)',
      edit(AM.firing, (b) => (b.alerts[0].labels.idc = 'sh\u0000a')),
      [{ path: 'alerts[0].labels.idc', message: 'contains a NUL character or an unpaired surrogate' }],
    ],
    [
      'an annotation with an unpaired surrogate',
      edit(AM.firing, (b) => (b.alerts[0].annotations.summary = 'x\ud800')),
      [
        {
          path: 'alerts[0].annotations.summary',
          message: 'contains a NUL character or an unpaired surrogate',
        },
      ],
    ],
    [
      'a label name with a NUL character',
      edit(AM.firing, (b) => (b.alerts[0].labels['a\u0000'] = 'v')),
      [{ path: 'alerts[0].labels', message: 'a name contains a NUL character or an unpaired surrogate' }],
    ],
    [
      'a generatorURL with a control character',
      edit(AM.firing, (b) => (b.alerts[0].generatorURL = 'http://x/\u0001')),
      [{ path: 'alerts[0].generatorURL', message: 'expected an http(s) URL' }],
    ],
    [
      'a start time that an offset moves before year 1',
      edit(AM.firing, (b) => (b.alerts[0].startsAt = '0001-01-01T00:00:00+01:00')),
      [
        {
          path: 'alerts[0].startsAt',
          message: 'expected an RFC 3339 timestamp such as 2030-01-02T03:04:05Z',
        },
      ],
    ],
    [
      'a negative truncatedAlerts',
      edit(AM.firing, (b) => (b.truncatedAlerts = -1)),
      [{ path: 'truncatedAlerts', message: 'expected a whole number of at least 0' }],
    ],
    [
      'a receiver that is not a string',
      edit(AM.firing, (b) => (b.receiver = ['vigil'])),
      [{ path: 'receiver', message: 'expected a string' }],
    ],
    [
      'a common label that is not a string',
      edit(AM.firing, (b) => (b.commonLabels.idc = true)),
      [{ path: 'commonLabels.idc', message: 'expected a string' }],
    ],
    [
      'several problems at once, each listed',
      edit(AM.grouped, (b) => {
        b.alerts[0].status = 1;
        b.alerts[1].labels = 'x';
        b.groupKey = 7;
      }),
      [
        { path: 'groupKey', message: 'expected a string' },
        { path: 'alerts[0].status', message: 'expected a string' },
        { path: 'alerts[1].labels', message: 'expected an object of strings' },
      ],
    ],
  ])('refuses %s, naming the field', (_title, body, expected) => {
    expect(parseAlertmanager(body)).toEqual({ ok: false, details: expected });
  });

  it('lists at most 50 problems and counts the rest', () => {
    const body = edit(AM.firing, (b) => (b.alerts = Array(60).fill({ ...b.alerts[0], status: 'x' })));
    const found = details(parseAlertmanager(body));
    expect(found).toHaveLength(51);
    expect(found[50]).toEqual({ path: '', message: 'and 10 more problem(s) not listed' });
  });
});

describe('parseGrafana (documented webhook contact point body)', () => {
  it('reads every alert; offsets in start times are honoured; URLs kept', () => {
    expect(parseGrafana(GRAFANA.firing)).toEqual({
      ok: true,
      alerts: [
        {
          fingerprint: '5e1b7c2f9a3d4e60',
          source: 'grafana',
          name: 'EdgeCpuHigh',
          status: 'firing',
          labels: {
            alertname: 'EdgeCpuHigh',
            grafana_folder: 'live',
            idc: 'bjs',
            instance: 'bjs-edge-1',
            service: 'live-edge',
          },
          annotations: {
            description: 'CPU above 90% for 5 minutes',
            runbook_url: 'https://runbooks.example/edge-cpu',
            summary: 'bjs-edge-1 CPU at 94%',
          },
          startsAt: Date.UTC(2026, 10, 23, 0, 32, 10, 112),
          endsAt: null,
          generatorUrl: 'https://grafana.example/alerting/grafana/d1rdpdv7k/view?orgId=1',
        },
        expect.objectContaining({ fingerprint: 'a07c3b5d21e9f814', status: 'firing' }),
      ],
    });
  });

  it('reads a resolve with values null', () => {
    const result = parseGrafana(GRAFANA.resolved);
    expect(result).toEqual({
      ok: true,
      alerts: [
        expect.objectContaining({
          fingerprint: '5e1b7c2f9a3d4e60',
          status: 'resolved',
          endsAt: Date.UTC(2026, 10, 23, 0, 41, 10),
        }),
      ],
    });
  });

  it.each<[string, unknown, Array<{ path: string; message: string }>]>([
    [
      'an Alertmanager body (version 4)',
      AM.firing,
      [{ path: 'version', message: 'expected "1" (the grafana webhook version this receiver reads)' }],
    ],
    [
      'a value that is not a number',
      edit(GRAFANA.firing, (b) => (b.alerts[0].values.B = '94')),
      [{ path: 'alerts[0].values.B', message: 'expected a number' }],
    ],
    [
      'values that are a list',
      edit(GRAFANA.firing, (b) => (b.alerts[1].values = [1])),
      [{ path: 'alerts[1].values', message: 'expected an object of numbers' }],
    ],
    [
      'an orgId that is a string',
      edit(GRAFANA.firing, (b) => (b.orgId = '1')),
      [{ path: 'orgId', message: 'expected a whole number of at least 0' }],
    ],
    [
      'a silenceURL that is not a string',
      edit(GRAFANA.firing, (b) => (b.alerts[0].silenceURL = {})),
      [{ path: 'alerts[0].silenceURL', message: 'expected a string' }],
    ],
    [
      'a message that is not a string',
      edit(GRAFANA.firing, (b) => (b.message = null)),
      [{ path: 'message', message: 'expected a string' }],
    ],
  ])('refuses %s', (_title, body, expected) => {
    expect(parseGrafana(body)).toEqual({ ok: false, details: expected });
  });
});

/** Every field path of a JSON value, with the value there. */
function leaves(value: unknown, path: Array<string | number> = []): Array<[Array<string | number>, unknown]> {
  const here: Array<[Array<string | number>, unknown]> = path.length ? [[path, value]] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => leaves(v, [...path, i]))];
  if (typeof value === 'object' && value !== null)
    return [...here, ...Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))];
  return here;
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const SAMPLES: unknown[] = [null, true, 0, -1.5, 'text', [], ['a'], {}, { a: 1 }];

describe.each([
  ['alertmanager', parseAlertmanager, AM.firing],
  ['alertmanager', parseAlertmanager, AM.grouped],
  ['alertmanager', parseAlertmanager, AM.resolved],
  ['grafana', parseGrafana, GRAFANA.firing],
  ['grafana', parseGrafana, GRAFANA.resolved],
])('%s: a wrong type at any field of a fixture', (_source, parse, body) => {
  const cases = leaves(body).flatMap(([path, value]) =>
    SAMPLES.filter((s) => kind(s) !== kind(value))
      // Grafana's `values` may be null or a map of numbers ({} and {a: 1} are both).
      .filter((s) => !(path[path.length - 1] === 'values' && (s === null || kind(s) === 'object')))
      .map((sample) => [path.join('.'), kind(sample), path, sample] as const),
  );

  it('is refused with a detail at that field or inside it, never thrown', () => {
    expect(cases.length).toBeGreaterThan(100);
    for (const [name, , path, sample] of cases) {
      const broken = edit(body, (b) => {
        let target = b;
        for (const key of path.slice(0, -1)) target = target[key];
        target[path[path.length - 1]] = sample;
      });
      const result = parse(broken);
      if (result.ok) throw new Error(`accepted ${kind(sample)} at ${name}`);
      expect(result.details.length).toBeGreaterThan(0);
    }
  });
});
