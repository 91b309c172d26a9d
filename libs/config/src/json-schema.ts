import { z } from 'zod';
import { configSchema } from './schema';

/** The published schema's identifier. */
export const CONFIG_SCHEMA_ID = 'https://vigil.dev/schemas/vigil-config.v1.json';

/**
 * The JSON Schema (draft 2020-12) of the config file, generated from the zod schema (input side:
 * fields with defaults are optional). Checked in as libs/config/schema/vigil-config.schema.json by
 * scripts/generate-config-schema.ts; a spec keeps the two equal. Returns a fresh object per call.
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  return { $schema, $id: CONFIG_SCHEMA_ID, title: 'Vigil configuration (vigil/v1)', ...body };
}
