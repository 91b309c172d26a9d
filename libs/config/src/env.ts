import { z } from 'zod';
import { isDuration, parseDuration } from './duration';
import { parseTrustProxy } from './trust-proxy';
import { proberPrivateKey, proberPublicKey } from './vantage-seal';

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

/** `true` or `false` (exactly), read as a boolean. */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'], { message: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

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

/** A list of Redis nodes, `host:port` or `host` (then `port`), comma-separated; IPv6 in brackets. */
const redisNodes = (port: number) =>
  z.string().transform((text, ctx) => {
    const nodes = parseRedisNodes(text, port);
    if (typeof nodes === 'string') {
      ctx.addIssue({ code: 'custom', message: nodes });
      return z.NEVER;
    }
    return nodes;
  });

/** Parses `host:port,host:port`; a message instead when one entry is not an address. */
export function parseRedisNodes(text: string, port: number): RedisNode[] | string {
  const nodes: RedisNode[] = [];
  for (const entry of text.split(',').map((e) => e.trim())) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(entry);
    const p = m?.[2] === undefined ? port : Number(m[2]);
    if (!m || p < 1 || p > 65535)
      return `expected host:port entries separated by commas, like 10.0.0.1:${port}`;
    nodes.push({ host: m[1].replace(/^\[|\]$/g, ''), port: p });
  }
  return nodes;
}

export interface RedisNode {
  host: string;
  port: number;
}
/** Where a process reads the applied config: Postgres (every role), or Redis (a remote prober only). */
export const CONFIG_SOURCES = ['postgres', 'redis'] as const;
export type ConfigSource = (typeof CONFIG_SOURCES)[number];

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
  /** In a Redis Cluster it must be a hash tag such as `{vigil}`, so every key lands in one slot. */
  VIGIL_REDIS_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_.-]{1,64}|\{[A-Za-z0-9_.-]{1,62}\})$/, {
      message: 'expected 1-64 letters, digits, "_", "." or "-", or such a name in braces like "{vigil}"',
    })
    .default('vigil'),
  /** Redis through Sentinel: its addresses (`host:port,…`); REDIS_URL then only gives password, db and TLS. */
  REDIS_SENTINELS: redisNodes(26379).optional(),
  /** The master's name in Sentinel (`sentinel monitor <name> …`). */
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'expected a master name such as "mymaster"' })
    .default('mymaster'),
  /** The Sentinels' own password (`requirepass` of sentinel.conf), when they have one. */
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  /** Redis Cluster: some of its nodes (`host:port,…`); REDIS_URL then only gives password and TLS. */
  REDIS_CLUSTER_NODES: redisNodes(6379).optional(),
  /**
   * `redis`: a remote prober, which follows the config the API publishes to Redis and never touches
   * Postgres. Default: `redis` when VIGIL_VANTAGE is set and DATABASE_URL is not, else `postgres`.
   */
  VIGIL_CONFIG_SOURCE: z
    .enum(CONFIG_SOURCES, { message: `expected one of ${CONFIG_SOURCES.join(', ')}` })
    .default('postgres'),
  /** Bearer token for `/metrics` on a remote prober (which has no API keys); unset there: no `/metrics`. */
  VIGIL_METRICS_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  /**
   * `/metrics` without a key or token, for a scraper on a private network (the metrics name every
   * service, IDC and endpoint). Default false: a viewer key, or VIGIL_METRICS_TOKEN on a remote prober.
   */
  VIGIL_METRICS_PUBLIC: flag(false),
  /** The source revision this build is of (a git commit), for `vigil_build_info`; set by the image build. */
  VIGIL_REVISION: z
    .string()
    .regex(/^[\w.+-]{1,64}$/, { message: 'expected up to 64 letters, digits, ".", "+", "-" or "_"' })
    .optional(),
  /**
   * On the API: the X25519 public keys of remote probers, `<vantage>=<base64 SPKI DER>,...`. A sealed
   * secret a check of those vantages needs is published sealed for them (else withheld).
   */
  VIGIL_PROBER_KEYS: z
    .string()
    .transform((text, ctx) => {
      const keys: Record<string, string> = {};
      for (const item of text.split(',').map((part) => part.trim())) {
        const [vantage, key] = [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)];
        try {
          if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(vantage)) throw new Error('bad vantage');
          proberPublicKey(key);
          keys[vantage] = key;
        } catch {
          ctx.addIssue({
            code: 'custom',
            message: 'expected <vantage>=<base64 X25519 public key (SPKI DER)>,...',
          });
          return z.NEVER;
        }
      }
      return keys;
    })
    .optional(),
  /** On a remote prober: its X25519 private key (base64 PKCS#8 DER), to open secrets sealed for its vantage. */
  VIGIL_PROBER_KEY: z
    .string()
    .refine(
      (v) => {
        try {
          return Boolean(proberPrivateKey(v));
        } catch {
          return false;
        }
      },
      { message: 'expected a base64 X25519 private key (PKCS#8 DER)' },
    )
    .optional(),
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

/** Rules across variables; each issue names the variable to change. */
const checkedSchema = envSchema.superRefine((env, ctx) => {
  if (env.REDIS_SENTINELS && env.REDIS_CLUSTER_NODES)
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_CLUSTER_NODES'],
      message: 'set either REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both',
    });
  if (env.REDIS_CLUSTER_NODES && !/^\{.+\}$/.test(env.VIGIL_REDIS_PREFIX))
    ctx.addIssue({
      code: 'custom',
      path: ['VIGIL_REDIS_PREFIX'],
      message:
        'with REDIS_CLUSTER_NODES, expected a hash tag in braces like "{vigil}" (every key in one cluster slot)',
    });
});

/** Every variable Vigil itself reads: never readable through a config's `secretRef`. */
export const ENV_NAMES: readonly string[] = Object.freeze(Object.keys(envSchema.shape));

/** The validated, frozen environment of one process. */
export type Env = Readonly<z.output<typeof envSchema>>;

/** One bad variable; `quiet`: its value is not echoed. */
type Issue = { path: PropertyKey[]; message: string; quiet?: true };

/** Thrown when the environment is invalid; the message names every bad variable. */
export class EnvError extends Error {}

/**
 * Validates the environment once at start-up. Empty strings count as unset, so
 * `PORT=` in a compose file falls back to the default instead of failing.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const present = withRemoteDefaults(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== '')),
  );
  const result = checkedSchema.safeParse(present);
  const issues: Issue[] = result.success ? remoteProberIssues(result.data, present) : result.error.issues;
  if (issues.length) {
    const lines = issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      const got = present[name];
      const hidden = /TOKEN|KEY|PASSWORD/.test(name) || 'quiet' in issue;
      const shown = hidden || got === undefined ? '' : ` (got "${got}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new EnvError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  if (!result.success) throw new EnvError('Invalid environment'); // unreachable: issues were listed
  return Object.freeze(result.data);
}

/**
 * A process given VIGIL_VANTAGE but no DATABASE_URL is a remote prober: it reads its config from
 * Redis and takes the prober role only, unless the variables say otherwise.
 */
function withRemoteDefaults(present: Record<string, string | undefined>): Record<string, string | undefined> {
  const remote =
    present.VIGIL_CONFIG_SOURCE === 'redis' ||
    (present.VIGIL_CONFIG_SOURCE === undefined &&
      present.VIGIL_VANTAGE !== undefined &&
      present.DATABASE_URL === undefined);
  if (!remote) return present;
  return { VIGIL_CONFIG_SOURCE: 'redis', VIGIL_ROLES: 'prober', ...present };
}

/** What a process that follows the config from Redis must not have: other roles, Postgres, no vantage. */
function remoteProberIssues(
  env: z.output<typeof envSchema>,
  present: Record<string, string | undefined>,
): Issue[] {
  if (env.VIGIL_CONFIG_SOURCE !== 'redis') return [];
  const issues: Issue[] = [];
  if (env.VIGIL_ROLES.join(',') !== 'prober')
    issues.push({
      path: ['VIGIL_ROLES'],
      message: 'a process with VIGIL_CONFIG_SOURCE=redis is a prober only',
    });
  if (!env.VIGIL_VANTAGE)
    issues.push({ path: ['VIGIL_VANTAGE'], message: 'required with VIGIL_CONFIG_SOURCE=redis' });
  if (present.DATABASE_URL !== undefined)
    issues.push({
      path: ['DATABASE_URL'],
      message: 'a prober with VIGIL_CONFIG_SOURCE=redis never uses Postgres: unset it',
      quiet: true, // a URL may hold a password
    });
  return issues;
}

/** Injection token of the validated {@link Env}. */
export const ENV = Symbol('ENV');
