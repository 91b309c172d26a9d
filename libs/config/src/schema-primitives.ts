import { z } from 'zod';
import { DURATION_PATTERN, isDuration, parseDuration } from './duration';
import { AnySecret, ENV_NAME_PATTERN } from './secret-types';

const LABEL_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DOTTED_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** A DNS-label-like name (idcs, services, checks, rules, channels): `sha`, `live-edge`. */
export function nameSchema(what: string) {
  return z
    .string()
    .max(63, { error: 'must be at most 63 characters' })
    .regex(LABEL_NAME, {
      error: 'must be lowercase letters, digits and "-", starting and ending with a letter or digit',
    })
    .describe(`${what} name: lowercase letters, digits and "-" (max 63)`);
}

/** Endpoint names may also contain dots, so that defaults such as `10.0.0.1-8080` are valid. */
export const endpointNameSchema = z
  .string()
  .max(253, { error: 'must be at most 253 characters' })
  .regex(DOTTED_NAME, {
    error: 'must be lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
  })
  .describe(
    'Endpoint name, unique within the service. Default: derived from the url or address (host-port).',
  );

/** A duration string such as `500ms`, `5s`, `1m30s`; `min` (itself a duration) is an inclusive lower bound. */
export function durationSchema(description: string, min?: string) {
  const base = z
    .string()
    .regex(DURATION_PATTERN, {
      error: 'must be a duration such as "500ms", "5s", "2m", "1h" or "1m30s"',
      abort: true,
    })
    .refine(isDuration, { error: 'is too large', abort: true });
  const bounded =
    min === undefined
      ? base
      : base.refine((text) => parseDuration(text) >= parseDuration(min), {
          error: `must be at least ${min}`,
        });
  return bounded.describe(description);
}

/** Sorts an object's keys, so that records (labels, weights, headers) serialize in a stable order. */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Free-form key/value labels, used by rule scopes. */
export const labelsSchema = z
  .record(z.string().min(1, { error: 'label keys must not be empty' }).max(63), z.string().max(255))
  .transform(sortKeys)
  .describe('Free-form labels (string to string), matched by rule scopes.');

/** Weights per IDC name: numbers >= 0, not all zero (checked by the validator). */
export const weightsSchema = z
  .record(nameSchema('IDC'), z.number().min(0).finite())
  .transform(sortKeys)
  .describe('Traffic weight per IDC name (relative numbers >= 0, not all zero).');

/** An absolute http:// or https:// URL. */
export function httpUrlSchema(description: string) {
  return z
    .url({
      protocol: /^https?$/,
      hostname: /^.+$/,
      error: (iss) => (iss.input === undefined ? undefined : 'must be an absolute http:// or https:// URL'),
    })
    .describe(description);
}

const ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):(\d{1,5})$/;

/** `host:port` (IPv6 hosts in brackets), port 1-65535. */
export const addressSchema = z
  .string()
  .regex(ADDRESS, { error: 'must be host:port, e.g. "10.0.0.1:8080" or "[2001:db8::1]:53"', abort: true })
  .refine((text) => inPortRange(Number(text.slice(text.lastIndexOf(':') + 1))), {
    error: 'port must be between 1 and 65535',
  })
  .describe('Target as host:port (for tcp/tls/dns checks, or http without a url).');

function inPortRange(port: number): boolean {
  return port >= 1 && port <= 65535;
}

type SecretForm = 'secretRef' | 'value' | 'sealed';

const SECRET_HELP =
  'expected a secret: {secretRef: ENV_VAR_NAME} to read it from the environment, or {value: "..."}';

/**
 * A secret field accepting the given forms. One object with optional keys and an "exactly one form"
 * refinement gives precise errors (a union of objects would only say "invalid input").
 */
export function secretSchema<T extends AnySecret>(forms: readonly SecretForm[]): z.ZodType<T, T> {
  const shape: Record<string, z.ZodOptional<z.ZodString>> = {};
  if (forms.includes('secretRef')) {
    shape.secretRef = z
      .string()
      .regex(ENV_NAME_PATTERN, { error: 'must be an environment variable name (A-Z, 0-9, "_")' })
      .describe(
        'Name of the environment variable holding the secret. It must start with the prefix the server ' +
          "allows (VIGIL_SECRET_REF_PREFIX, default VIGIL_REF_) and never be one of Vigil's own variables.",
      )
      .optional();
  }
  if (forms.includes('value')) {
    shape.value = z.string().min(1, { error: 'must not be empty' }).describe('The secret itself.').optional();
  }
  if (forms.includes('sealed')) {
    shape.encrypted = z.string().optional();
    shape.fingerprint = z.string().optional();
  }
  const object = z.strictObject(shape, {
    error: (iss) => (iss.code === 'invalid_type' && iss.input !== undefined ? SECRET_HELP : undefined),
  });
  const schema = object
    .meta({
      description: 'A secret: {secretRef: ENV_VAR_NAME} (recommended) or {value: "..."} (encrypted at rest).',
      oneOf: Object.keys(shape)
        .filter((key) => key !== 'fingerprint')
        .map((key) => ({ required: key === 'encrypted' ? ['encrypted', 'fingerprint'] : [key] })),
    })
    .superRefine((secret, ctx) => {
      const present = Object.keys(secret).filter((key) => secret[key] !== undefined);
      if (!isOneForm(present)) ctx.addIssue({ code: 'custom', message: SECRET_HELP });
    })
    .transform((secret) => pickDefined(secret) as T);
  return schema as unknown as z.ZodType<T, T>;
}

function isOneForm(keys: string[]): boolean {
  const set = new Set(keys);
  if (set.size === 1) return set.has('secretRef') || set.has('value');
  return set.size === 2 && set.has('encrypted') && set.has('fingerprint');
}

function pickDefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
