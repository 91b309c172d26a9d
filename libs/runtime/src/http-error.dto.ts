import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiError } from './http-exception.filter';

type Detail = NonNullable<ApiError['details']>[number];

/** One problem of a rejected request or config, for `details`. */
export class ErrorDetailDto implements Detail {
  @ApiProperty({
    example: 'services[0].endpoints[1].capacity',
    description: 'Where: a field or config path; empty for the whole body',
  })
  path!: string;

  @ApiProperty({ example: 'must be a positive integer' })
  message!: string;

  @ApiPropertyOptional({ description: 'A config body that does not parse: the line of the error (1-based)' })
  line?: number;

  @ApiPropertyOptional({
    description: 'A config body that does not parse: the column of the error (1-based)',
  })
  column?: number;
}

/**
 * The one error body of the API ({@link ApiError}, written by HttpExceptionFilter). 429 and 503
 * also send `Retry-After` (seconds).
 */
export class ErrorResponseDto implements ApiError {
  @ApiProperty({ example: 400, description: 'The HTTP status again' })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request', description: 'The status text' })
  error!: string;

  @ApiProperty({
    example: 'limit: limit must not be greater than 1000',
    description: 'What went wrong, for a person: every problem, joined with "; "',
  })
  message!: string;

  @ApiPropertyOptional({
    type: [ErrorDetailDto],
    description: 'Validation errors (a bad query, body or config): one per problem, by path',
  })
  details?: ErrorDetailDto[];

  @ApiPropertyOptional({
    example: '7b0e4a9c-5f6d-4e7a-9b1c-2d3e4f5a6b7c',
    description:
      "The request id: the caller's `X-Request-Id` when sane (1-128 of `A-Za-z0-9._:-`), else a new UUID; also in the `X-Request-Id` response header and on the request's log line",
  })
  requestId?: string;
}
