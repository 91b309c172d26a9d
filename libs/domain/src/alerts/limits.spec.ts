import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGeneric } from './generic';
import { parseAlertmanager, parseGrafana } from './senders';
import { ALERT_LIMITS, type FieldIssue, type ParseResult } from './types';

const fixture = (name: string): any =>
  JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures', `${name}.json`), 'utf8'));

/** Each sender's body with its fourth alert's labels and annotations set by the test. */
const SENDERS: Array<[string, (labels: object, annotations: object) => ParseResult]> = [
  [
    'alertmanager',
    (labels, annotations) =>
      parseAlertmanager(withAlert(fixture('alertmanager-0.25-firing'), labels, annotations)),
  ],
  [
    'grafana',
    (labels, annotations) => parseGrafana(withAlert(fixture('grafana-11-firing'), labels, annotations)),
  ],
  [
    'generic',
    (labels, annotations) =>
      parseGeneric(withAlert({ alerts: [{ labels: { alertname: 'A' } }] }, labels, annotations), 0),
  ],
];

/** The body's first alert four times over (fingerprints apart), the fourth one's maps replaced. */
function withAlert(body: any, labels: object, annotations: object): unknown {
  const [first] = body.alerts;
  body.alerts = [0, 1, 2, 3].map((i) => ({
    ...first,
    ...(first.fingerprint && { fingerprint: `${first.fingerprint}${i}` }),
  }));
  body.alerts[3] = { ...first, labels: { alertname: 'A', ...labels }, annotations };
  return body;
}

const many = (n: number, value = 'v') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value]));
const name = (length: number) => 'n'.repeat(length);
/** Values whose names ("k0", "k1"...) and values come to exactly `total` UTF-8 bytes. */
function sized(total: number, count: number): Record<string, string> {
  const names = Array.from({ length: count }, (_, i) => `k${i}`);
  const room = total - names.join('').length;
  return Object.fromEntries(
    names.map((k, i) => [k, 'x'.repeat(Math.floor(room / count) + (i < room % count ? 1 : 0))]),
  );
}
const ALERTNAME = 'alertname'.length + 1; // the label every alert keeps: alertname="A"

// [title, labels, annotations, issue or null (accepted)]
const CASES: Array<[string, object, object, FieldIssue | null]> = [
  ['64 labels', many(63), {}, null],
  ['65 labels', many(64), {}, { path: 'alerts[3].labels', message: 'more than 64 labels' }],
  ['a label name of 128 characters', { [name(128)]: 'v' }, {}, null],
  [
    'a label name of 129 characters',
    { [name(129)]: 'v' },
    {},
    { path: `alerts[3].labels.${name(129)}`, message: 'name longer than 128 characters' },
  ],
  ['a label value of 1024 bytes', { foo: 'é'.repeat(512) }, {}, null],
  [
    'a label value of 1025 bytes (UTF-8, not characters)',
    { foo: `${'é'.repeat(512)}x` },
    {},
    { path: 'alerts[3].labels.foo', message: 'value longer than 1024 bytes (UTF-8)' },
  ],
  ['labels of 8 KiB in all', sized(8192 - ALERTNAME, 10), {}, null],
  [
    'labels of 8 KiB and one byte in all',
    sized(8193 - ALERTNAME, 10),
    {},
    { path: 'alerts[3].labels', message: 'larger than 8 KiB in all (names and values, UTF-8): 8193 bytes' },
  ],
  ['64 annotations', {}, many(64), null],
  ['65 annotations', {}, many(65), { path: 'alerts[3].annotations', message: 'more than 64 annotations' }],
  [
    'an annotation name of 129 characters',
    {},
    { [name(129)]: 'v' },
    { path: `alerts[3].annotations.${name(129)}`, message: 'name longer than 128 characters' },
  ],
  ['one annotation of 16 KiB less its name', {}, sized(16384, 1), null],
  ['annotations of 16 KiB in all', {}, sized(16384, 7), null],
  [
    'annotations of 16 KiB and one byte in all',
    {},
    sized(16385, 7),
    {
      path: 'alerts[3].annotations',
      message: 'larger than 16 KiB in all (names and values, UTF-8): 16385 bytes',
    },
  ],
  [
    'one annotation value over 16 KiB',
    {},
    { description: 'x'.repeat(16385) },
    { path: 'alerts[3].annotations.description', message: 'value longer than 16384 bytes (UTF-8)' },
  ],
];

describe('the size limits of labels and annotations', () => {
  it('are what the docs say', () => {
    expect(ALERT_LIMITS).toMatchObject({
      alerts: 1000,
      labels: 64,
      labelValueBytes: 1024,
      labelBytes: 8192,
      annotations: 64,
      annotationBytes: 16384,
      nameLength: 128,
    });
  });

  describe.each(SENDERS)('%s', (_sender, parse) => {
    it.each(CASES)('%s', (_title, labels, annotations, issue) => {
      const result = parse(labels, annotations);
      if (issue === null) expect(result).toMatchObject({ ok: true, alerts: { length: 4 } });
      else expect(result).toEqual({ ok: false, details: [issue] });
    });
  });

  it('generic: a name that takes the labels over 8 KiB is refused naming the labels', () => {
    const labels = sized(8192 - ALERTNAME, 10);
    const body = { alerts: [{ name: 'AB', labels: { ...labels } }] };
    expect(parseGeneric(body, 0)).toEqual({
      ok: false,
      details: [
        {
          path: 'alerts[0].labels',
          message: 'larger than 8 KiB in all (names and values, UTF-8) with alertname: 8193 bytes',
        },
      ],
    });
  });

  it('lists the problems of every alert, each at its own path', () => {
    const body = {
      alerts: [
        { name: 'A', labels: { foo: 'x'.repeat(1025) } },
        { name: 'B', labels: {}, annotations: { summary: 'x'.repeat(16385) } },
      ],
    };
    expect(parseGeneric(body, 0)).toEqual({
      ok: false,
      details: [
        { path: 'alerts[0].labels.foo', message: 'value longer than 1024 bytes (UTF-8)' },
        { path: 'alerts[1].annotations.summary', message: 'value longer than 16384 bytes (UTF-8)' },
      ],
    });
  });
});
