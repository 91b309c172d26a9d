import { z } from 'zod';
import { isDuration, parseDuration } from './duration';
import { parseTrustProxy } from './trust-proxy';

/** The roles one Vigil process can take; `npm start` runs all of them. */
export const ROLES = ['api', 'prober', 'controller'] as const;
export type Role = (typeof ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const url = (protocols: string[], example: string) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL like ${example}` },
  );

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .refine((v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max, {
      message: `expected an integer from ${min} to ${max}`,
    })
    .transform(Number);

/** A duration such as `30m`, `12h` or `1d` (see parseDuration), read as milliseconds within bounds. */
const duration = (min: string, max: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine(
      (v) =>
        isDuration(v) && parseDuration(v) >= parseDuration(min) && parseDuration(v) <= parseDuration(max),
      { message: `expected a duration from ${min} to ${max}, such as "12h" or "30m"` },
    )
    .transform(parseDuration);

/** The default of VIGIL_SECRET_REF_PREFIX. */
export const DEFAULT_SECRET_REF_PREFIX = 'VIGIL_REF_';

const envSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user@host:5432/vigil').default(
    'postgres://postgres@127.0.0.1:5432/vigil',
  ),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  PORT: integer(0, 65535, 3000),
  VIGIL_ROLES: z
    .string()
    .default(ROLES.join(','))
    .transform((v) => v.split(',').map((r) => r.trim()))
    .refine((roles) => roles.length > 0 && roles.every((r) => (ROLES as readonly string[]).includes(r)), {
      message: `expected a comma-separated list of ${ROLES.join(', ')}`,
    })
    .transform((roles) => [...new Set(roles)] as Role[]),
  VIGIL_VANTAGE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'expected an IDC name such as "sha"' })
    .optional(),
  VIGIL_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'expected 1-64 letters, digits, "_", "." or "-"' })
    .default('vigil'),
  VIGIL_ADMIN_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  VIGIL_SECRET_KEY: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  /**
   * Bodies of PUT /config (JSON or YAML): larger ones get 413. Read only from keys that may apply a
   * config. 16 MiB holds the 100,000 endpoints Vigil is sized for at up to ~160 bytes each (the scale
   * benchmark's, with url and name only, take 68); 5 MiB stopped at ~75,000 of those.
   */
  VIGIL_MAX_BODY_BYTES: integer(1024, 64 * 1024 * 1024, 16 * 1024 * 1024),
  /** Bodies of `/api/v1/webhooks/*` (alerts): larger ones get 413. */
  VIGIL_WEBHOOK_MAX_BODY_BYTES: integer(1024, 64 * 1024 * 1024, 1024 * 1024),
  VIGIL_SHUTDOWN_TIMEOUT_MS: integer(100, 600_000, 10_000),
  VIGIL_AUTH_FAILURES_PER_MINUTE: integer(1, 100_000, 20),
  VIGIL_PROBE_CONCURRENCY: integer(1, 100_000, 1000),
  VIGIL_ROLLUP_RETENTION_DAYS: integer(1, 3650, 30),
  VIGIL_EVENT_RETENTION_DAYS: integer(1, 3650, 90),
  /** Delivery attempts per notification before it is dead-lettered (state failed). */
  VIGIL_NOTIFY_ATTEMPTS: integer(1, 50, 6),
  /** First retry delay; doubles with each attempt (1, 2, 4, 8, 16 s by default). */
  VIGIL_NOTIFY_BACKOFF_MS: integer(10, 3_600_000, 1000),
  /** Live `/events/stream` connections one API key may hold open in one process; more get 429. */
  VIGIL_STREAMS_PER_KEY: integer(1, 100_000, 10),
  /** Live `/events/stream` connections one process holds open, all keys together; more get 429. */
  VIGIL_STREAMS_MAX: integer(1, 1_000_000, 500),
  /** Milliseconds a rule's evaluations may take in one rules tick (each second); over it, the rule is off until the next config. */
  VIGIL_RULE_EVAL_BUDGET_MS: integer(1, 60_000, 500),
  /** Milliseconds between two read-backs of each traffic manager that can be read (drift is looked for). */
  VIGIL_READBACK_INTERVAL_MS: integer(1000, 3_600_000, 15_000),
  /** JSON bodies of every route but PUT /config (which has VIGIL_MAX_BODY_BYTES) and webhooks: 413 beyond. */
  VIGIL_MAX_JSON_BYTES: integer(1024, 64 * 1024 * 1024, 256 * 1024),
  /** Which proxies' X-Forwarded-For is believed for the caller's address (Express `trust proxy`). */
  VIGIL_TRUST_PROXY: z
    .string()
    .default('loopback')
    .transform((text, ctx) => {
      const parsed = parseTrustProxy(text);
      if (typeof parsed === 'object' && 'error' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed;
    }),
  /**
   * A command on the shared Redis connection fails after this long instead of waiting for a
   * reconnect; well above an event-loop stall on a busy host, well below ioredis' ~30 s of retries.
   */
  VIGIL_REDIS_COMMAND_TIMEOUT_MS: integer(100, 60_000, 5000),
  /** The controller leader lease's TTL: a dead leader is replaced within it; renewed at a third of it. */
  VIGIL_LEASE_TTL_MS: integer(1000, 600_000, 10_000),
  /** How long a console session (cookie `vigil_session`) lasts after sign-in, in milliseconds once read. */
  VIGIL_SESSION_TTL: duration('5m', '30d', '12h'),
  /** The built console (index.html and assets/); unset: dist/apps/console of the installation. */
  VIGIL_CONSOLE_DIR: z.string().optional(),
  /**
   * The web console's base URL, e.g. https://vigil.example.com (trailing slashes dropped): when set,
   * every notification links to the console page of its subject. Optional.
   */
  VIGIL_EXTERNAL_URL: z
    .string()
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return (
            ['http:', 'https:'].includes(u.protocol) &&
            !u.search &&
            !u.hash &&
            !v.includes('?') &&
            !v.includes('#')
          );
        } catch {
          return false;
        }
      },
      {
        message: 'expected an absolute http(s) URL without query or fragment, like https://vigil.example.com',
      },
    )
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** A config's `secretRef` may only name variables with this prefix (never one of Vigil's own). */
  VIGIL_SECRET_REF_PREFIX: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, {
      message: 'expected a non-empty variable-name prefix such as "VIGIL_REF_"',
    })
    .default(DEFAULT_SECRET_REF_PREFIX),
});

/** Every variable Vigil itself reads: never readable through a config's `secretRef`. */
export const ENV_NAMES: readonly string[] = Object.freeze(Object.keys(envSchema.shape));

/** The validated, frozen environment of one process. */
export type Env = Readonly<z.output<typeof envSchema>>;

/** Thrown when the environment is invalid; the message names every bad variable. */
export class EnvError extends Error {}

/**
 * Validates the environment once at start-up. Empty strings count as unset, so
 * `PORT=` in a compose file falls back to the default instead of failing.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      const got = present[name];
      const shown =
        name.includes('TOKEN') || name.includes('KEY') || got === undefined ? '' : ` (got "${got}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new EnvError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(result.data);
}

/** Injection token of the validated {@link Env}. */
export const ENV = Symbol('ENV');
