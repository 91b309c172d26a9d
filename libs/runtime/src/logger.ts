import type { Params } from 'nestjs-pino';
import type { Env } from '@libs/config';

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Structured JSON logs; credentials are redacted before anything is written. */
export function loggerOptions(env: Env): Params {
  return {
    pinoHttp: {
      level: env.LOG_LEVEL,
      base: { service: 'vigil', roles: env.VIGIL_ROLES.join(',') },
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
      autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url?.split('?')[0] ?? '') },
      customProps: (req) => ({ principal: (req as { principal?: { name: string } }).principal?.name }),
    },
  };
}
