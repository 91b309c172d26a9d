import { storedConfigSchemas, type StoredConfig } from './schema';

/**
 * A stored config document with the defaults of the fields added since it was stored (a version
 * saved before `policy.failbackBackoff` existed has none, and every reader would have to guess). A
 * document the current schema refuses is handed on as stored, with `onError` told why: following an
 * old version beats following none.
 */
export function withCurrentDefaults(document: unknown, onError: (message: string) => void): StoredConfig {
  const parsed = storedConfigSchemas.config.safeParse(document);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  onError(
    `the stored document does not match the current schema (${issue?.path.join('.')}: ${issue?.message}); used as stored`,
  );
  return document as StoredConfig;
}
