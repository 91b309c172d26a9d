/**
 * Prometheus' label-set fingerprint (model.LabelSet.Fingerprint, what Alertmanager sends as
 * `fingerprint`): 64-bit FNV-1a over the label names in byte order, each name and value followed by
 * the byte 0xff, as 16 lowercase hex digits. So a generic alert without a fingerprint gets the one
 * Alertmanager would give the same labels, and the two are one alert.
 */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  const hash = new Fnv1a64();
  for (const name of Object.keys(labels).sort(compareCodePoints)) {
    hash.addString(name);
    hash.addByte(0xff);
    hash.addString(labels[name]);
    hash.addByte(0xff);
  }
  return hash.hex();
}

/** Orders strings as Go does (by UTF-8 bytes, which is code point order), not by UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++; // a surrogate pair, equal in both
  }
  return a.length - b.length;
}

/** The UTF-8 bytes of a code point (lone surrogates as U+FFFD, as TextEncoder does). */
function utf8(cp: number, out: (byte: number) => void): void {
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x80) out(cp);
  else if (cp < 0x800) {
    out(0xc0 | (cp >> 6));
    out(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out(0xe0 | (cp >> 12));
    out(0x80 | ((cp >> 6) & 0x3f));
    out(0x80 | (cp & 0x3f));
  } else {
    out(0xf0 | (cp >> 18));
    out(0x80 | ((cp >> 12) & 0x3f));
    out(0x80 | ((cp >> 6) & 0x3f));
    out(0x80 | (cp & 0x3f));
  }
}

/** UTF-8 length of a string in bytes. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * 64-bit FNV-1a in four 16-bit limbs (plain numbers, no BigInt: this runs over every byte of a body).
 * The prime is 2^40 + 0x1b3, so a multiplication is h * 0x1b3 plus h shifted left by 40 bits.
 */
class Fnv1a64 {
  // Offset basis 0xcbf29ce484222325, low limb first.
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;

  addByte(byte: number): void {
    const h0 = this.h0 ^ byte;
    const t0 = h0 * 0x1b3;
    let t1 = this.h1 * 0x1b3;
    let t2 = this.h2 * 0x1b3 + (h0 << 8);
    let t3 = this.h3 * 0x1b3 + (this.h1 << 8);
    t1 += t0 >>> 16;
    t2 += t1 >>> 16;
    t3 += t2 >>> 16;
    this.h0 = t0 & 0xffff;
    this.h1 = t1 & 0xffff;
    this.h2 = t2 & 0xffff;
    this.h3 = t3 & 0xffff;
  }

  addString(text: string): void {
    for (const char of text) utf8(char.codePointAt(0)!, (byte) => this.addByte(byte));
  }

  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((limb) => limb.toString(16).padStart(4, '0')).join('');
  }
}
