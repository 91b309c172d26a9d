import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/** Prefix of a secret sealed for vantages: `x1:` + base64(JSON {vantage: blob}). */
const FORMAT = 'x1:';
const INFO = Buffer.from('vigil prober secret x1');
const PUBLIC_BYTES = 44; // X25519 SPKI DER
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A prober's X25519 public key from its base64 SPKI DER form (VIGIL_PROBER_KEYS on the API). */
export function proberPublicKey(base64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'x25519') throw new Error('expected an X25519 public key');
  return key;
}

/** A prober's X25519 private key from its base64 PKCS#8 DER form (VIGIL_PROBER_KEY on the prober). */
export function proberPrivateKey(base64: string): KeyObject {
  const key = createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'x25519') throw new Error('expected an X25519 private key');
  return key;
}

/** A new key pair as the variables hold them: `public` for VIGIL_PROBER_KEYS, `private` for VIGIL_PROBER_KEY. */
export function newProberKeyPair(): { public: string; private: string } {
  const pair = generateKeyPairSync('x25519');
  return {
    public: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    private: pair.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
}

const aesKey = (shared: Buffer, ephemeral: Buffer) =>
  Buffer.from(hkdfSync('sha256', shared, ephemeral, INFO, 32));

/** ECIES for one prober: ephemeral X25519, HKDF-SHA256, AES-256-GCM; `ephemeral | iv | tag | ciphertext`. */
function sealOne(plaintext: string, to: KeyObject): string {
  const eph = generateKeyPairSync('x25519');
  const ephPublic = eph.publicKey.export({ type: 'spki', format: 'der' });
  const key = aesKey(diffieHellman({ privateKey: eph.privateKey, publicKey: to }), ephPublic);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([ephPublic, iv, cipher.getAuthTag(), body]).toString('base64');
}

/**
 * Seals `plaintext` for each of `recipients` (vantage -> public key) so that only the holder of that
 * vantage's private key can open it. Nothing in the result opens with the master VIGIL_SECRET_KEY.
 */
export function sealForVantages(plaintext: string, recipients: ReadonlyMap<string, KeyObject>): string {
  const blobs = Object.fromEntries(
    [...recipients].map(([vantage, key]) => [vantage, sealOne(plaintext, key)]),
  );
  return FORMAT + Buffer.from(JSON.stringify(blobs)).toString('base64');
}

/** True for the form sealForVantages writes. */
export const isSealedForVantages = (encrypted: string): boolean => encrypted.startsWith(FORMAT);

/**
 * Opens a secret sealed for vantages with `vantage`'s private key.
 * @throws Error when it was not sealed for this vantage, or the key is not the one it was sealed for.
 */
export function openForVantage(encrypted: string, vantage: string, key: KeyObject): string {
  const blobs = JSON.parse(Buffer.from(encrypted.slice(FORMAT.length), 'base64').toString()) as Record<
    string,
    string
  >;
  const blob = Object.hasOwn(blobs, vantage) ? blobs[vantage] : undefined;
  if (blob === undefined) throw new Error(`this secret is not sealed for vantage ${vantage}`);
  const raw = Buffer.from(blob, 'base64');
  const ephPublic = raw.subarray(0, PUBLIC_BYTES);
  const iv = raw.subarray(PUBLIC_BYTES, PUBLIC_BYTES + IV_BYTES);
  const tag = raw.subarray(PUBLIC_BYTES + IV_BYTES, PUBLIC_BYTES + IV_BYTES + TAG_BYTES);
  const shared = diffieHellman({
    privateKey: key,
    publicKey: createPublicKey({ key: ephPublic, format: 'der', type: 'spki' }),
  });
  const decipher = createDecipheriv('aes-256-gcm', aesKey(shared, ephPublic), iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(raw.subarray(PUBLIC_BYTES + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new Error(`cannot open the secret sealed for ${vantage}: wrong VIGIL_PROBER_KEY`);
  }
}
