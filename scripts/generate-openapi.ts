/**
 * `npm run openapi:generate`: writes what the swagger CLI plugin infers to
 * apps/api/src/openapi-metadata.ts, the API's OpenAPI document to openapi/vigil.openapi.json and
 * its TypeScript types to libs/api-client/src/schema.ts, without a database or Redis.
 * Run after changing a route or a DTO (a unit spec fails while any of them is stale).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLUGIN_METADATA_PATH, pluginMetadataSource } from '../apps/api/src/openapi/plugin-metadata';
import { API_DOCUMENT_PATH, API_SCHEMA_PATH, apiSchemaSource } from '../libs/api-client/src/generate';

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  writeFileSync(join(root, PLUGIN_METADATA_PATH), pluginMetadataSource(root));
  console.log(`wrote ${PLUGIN_METADATA_PATH}`);
  // Only now: the document loads the metadata just written.
  const { generateApiDocument } = await import('../apps/api/src/openapi/docs-app');
  const { serializeApiDocument } = await import('../apps/api/src/openapi/document');
  const document = serializeApiDocument(await generateApiDocument());
  writeFileSync(join(root, API_DOCUMENT_PATH), document);
  console.log(`wrote ${API_DOCUMENT_PATH}`);
  writeFileSync(join(root, API_SCHEMA_PATH), await apiSchemaSource(document));
  console.log(`wrote ${API_SCHEMA_PATH}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
