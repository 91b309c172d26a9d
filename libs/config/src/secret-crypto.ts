import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Prefix of the encrypted form, so that the format can change later without guessing. */
const FORMAT = 'v1:';

/** The 32-byte AES key: SHA-256 of the operator's VIGIL_SECRET_KEY string. */
export function deriveKey(secretKey: string): Buffer {
  return createHash('sha256').update(secretKey, 'utf8').digest();
}

/** First 16 hex characters of HMAC-SHA256(key, value): compares secrets without revealing them. */
export function fingerprintOf(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, 16);
}

/** AES-256-GCM with a random IV: `v1:` + base64(iv | tag | ciphertext). */
export function encrypt(key: Buffer, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return FORMAT + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/**
 * Reverses encrypt.
 * @throws Error when the data is malformed or the key is wrong (GCM authentication fails).
 */
export function decrypt(key: Buffer, encrypted: string): string {
  if (!encrypted.startsWith(FORMAT)) throw new Error('cannot decrypt secret: unknown format');
  const raw = Buffer.from(encrypted.slice(FORMAT.length), 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('cannot decrypt secret: data too short');
  const decipher = createDecipheriv(ALGORITHM, key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new Error('cannot decrypt secret: wrong VIGIL_SECRET_KEY or corrupted data');
  }
}
