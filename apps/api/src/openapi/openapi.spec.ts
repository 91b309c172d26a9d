import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { API_DOCUMENT_PATH, API_SCHEMA_PATH, apiSchemaSource } from '../../../../libs/api-client/src/generate';
import { generateApiDocument } from './docs-app';
import { serializeApiDocument } from './document';
import { PLUGIN_METADATA_PATH, pluginMetadataSource } from './plugin-metadata';

const ROOT = join(__dirname, '..', '..', '..', '..');
const STALE = 'is stale: run `npm run openapi:generate` and commit the result';

/** Fails with a short message instead of a diff of a 200 kB file. */
function expectFresh(path: string, generated: string): void {
  const committed = readFileSync(join(ROOT, path), 'utf8');
  if (committed !== generated) throw new Error(`${path} ${STALE}`);
}

describe('the committed OpenAPI document, plugin metadata and client types', () => {
  let document: OpenAPIObject;
  let json: string;

  beforeAll(async () => {
    document = await generateApiDocument();
    json = serializeApiDocument(document);
  }, 60_000);

  it('apps/api/src/openapi-metadata.ts is what the swagger plugin infers from the DTOs', () => {
    expectFresh(PLUGIN_METADATA_PATH, pluginMetadataSource(ROOT));
  }, 120_000);

  it('openapi/vigil.openapi.json is what the routes and DTOs produce', () => {
    expectFresh(API_DOCUMENT_PATH, json);
  });

  it('libs/api-client/src/schema.ts is generated from that document', async () => {
    expectFresh(API_SCHEMA_PATH, await apiSchemaSource(json));
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      (['get', 'put', 'post', 'delete', 'patch'] as const).flatMap((method) =>
        item[method] ? [{ route: `${method.toUpperCase()} ${path}`, operation: item[method] }] : [],
      ),
    );

  it('names every operation with a unique camelCase operationId', () => {
    const ids = operations().map(({ route, operation }) => [route, operation.operationId] as const);
    expect(ids.length).toBeGreaterThan(40);
    for (const [route, id] of ids) expect({ route, id }).toEqual({ route, id: expect.stringMatching(/^[a-z][a-zA-Z]+$/) });
    const seen = new Map<string, string>();
    for (const [route, id] of ids) {
      expect({ id, route: seen.get(id!) ?? route }).toEqual({ id, route });
      seen.set(id!, route);
    }
  });

  it('gives every error response the ErrorResponseDto body, and 401/403/429 to every route with a key', () => {
    for (const { route, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) expect({ route, status, content: Boolean(response && 'content' in response) }).toEqual({ route, status, content: true });
      }
      if (operation.security?.length) {
        expect({ route, statuses: Object.keys(operation.responses) }).toEqual({
          route,
          statuses: expect.arrayContaining(['401', '403', '429']),
        });
      }
    }
  });
});
