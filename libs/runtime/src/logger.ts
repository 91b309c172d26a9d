import type { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { Env } from '@libs/config';
import { requestIdFrom, requestIdOf } from './request-id';
import { tracer } from './tracing';

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Structured JSON logs; credentials are redacted before anything is written. Each line has the level's
 * name (`"level":"info"`) and an ISO time; request lines the request id (`request_id`, also in
 * `X-Request-Id` and error bodies); a line written inside a span, when tracing is on, its `trace_id`
 * and `span_id`.
 */
export function loggerOptions(env: Env): Params {
  const traces = tracer();
  return {
    pinoHttp: {
      level: env.LOG_LEVEL,
      base: { service: 'vigil', roles: env.VIGIL_ROLES.join(',') },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: stdTimeFunctions.isoTime,
      // Tracing off: no mixin, so a log line costs what it did.
      ...(traces.enabled ? { mixin: () => traces.logFields() ?? {} } : {}),
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'req.headers["x-vigil-signature"]',
          'req.headers["x-grafana-alerting-signature"]',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
      // The requestIds middleware ran first and set it; a request that skipped it still gets a sane one.
      genReqId: (req) => requestIdOf(req) ?? requestIdFrom(undefined),
      autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url?.split('?')[0] ?? '') },
      customProps: (req) => ({
        principal: (req as { principal?: { name: string } }).principal?.name,
        request_id: requestIdOf(req),
      }),
    },
  };
}
