import { ForbiddenException, INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { roleAtLeast } from '@libs/domain';
import { AuthService, HttpExceptionFilter } from '@libs/runtime';
import { buildApiDocument } from '../openapi/document';

/** OpenAPI at `/docs` (UI), `/docs-json` and `/docs-yaml`; like every route, they need a key (an API role). */
export async function setUpDocs(app: INestApplication): Promise<void> {
  const auth = app.get(AuthService);
  const filter = new HttpExceptionFilter();
  app.use(['/docs', '/docs-json', '/docs-yaml'], (req: Request, res: Response, next: NextFunction) => {
    const fail = (err: unknown) =>
      filter.catch(err, { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as never);
    auth.authenticate(req).then((principal) => {
      // Any API role; a webhook key may only post alerts.
      if (roleAtLeast(principal.role, 'viewer')) return next();
      fail(
        new ForbiddenException(`requires the viewer role; the key "${principal.name}" is ${principal.role}`),
      );
    }, fail);
  });
  const document = await buildApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
