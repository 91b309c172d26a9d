import { createHmac } from 'node:crypto';
import { grafanaSignature, verifyGrafanaSignature } from './grafana-signature';

const SECRET = 'grafana-hmac-secret';
const BODY = JSON.stringify({ receiver: 'vigil', status: 'firing', alerts: [], version: '1' });
const NOW = 1_800_000_000_000; // epoch ms
const TS = String(NOW / 1000);

/** The headers Grafana sends with "Timestamp Header" set to X-Vigil-Timestamp. */
const signed = (secret = SECRET, ts = TS, body = BODY) => ({
  'x-grafana-alerting-signature': grafanaSignature(secret, ts, body),
  'x-vigil-timestamp': ts,
});

describe('grafanaSignature', () => {
  it('is the bare lowercase hex of HMAC-SHA256 over "<timestamp>:<body>", as Grafana computes it', () => {
    const hex = createHmac('sha256', SECRET).update(`${TS}:${BODY}`).digest('hex');
    expect(grafanaSignature(SECRET, TS, BODY)).toBe(hex);
    expect(grafanaSignature(SECRET, Number(TS), Buffer.from(BODY))).toBe(hex);
  });
});

describe('verifyGrafanaSignature', () => {
  it('accepts a fresh signature over the raw bytes, headers in any case', () => {
    expect(verifyGrafanaSignature(SECRET, signed(), BODY, NOW)).toEqual({ ok: true, timestamp: Number(TS) });
    const upper = Object.fromEntries(Object.entries(signed()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyGrafanaSignature(SECRET, upper, Buffer.from(BODY), NOW + 299_000).ok).toBe(true);
  });

  it.each<[string, Record<string, string>, string, RegExp]>([
    ['a tampered body', signed(), `${BODY} `, /does not match/],
    ['another secret', signed('other'), BODY, /does not match/],
    [
      'a tampered timestamp',
      { ...signed(), 'x-vigil-timestamp': String(Number(TS) + 1) },
      BODY,
      /does not match/,
    ],
    [
      "Vigil's '.' separator",
      { ...signed(), 'x-grafana-alerting-signature': dotSigned() },
      BODY,
      /does not match/,
    ],
    [
      'a body-only signature (no timestamp header)',
      noTimestamp(),
      BODY,
      /Timestamp Header to X-Vigil-Timestamp/,
    ],
    ['6 minutes old', signed(SECRET, String(Number(TS) - 360)), BODY, /tolerance/],
    ['6 minutes ahead', signed(SECRET, String(Number(TS) + 360)), BODY, /tolerance/],
    [
      'a sha256= prefix',
      { ...signed(), 'x-grafana-alerting-signature': `sha256=${signed()['x-grafana-alerting-signature']}` },
      BODY,
      /malformed/,
    ],
    [
      'uppercase hex',
      { ...signed(), 'x-grafana-alerting-signature': signed()['x-grafana-alerting-signature'].toUpperCase() },
      BODY,
      /malformed/,
    ],
    ['no signature', { 'x-vigil-timestamp': TS }, BODY, /missing X-Grafana-Alerting-Signature/],
  ])('refuses %s', (_name, headers, body, reason) => {
    const result = verifyGrafanaSignature(SECRET, headers, body, NOW);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});

function dotSigned(): string {
  return createHmac('sha256', SECRET).update(`${TS}.${BODY}`).digest('hex');
}

function noTimestamp(): Record<string, string> {
  return { 'x-grafana-alerting-signature': createHmac('sha256', SECRET).update(BODY).digest('hex') };
}
