import { ForbiddenException, INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { configJsonSchema } from '@libs/config';
import { roleAtLeast } from '@libs/domain';
import { AuthService, HttpExceptionFilter } from '@libs/runtime';

/** OpenAPI at `/docs` (UI), `/docs-json` and `/docs-yaml`; like every route, they need a key (an API role). */
export function setUpDocs(app: INestApplication): void {
  const auth = app.get(AuthService);
  const filter = new HttpExceptionFilter();
  app.use(['/docs', '/docs-json', '/docs-yaml'], (req: Request, res: Response, next: NextFunction) => {
    const fail = (err: unknown) =>
      filter.catch(err, { switchToHttp: () => ({ getResponse: () => res }) } as never);
    auth.authenticate(req).then((principal) => {
      // Any API role; a webhook key may only post alerts.
      if (roleAtLeast(principal.role, 'viewer')) return next();
      fail(
        new ForbiddenException(`requires the viewer role; the key "${principal.name}" is ${principal.role}`),
      );
    }, fail);
  });
  const config = new DocumentBuilder()
    .setTitle('Vigil API')
    .setDescription('Health checks and safe automatic failover for multi-IDC services.')
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (vgl_...)' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The config file's own JSON Schema, so PUT /config documents the whole file format.
  const { $schema: _drop, $id: _id, ...configSchema } = configJsonSchema() as Record<string, unknown>;
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, VigilConfig: configSchema },
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
