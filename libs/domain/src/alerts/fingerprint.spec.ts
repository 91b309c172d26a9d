import { compareCodePoints, labelsFingerprint, utf8Bytes } from './fingerprint';

/** The reference: Prometheus' labelSetToFingerprint, with BigInt and Node's UTF-8 encoder. */
function reference(labels: Record<string, string>): string {
  const mask = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  const add = (byte: number) => {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & mask;
  };
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    for (const byte of Buffer.from(name)) add(byte);
    add(0xff);
    for (const byte of Buffer.from(labels[name])) add(byte);
    add(0xff);
  }
  return h.toString(16).padStart(16, '0');
}

/** A small seeded PRNG (mulberry32), so a failure names a reproducible case. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'z', 'A', '_', '0', 'é', '中', '\uffff', '😀', '\ud800', ' ', '=', '\u0000'];

describe('labelsFingerprint', () => {
  it.each([
    [
      'c0daecc84bfad185',
      { alertname: 'HighErrorRate', idc: 'sha', service: 'live-edge', severity: 'critical' },
    ],
    [
      '9a351529926fac40',
      {
        alertname: 'EdgeLatencyHigh',
        idc: 'sgp',
        instance: 'sgp-1',
        service: 'live-edge',
        severity: 'warning',
      },
    ],
    [
      'd313283072e62c4d',
      {
        alertname: 'EdgeLatencyHigh',
        idc: 'sgp',
        instance: 'sgp-2',
        service: 'live-edge',
        severity: 'warning',
      },
    ],
    ['cbf29ce484222325', {}],
  ])('is Alertmanager 0.25 fingerprint %s', (expected, labels) => {
    expect(labelsFingerprint(labels)).toBe(expected);
  });

  it('does not depend on the order of the labels', () => {
    expect(labelsFingerprint({ b: '2', a: '1' })).toBe(labelsFingerprint({ a: '1', b: '2' }));
    expect(labelsFingerprint({ a: '1', b: '2' })).not.toBe(labelsFingerprint({ a: '2', b: '1' }));
    // The separator keeps name and value apart.
    expect(labelsFingerprint({ ab: 'c' })).not.toBe(labelsFingerprint({ a: 'bc' }));
  });

  it('equals the BigInt reference on 500 random label sets (seed 6)', () => {
    const random = prng(6);
    const text = (max: number) =>
      Array.from(
        { length: Math.floor(random() * max) },
        () => ALPHABET[Math.floor(random() * ALPHABET.length)],
      ).join('');
    for (let i = 0; i < 500; i++) {
      const labels: Record<string, string> = {};
      const count = Math.floor(random() * 6);
      for (let j = 0; j < count; j++) labels[text(6) || 'x'] = text(12);
      expect([labels, labelsFingerprint(labels)]).toEqual([labels, reference(labels)]);
    }
  });
});

describe('compareCodePoints', () => {
  it('orders by code point (UTF-8 bytes), not UTF-16 units', () => {
    // U+FFFF sorts before U+1F600 by code point, after it by UTF-16 unit (0xD83D).
    expect(['😀', '\uffff'].sort(compareCodePoints)).toEqual(['\uffff', '😀']);
    expect(['b', 'a', 'ab', ''].sort(compareCodePoints)).toEqual(['', 'a', 'ab', 'b']);
  });
});

describe('utf8Bytes', () => {
  it.each(['', 'abc', 'é', '中文', '😀', '\ud800', 'a\udc00b', 'x'.repeat(1000)])('%j', (text) => {
    expect(utf8Bytes(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });
});
