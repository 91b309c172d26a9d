import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

/** A 400 in the API's error shape, with one detail per problem; `message` names them all. */
export function badRequest(details: ReadonlyArray<{ path: string; message: string }>): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: details.map((d) => `${d.path}: ${d.message}`).join('; '),
    details,
  });
}

/** A 429 in the API's error shape; `retryAfterSeconds` becomes the `Retry-After` header. */
export function tooManyRequests(message: string, retryAfterSeconds: number): HttpException {
  return new HttpException(
    {
      statusCode: HttpStatus.TOO_MANY_REQUESTS,
      error: 'Too Many Requests',
      message,
      retryAfterSeconds,
    },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
