import { anyConfigSchemas, type StoredConfig, type VigilConfig } from './schema';
import { isPlainSecret, isSecretRef, REDACTED, type AnySecret } from './secret-types';
import { mapSecrets } from './secret-walk';

/**
 * What a remote prober is given of a config (published to Redis by the API): the IDCs and the
 * services' endpoints and checks. Every secret but a secretRef is withheld as `{value: "<redacted>"}`,
 * so a Redis client never sees a sealed secret, let alone a plaintext one; rules, channels,
 * notifications, alerts and traffic managers are left out: a prober uses none of them.
 */
export function proberView(config: VigilConfig): StoredConfig {
  const view = {
    apiVersion: config.apiVersion,
    idcs: config.idcs,
    services: config.services.map(({ trafficManager: _unused, ...service }) => service),
  };
  return mapSecrets(view, (secret) => (isSecretRef(secret) ? secret : { value: REDACTED })) as StoredConfig;
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
