import { z } from 'zod';
import { AnySecret } from './secret-types';
import { durationSchema, nameSchema, sortKeys } from './schema-primitives';

export const CHECK_TYPES = ['http', 'https', 'tcp', 'dns', 'tls'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

const OPTION_KEYS = ['http', 'tcp', 'dns', 'tls'] as const;
type OptionKey = (typeof OPTION_KEYS)[number];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerNameSchema = z.string().regex(HEADER_NAME, { error: 'must be a valid HTTP header name' });

const STATUS_HELP = 'expected a status code (100-599) or a class such as "2xx"';
const statusSchema = z
  .union([z.int().min(100).max(599), z.string().regex(/^[1-5]xx$/, { error: STATUS_HELP })], {
    error: STATUS_HELP,
  })
  .describe('A status code (200) or a class ("2xx").');

function httpOptions<S extends AnySecret>(secret: z.ZodType<S, S>) {
  return z
    .strictObject({
      method: z
        .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
        .default('GET')
        .describe('HTTP method. Default GET.'),
      path: z
        .string()
        .regex(/^\//, { error: 'must start with "/"' })
        .optional()
        .describe('Request path; overrides the path of the endpoint url. Default: the url path, else "/".'),
      headers: z
        .record(
          headerNameSchema,
          z.union([z.string(), secret], { error: 'expected a string or a secret ({secretRef} or {value})' }),
        )
        .transform(sortKeys)
        .optional()
        .describe(
          'Request headers; a value may be a secret, e.g. Authorization: {secretRef: VIGIL_REF_PROBE_TOKEN}.',
        ),
      body: z.string().max(65_536).optional().describe('Request body.'),
      expectStatus: z
        .array(statusSchema)
        .min(1)
        .default(['2xx'])
        .describe('Accepted status codes or classes. Default ["2xx"].'),
      bodyContains: z.string().min(1).optional().describe('The response body must contain this text.'),
      bodyRegex: z.string().min(1).max(1024).optional().describe('The response body must match this regex.'),
      jsonPath: z
        .strictObject({
          path: z.string().regex(/^\$/, { error: 'must start with "$", e.g. "$.status"' }),
          equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
        })
        .optional()
        .describe('A JSON body value that must exist (and equal `equals` when given).'),
      headerMatch: z
        .record(headerNameSchema, z.string())
        .transform(sortKeys)
        .optional()
        .describe('Response headers that must contain these substrings.'),
      maxLatency: durationSchema('Slower responses fail with error kind "latency".').optional(),
      tlsVerify: z.boolean().default(true).describe('Verify the server certificate (https). Default true.'),
      followRedirects: z.boolean().default(false).describe('Follow redirects. Default false.'),
      connection: z
        .enum(['new', 'keepalive'])
        .default('new')
        .describe('"new" measures a fresh connection every probe (default); "keepalive" reuses one.'),
    })
    .describe('HTTP options (http and https checks only).');
}

const tcpOptions = z
  .strictObject({
    send: z.string().max(4096).optional().describe('Bytes to send after connecting.'),
    expect: z.string().max(4096).optional().describe('The reply must contain this text.'),
  })
  .describe('TCP options (tcp checks only). Without them the check only connects.');

const dnsOptions = z
  .strictObject(
    {
      name: z.string().min(1).max(253).describe('The name to resolve.'),
      recordType: z.enum(['A', 'AAAA', 'CNAME', 'TXT']).default('A').describe('Default A.'),
      expectRcode: z.enum(['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED']).default('NOERROR'),
      expectAnswer: z.string().min(1).optional().describe('An answer that must be present.'),
    },
    { error: (iss) => (iss.input === undefined ? 'dns options are required for dns checks' : undefined) },
  )
  .describe("DNS options (dns checks, required). The endpoint's address is the resolver host:port.");

const tlsOptions = z
  .strictObject({
    serverName: z.string().min(1).optional().describe('SNI name. Default: the endpoint host.'),
    minDaysToExpiry: z
      .int()
      .min(0)
      .default(14)
      .describe('Fail when the certificate expires sooner. Default 14.'),
    verifyChain: z.boolean().default(true).describe('Default true.'),
    verifyHostname: z.boolean().default(true).describe('Default true.'),
  })
  .describe('TLS options (tls checks only).');

/** Forbids the options of the other check types, with a message naming the right type. */
function otherOptions<K extends OptionKey>(
  own: K,
  label: string,
): Record<Exclude<OptionKey, K>, z.ZodOptional<z.ZodNever>> {
  const forbidden: Record<string, z.ZodOptional<z.ZodNever>> = {};
  for (const key of OPTION_KEYS) {
    if (key === own) continue;
    const allowedOn = key === 'http' ? 'http and https checks' : `${key} checks`;
    forbidden[key] = z
      .never({ error: `${key} options are only allowed on ${allowedOn}, not on ${label}` })
      .optional();
  }
  return forbidden;
}

const commonCheckFields = {
  name: nameSchema('Check'),
  interval: durationSchema(
    'How often each vantage probes each endpoint. Default 10s, at least 1s.',
    '1s',
  ).default('10s'),
  timeout: durationSchema('Probe timeout, less than interval. Default 2s.').default('2s'),
  healthyThreshold: z.int().min(1).default(2).describe('Consecutive successes to become healthy. Default 2.'),
  unhealthyThreshold: z
    .int()
    .min(1)
    .default(3)
    .describe('Consecutive failures to become unhealthy. Default 3.'),
  failOnStatus: z
    .boolean()
    .default(false)
    .describe('Mark the check down at the first unexpected HTTP status, as Envoy does. Default false.'),
  vantages: z
    .array(nameSchema('IDC'))
    .min(1)
    .optional()
    .describe('IDCs the probe runs from. Default: every IDC.'),
};

/** A health check, discriminated by `type`; options of other types are errors. */
export function checkSchema<S extends AnySecret>(secret: z.ZodType<S, S>) {
  return z
    .discriminatedUnion('type', [
      z.strictObject({
        ...commonCheckFields,
        type: z.enum(['http', 'https']),
        http: httpOptions(secret).prefault({}),
        ...otherOptions('http', 'http/https checks'),
      }),
      z.strictObject({
        ...commonCheckFields,
        type: z.literal('tcp'),
        tcp: tcpOptions.optional(),
        ...otherOptions('tcp', 'tcp checks'),
      }),
      z.strictObject({
        ...commonCheckFields,
        type: z.literal('dns'),
        dns: dnsOptions,
        ...otherOptions('dns', 'dns checks'),
      }),
      z.strictObject({
        ...commonCheckFields,
        type: z.literal('tls'),
        tls: tlsOptions.prefault({}),
        ...otherOptions('tls', 'tls checks'),
      }),
    ])
    .describe('A health check run against every endpoint of the service from every vantage.');
}
