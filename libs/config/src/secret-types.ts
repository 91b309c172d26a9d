/** A secret read from the environment of the process that uses it; the config only names the variable. */
export interface SecretRef {
  secretRef: string;
}

/** A plaintext secret as the user writes it. Never persisted: sealSecrets encrypts it. */
export interface PlainSecret {
  value: string;
}

/** The stored (encrypted) form. Internal: never accepted from users. */
export interface SealedSecret {
  encrypted: string;
  fingerprint: string;
}

/** What a user may write in a secret field. */
export type SecretInput = SecretRef | PlainSecret;
/** What is persisted in a secret field. */
export type StoredSecret = SecretRef | SealedSecret;
/** Any of the three forms. */
export type AnySecret = SecretRef | PlainSecret | SealedSecret;

/** The value a redacted secret shows; sending it back unchanged keeps the stored secret. */
export const REDACTED = '<redacted>';

/** Environment variable names accepted in `secretRef`. */
export const ENV_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;

const FORM_KEYS: ReadonlyArray<readonly string[]> = [['secretRef'], ['value'], ['encrypted', 'fingerprint']];

/**
 * True when `value` has exactly the shape of one secret form. The config schema allows these keys
 * nowhere else, so shape alone identifies a secret in a validated config.
 */
export function isSecret(value: unknown): value is AnySecret {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return FORM_KEYS.some(
    (form) =>
      form.length === keys.length &&
      [...form].sort().every((key, i) => key === keys[i] && typeof record[key] === 'string'),
  );
}

/** Narrowing helpers. */
export const isSecretRef = (s: AnySecret): s is SecretRef => 'secretRef' in s;
export const isPlainSecret = (s: AnySecret): s is PlainSecret => 'value' in s;
export const isSealedSecret = (s: AnySecret): s is SealedSecret => 'encrypted' in s;
