import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { configJsonSchema } from '@libs/config';
import { ErrorResponseDto } from '@libs/runtime';
import pluginMetadata from '../openapi-metadata';
import { operationId } from './operation-ids';

/**
 * The OpenAPI document of the API, from the routes of `app`. The one definition of it: `/docs`
 * serves it and `npm run openapi:generate` writes it to openapi/vigil.openapi.json, so both agree.
 * Needs no database or Redis: it reads only decorators, so an app created in preview mode will do.
 */
export async function buildApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  // What the swagger CLI plugin infers (see plugin-metadata.ts); `nest build` also inlines it.
  await SwaggerModule.loadPluginMetadata(pluginMetadata);
  const config = new DocumentBuilder()
    .setTitle('Vigil API')
    .setDescription('Health checks and safe automatic failover for multi-IDC services.')
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (vgl_...)' })
    .addCookieAuth(
      'vigil_session',
      {
        type: 'apiKey',
        in: 'cookie',
        name: 'vigil_session',
        description:
          'A console session (POST /api/v1/session); without an Authorization header only. Every ' +
          'method but GET, HEAD and OPTIONS must also send the session\'s csrfToken in X-CSRF-Token',
      },
      'session',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationId,
    extraModels: [ErrorResponseDto],
  });
  documentErrorBodies(document);
  // The config file's own JSON Schema, so PUT /config documents the whole file format.
  const { $schema: _drop, $id: _id, ...configSchema } = configJsonSchema() as Record<string, unknown>;
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, VigilConfig: configSchema },
  };
  return document;
}

/**
 * Every error response (4xx, 5xx) without a body of its own gets ErrorResponseDto, the one shape
 * HttpExceptionFilter writes: controllers declare only the status and why (`@ApiNotFoundResponse({
 * description })`), and no route can forget the body.
 */
function documentErrorBodies(document: OpenAPIObject): void {
  const schema = { $ref: getSchemaPath(ErrorResponseDto) };
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      for (const [status, response] of Object.entries(item[method]?.responses ?? {})) {
        if (Number(status) >= 400 && response && !('$ref' in response) && !response.content) {
          response.content = { 'application/json': { schema } };
        }
      }
    }
  }
}

/** Object keys sorted at every depth (arrays keep their order), so the file diffs cleanly. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The committed form of the document: sorted keys, two-space indent, a trailing newline. */
export function serializeApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}
