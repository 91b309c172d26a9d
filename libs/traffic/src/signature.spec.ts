import { createHmac } from 'node:crypto';
import { signatureHeaders, signBody, verifySignature } from './signature';

const SECRET = 'tm-secret';
const BODY = JSON.stringify({ service: 'edge', weights: { sha: 50, bjs: 50 } });
const NOW = 1_800_000_000_000; // epoch ms
const TS = String(NOW / 1000);

describe('signBody', () => {
  it('is sha256=<hex> of HMAC-SHA256 over "<timestamp>.<body>"', () => {
    const hex = createHmac('sha256', SECRET).update(`${TS}.${BODY}`).digest('hex');
    expect(signBody(SECRET, TS, BODY)).toBe(`sha256=${hex}`);
    expect(signBody(SECRET, Number(TS), Buffer.from(BODY))).toBe(`sha256=${hex}`);
  });

  it('signatureHeaders uses whole unix seconds', () => {
    const headers = signatureHeaders(SECRET, BODY, NOW + 999);
    expect(headers['X-Vigil-Timestamp']).toBe(TS);
    expect(headers['X-Vigil-Signature']).toBe(signBody(SECRET, TS, BODY));
  });
});

describe('verifySignature', () => {
  const signed = () => signatureHeaders(SECRET, BODY, NOW);

  it('accepts its own signature, headers in any case, body as string or bytes', () => {
    expect(verifySignature(SECRET, signed(), BODY, NOW)).toEqual({ ok: true, timestamp: Number(TS) });
    const lower = Object.fromEntries(Object.entries(signed()).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifySignature(SECRET, lower, Buffer.from(BODY), NOW).ok).toBe(true);
  });

  it('accepts any of several secrets (rotation)', () => {
    expect(verifySignature(['new-secret', SECRET], signed(), BODY, NOW).ok).toBe(true);
  });

  it.each<[string, () => [Record<string, string>, string], RegExp]>([
    ['a tampered body', () => [signed(), BODY.replace('50', '51')], /does not match/],
    [
      'a tampered timestamp',
      () => [{ ...signed(), 'X-Vigil-Timestamp': String(Number(TS) + 1) }, BODY],
      /does not match/,
    ],
    ['another secret', () => [signatureHeaders('other', BODY, NOW), BODY], /does not match/],
    [
      'no timestamp',
      () => [{ 'X-Vigil-Signature': signed()['X-Vigil-Signature'] }, BODY],
      /missing X-Vigil-Timestamp/,
    ],
    ['no signature', () => [{ 'X-Vigil-Timestamp': TS }, BODY], /missing X-Vigil-Signature/],
    [
      'a malformed timestamp',
      () => [{ ...signed(), 'X-Vigil-Timestamp': '1.5e9' }, BODY],
      /malformed X-Vigil-Timestamp/,
    ],
    [
      'a malformed signature',
      () => [{ ...signed(), 'X-Vigil-Signature': 'sha1=abc' }, BODY],
      /malformed X-Vigil-Signature/,
    ],
    [
      'an uppercase-hex signature',
      () => [{ ...signed(), 'X-Vigil-Signature': signed()['X-Vigil-Signature'].toUpperCase() }, BODY],
      /malformed/,
    ],
  ])('rejects %s', (_name, make, reason) => {
    const [headers, body] = make();
    const result = verifySignature(SECRET, headers, body, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('rejects a replay outside the tolerance, in both directions, and accepts inside it', () => {
    const headers = signed();
    expect(verifySignature(SECRET, headers, BODY, NOW + 300_000).ok).toBe(true);
    const late = verifySignature(SECRET, headers, BODY, NOW + 301_000);
    expect(late).toEqual({ ok: false, reason: 'timestamp outside the 300s tolerance' });
    expect(verifySignature(SECRET, headers, BODY, NOW - 301_000).ok).toBe(false);
    expect(verifySignature(SECRET, headers, BODY, NOW + 20_000, 10).ok).toBe(false);
  });
});
