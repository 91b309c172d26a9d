/**
 * `npm run openapi:generate`: writes the API's OpenAPI document to openapi/vigil.openapi.json and
 * its TypeScript types to libs/api-client/src/schema.ts, without a database or Redis.
 * Run after changing a route or a DTO (a unit spec fails while either file is stale).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiDocument } from '../apps/api/src/openapi/docs-app';
import { serializeApiDocument } from '../apps/api/src/openapi/document';
import { API_DOCUMENT_PATH, API_SCHEMA_PATH, apiSchemaSource } from '../libs/api-client/src/generate';

async function main(): Promise<void> {
  const root = join(__dirname, '..');
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
