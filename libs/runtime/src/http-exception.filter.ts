import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { isRedisUnavailable, REDIS_RETRY_AFTER_SECONDS } from './redis-unavailable';
import { requestIdOf } from './request-id';

/** The one error shape of the API: `{statusCode, error, message, details?, requestId?}`. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  details?: Array<{ path: string; message: string; line?: number; column?: number }>;
  /** The request's id (also in the `X-Request-Id` header and on its log line). */
  requestId?: string;
}

/** Throw an HttpException whose response has `retryAfterSeconds` to send a `Retry-After` header. */
interface RetryAfter {
  retryAfterSeconds?: number;
}

/** Errors from Express's body parsers carry `status` and `type` (e.g. `entity.too.large`). */
interface BodyParserError {
  status: number;
  type: string;
  message: string;
}

const isBodyParserError = (e: unknown): e is BodyParserError =>
  typeof e === 'object' && e !== null && typeof (e as BodyParserError).type === 'string' && 'status' in e;

/**
 * Maps every error to {@link ApiError}; unexpected ones are logged and answered without internals.
 * A request that needed Redis while it is unreachable gets 503 with `Retry-After`, not 500.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(host.switchToHttp().getRequest<Request>());
    const redisDown = isRedisUnavailable(exception);
    const body: ApiError = {
      ...(redisDown ? redisUnavailable(exception) : this.toApiError(exception)),
      ...(requestId ? { requestId } : {}),
    };
    if (redisDown) this.logger.warn(`answered 503: ${body.message}`);
    else if (body.statusCode >= 500) this.logger.error(exception);
    if (res.headersSent) return;
    const retryAfter = redisDown
      ? REDIS_RETRY_AFTER_SECONDS
      : exception instanceof HttpException && (exception.getResponse() as RetryAfter).retryAfterSeconds;
    if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
    res.status(body.statusCode).json(body);
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const fields = typeof response === 'string' ? { message: response } : (response as Partial<ApiError>);
      const message = Array.isArray(fields.message) ? fields.message.join('; ') : fields.message;
      return {
        statusCode,
        error: fields.error ?? STATUS_CODES[statusCode] ?? 'Error',
        message: message ?? exception.message,
        ...(fields.details ? { details: fields.details } : {}),
      };
    }
    if (isBodyParserError(exception) && exception.status >= 400 && exception.status < 500) {
      const message =
        exception.type === 'entity.too.large' ? 'request body is larger than the limit' : exception.message;
      return { statusCode: exception.status, error: STATUS_CODES[exception.status] ?? 'Error', message };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: 'internal error; see the server log',
    };
  }
}

function redisUnavailable(err: Error): ApiError {
  return {
    statusCode: HttpStatus.SERVICE_UNAVAILABLE,
    error: 'Service Unavailable',
    message: `Redis is unreachable (${err.message}); this request needs it, retry in a few seconds`,
  };
}
