import { stringify } from 'yaml';
import { ConfigFormat } from './parse';
import { anyConfigSchemas, VigilConfig } from './schema';
import { isPlainObject } from './tree';

/**
 * Writes a config as YAML or JSON in a stable form: keys in schema order (apiVersion, idcs, services,
 * rules, channels, notifications, alerts; within each object as documented), record keys (labels,
 * weights, headers) sorted.
 * The order does not depend on how the document was stored (e.g. Postgres jsonb reorders keys).
 * Secrets are written as they are: redact them first for display.
 */
export function serializeConfig(config: VigilConfig, format: ConfigFormat): string {
  const canonical = canonicalize(config);
  if (format === 'json') return `${JSON.stringify(canonical, null, 2)}\n`;
  return stringify(canonical, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Schema order when the document fits the schema; otherwise (a document from an older version) sorted keys. */
function canonicalize(config: VigilConfig): unknown {
  const parsed = anyConfigSchemas.config.safeParse(config);
  return parsed.success ? parsed.data : sortDeep(config);
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortDeep(value[key])]),
  );
}
