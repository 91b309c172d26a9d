import { isDefaulted, markDefaulted } from './defaulted';
import type { Env } from './env';
import { ConfigIssue } from './path';
import { Config, StoredConfig, VigilConfig } from './schema';
import { decrypt, deriveKey, encrypt, fingerprintOf } from './secret-crypto';
import {
  AnySecret,
  isPlainSecret,
  isSealedSecret,
  isSecretRef,
  PlainSecret,
  REDACTED,
  SealedSecret,
} from './secret-types';
import { refusedSecretRef, secretRefPolicy } from './secret-policy';
import { secretDestinations, type DescribeSecret } from './secret-destination';
import { mapSecrets, visitSecrets } from './secret-walk';

export type SealResult = { ok: true; config: StoredConfig } | { ok: false; details: ConfigIssue[] };

/**
 * Prepares a validated config for storage: every `{value}` secret is encrypted (AES-256-GCM with a key
 * derived from `key`, the operator's VIGIL_SECRET_KEY) and fingerprinted. `{value: "<redacted>"}`, as
 * returned by redactSecrets, keeps the stored secret at the same place of `previous` (places are
 * matched by name, so reordering lists is safe), but only while that secret is sent where it was
 * (secretDestinations): a redacted secret must not follow a re-pointed url to a new receiver.
 * A given value is always sealed anew, even when it equals the stored one, so that neither the plan
 * nor the apply tells whether a guessed value was right. secretRefs are kept as they are. Reports
 * every secret that cannot be sealed, with its path.
 */
export function sealSecrets(
  config: VigilConfig,
  previous: VigilConfig | null,
  key: string | undefined,
): SealResult {
  const stored = new Map<string, AnySecret>();
  if (previous) visitSecrets(previous, (secret, at) => stored.set(at.id, secret));
  const aesKey = key ? deriveKey(key) : undefined;
  const moved = previous ? movedSecrets(previous, config, sameAs(stored, aesKey)) : new Set<string>();
  const details: ConfigIssue[] = [];
  const sealed = mapSecrets(config, (secret, at) => {
    if (!isPlainSecret(secret)) return secret;
    const before = stored.get(at.id);
    const kept = before && isSealedSecret(before) ? before : undefined;
    const result = sealOne(secret, kept, moved.has(at.id), aesKey);
    if (typeof result === 'string') details.push({ path: at.path, message: result });
    return result;
  });
  if (details.length) return { ok: false, details };
  // Sealing changes secrets only: a config that had its defaults keeps them.
  return {
    ok: true,
    config: (isDefaulted(config) ? markDefaulted(sealed as object) : sealed) as StoredConfig,
  };
}

/**
 * Names a secret that is a destination (a Lark webhook URL) so that the stored one and the same value
 * given again, or redacted, compare equal: by the fingerprint sealing gives (or has given) it.
 */
function sameAs(stored: ReadonlyMap<string, AnySecret>, aesKey: Buffer | undefined): DescribeSecret {
  const describe: DescribeSecret = (secret, id) => {
    if (isSecretRef(secret)) return `$${secret.secretRef}`;
    if (isSealedSecret(secret)) return `sealed ${secret.fingerprint}`;
    if (secret.value === REDACTED) {
      const kept = stored.get(id);
      return kept && !isPlainSecret(kept) ? describe(kept, id) : 'redacted';
    }
    return aesKey ? `sealed ${fingerprintOf(aesKey, secret.value)}` : 'plain';
  };
  return describe;
}

/** The ids of the secrets whose destination differs between the two versions. */
function movedSecrets(previous: VigilConfig, next: VigilConfig, describe: DescribeSecret): Set<string> {
  const before = secretDestinations(previous, describe);
  const after = secretDestinations(next, describe);
  const ids = [...new Set([...before.keys(), ...after.keys()])];
  return new Set(ids.filter((id) => before.get(id) !== after.get(id)));
}

/** The sealed form of one plain secret, or a message saying why it cannot be sealed. */
function sealOne(
  secret: PlainSecret,
  previous: SealedSecret | undefined,
  moved: boolean,
  aesKey: Buffer | undefined,
): SealedSecret | string {
  if (secret.value === REDACTED) {
    if (!previous)
      return `is "${REDACTED}" but no stored secret exists at this path to keep; send the value again`;
    if (moved) {
      return `is "${REDACTED}" but where this secret is sent changed; send the value again to send it there`;
    }
    return previous;
  }
  if (!aesKey) {
    return 'a plaintext secret needs VIGIL_SECRET_KEY to be set on the server; set it, or use {secretRef: ENV_NAME}';
  }
  return { encrypted: encrypt(aesKey, secret.value), fingerprint: fingerprintOf(aesKey, secret.value) };
}

/**
 * A copy safe to show: every stored (or plaintext) secret becomes `{value: "<redacted>"}`; secretRefs
 * are kept. Sending the redacted config back to sealSecrets keeps the stored secrets.
 */
export function redactSecrets(config: VigilConfig): Config {
  return mapSecrets(config, (secret) => (isSecretRef(secret) ? secret : { value: REDACTED })) as Config;
}

/** What opening a secret needs from the environment: the sealing key and the secretRef prefix. */
export type SecretEnv = Pick<Env, 'VIGIL_SECRET_KEY' | 'VIGIL_SECRET_REF_PREFIX'>;

/**
 * The plaintext of a secret, for adapters that use it: a secretRef reads `source` (the process
 * environment) when the secretRef policy allows the name (a stored config may predate the policy), a
 * sealed secret is decrypted with VIGIL_SECRET_KEY.
 * @throws Error when the name is refused, the variable is unset, the key is missing or wrong, or the
 * secret is redacted. The message never holds a secret.
 */
export function openSecret(
  secret: AnySecret,
  env: SecretEnv,
  source: Readonly<Record<string, string | undefined>>,
): string {
  if (isSecretRef(secret)) {
    const refused = refusedSecretRef(secret.secretRef, secretRefPolicy(env));
    if (refused) throw new Error(`secretRef ${secret.secretRef} is refused: ${refused}`);
    const value = source[secret.secretRef];
    if (value === undefined) throw new Error(`environment variable ${secret.secretRef} is not set`);
    return value;
  }
  if (isPlainSecret(secret)) {
    if (secret.value === REDACTED) throw new Error('cannot open a redacted secret');
    return secret.value;
  }
  if (!env.VIGIL_SECRET_KEY) throw new Error('VIGIL_SECRET_KEY is not set: cannot decrypt a stored secret');
  return decrypt(deriveKey(env.VIGIL_SECRET_KEY), secret.encrypted);
}
