import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest } from './http-errors';

/** Flattens class-validator errors into `details: [{path, message}]`, one per broken constraint. */
function details(errors: ValidationError[], parent = ''): Array<{ path: string; message: string }> {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...details(error.children ?? [], path)];
  });
}

/** Validates query strings and JSON bodies against their DTO classes; unknown fields are errors. */
export const validationPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors) => badRequest(details(errors)),
});
