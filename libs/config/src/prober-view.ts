import type { Env } from './env';
import { checkVantages } from './resolve';
import { openSecret } from './secrets';
import { proberPublicKey, sealForVantages } from './vantage-seal';
import { anyConfigSchemas, type StoredConfig, type VigilConfig } from './schema';
import { isPlainSecret, isSealedSecret, isSecretRef, REDACTED, type AnySecret } from './secret-types';
import { mapSecrets } from './secret-walk';

/**
 * Turns a secret a check needs into a form only the probers of `vantages` can open (sealForVantages),
 * or returns undefined to withhold it.
 */
export type Reseal = (secret: AnySecret, vantages: readonly string[]) => AnySecret | undefined;

const WITHHELD = { value: REDACTED };

/**
 * What a remote prober is given of a config (published to Redis by the API): the IDCs and the
 * services' endpoints and checks. Every secret but a secretRef is withheld as `{value: "<redacted>"}`,
 * so a Redis client never sees a sealed secret, let alone a plaintext one, unless `reseal` seals a
 * check's secret again for the vantages that run it (their X25519 keys); rules, channels,
 * notifications, alerts and traffic managers are left out: a prober uses none of them.
 */
export function proberView(config: VigilConfig, reseal?: Reseal): StoredConfig {
  // A prober uses no secret outside the checks: those are withheld whatever `reseal` would do.
  const withhold = (part: object) => mapSecrets(part, (secret) => (isSecretRef(secret) ? secret : WITHHELD));
  const view = {
    apiVersion: config.apiVersion,
    idcs: config.idcs,
    services: config.services.map(({ trafficManager: _unused, checks, ...service }) => ({
      ...(withhold(service) as object),
      checks: checks.map((check) =>
        mapSecrets(check, (secret) =>
          isSecretRef(secret) ? secret : (reseal?.(secret, checkVantages(config, check)) ?? WITHHELD),
        ),
      ),
    })),
  };
  return view as unknown as StoredConfig;
}

/**
 * Reads a published prober view, with the defaults of fields added since it was published. A view
 * the current schema refuses is handed on as published, with `onError` told why (as withCurrentDefaults).
 * Typed as a StoredConfig: the one other secret form it holds, the withheld one, is refused by
 * openSecret and told apart by isWithheldSecret.
 */
export function readProberView(document: unknown, onError: (message: string) => void): StoredConfig {
  const parsed = anyConfigSchemas.config.safeParse(document);
  if (parsed.success) return parsed.data as StoredConfig;
  const issue = parsed.error.issues[0];
  onError(
    `the published document does not match the current schema (${issue?.path.join('.')}: ${issue?.message}); used as published`,
  );
  return document as StoredConfig;
}

/** True for a secret that proberView withheld (every one but a secretRef). */
export function isWithheldSecret(secret: AnySecret): boolean {
  return isPlainSecret(secret) && secret.value === REDACTED;
}

/**
 * The API's Reseal (see proberView): a sealed secret is opened with VIGIL_SECRET_KEY and sealed again
 * for those of the check's vantages that have a key in VIGIL_PROBER_KEYS; withheld when none has.
 * Undefined without prober keys or without the master key.
 */
export function vantageResealer(
  env: Pick<Env, 'VIGIL_SECRET_KEY' | 'VIGIL_SECRET_REF_PREFIX' | 'VIGIL_PROBER_KEYS'>,
): Reseal | undefined {
  if (!env.VIGIL_PROBER_KEYS || !env.VIGIL_SECRET_KEY) return undefined;
  const keys = new Map(Object.entries(env.VIGIL_PROBER_KEYS).map(([v, key]) => [v, proberPublicKey(key)]));
  return (secret, vantages) => {
    if (!isSealedSecret(secret)) return undefined;
    const recipients = new Map(vantages.flatMap((v) => (keys.has(v) ? [[v, keys.get(v)!] as const] : [])));
    if (recipients.size === 0) return undefined;
    // No fingerprint: it is keyed by the master key, which a prober does not have.
    return { encrypted: sealForVantages(openSecret(secret, env, {}), recipients), fingerprint: '' };
  };
}
