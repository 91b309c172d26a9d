import { z } from 'zod';
import { NOTIFY_EVENTS, SEVERITIES } from '@libs/domain';
import { AnySecret, isPlainSecret, REDACTED } from './secret-types';
import { durationSchema, httpUrlSchema, nameSchema } from './schema-primitives';

/** Every event but rule.notify, which goes to the channels its rule names, never through routes. */
const ROUTED_EVENTS = NOTIFY_EVENTS.filter((e) => e !== 'rule.notify');

export const severitySchema = z.enum(SEVERITIES);

const rateLimitSchema = z
  .strictObject({
    max: z.int().min(1).max(10_000).default(20).describe('Notifications per window. Default 20.'),
    per: durationSchema('The window. Default 1m.', '1s').default('1m'),
  })
  .describe(
    'At most `max` notifications per `per` to this channel; the rest are kept as "suppressed", not sent. ' +
      'A resolve whose trigger was sent is never suppressed, nor a notice that traffic moves or cannot ' +
      '(action.proposed, action.awaiting-approval, action.executed, action.failed, action.held, panic).',
  );

/** The length of a PagerDuty integration (routing) key. */
const ROUTING_KEY_LENGTH = 32;

/**
 * A PagerDuty routing key: 32 characters, checked when written in plain (a secretRef is read only where
 * it is used; a redacted one stands for the stored key), without repeating it in the error.
 */
function routingKeySchema<S extends AnySecret>(secret: z.ZodType<S, S>) {
  return secret
    .superRefine((key, ctx) => {
      if (!isPlainSecret(key) || key.value === REDACTED || key.value.length === ROUTING_KEY_LENGTH) return;
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `must be ${ROUTING_KEY_LENGTH} characters (a PagerDuty integration key), got ${key.value.length}`,
      });
    })
    .describe(
      `PagerDuty Events v2 routing key (a secret): the ${ROUTING_KEY_LENGTH}-character integration key.`,
    );
}

/** How an email channel's SMTP connection is secured. */
export const SMTP_TLS_MODES = ['starttls', 'implicit', 'none'] as const;
export type SmtpTlsMode = (typeof SMTP_TLS_MODES)[number];

/** The port of an email channel without one: submission (587), submissions (465), or SMTP (25). */
export function defaultSmtpPort(tls: SmtpTlsMode): number {
  return tls === 'implicit' ? 465 : tls === 'none' ? 25 : 587;
}

/** A host name or an IP address, without scheme or port. */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?)$/;

const emailAddress = (what: string) =>
  z.email({ error: 'must be an email address, e.g. "oncall@example.com"' }).max(254).describe(what);

/** An email channel: SMTP server, credentials, sender and recipients. */
function emailChannelSchema<S extends AnySecret>(secret: z.ZodType<S, S>) {
  return z
    .strictObject({
      name: nameSchema('Channel'),
      type: z.literal('email'),
      host: z
        .string()
        .max(253)
        .regex(HOST, { error: 'must be a host name or IP address, without scheme or port' })
        .describe('SMTP server host name or IP address.'),
      port: z
        .int()
        .min(1)
        .max(65535)
        .optional()
        .describe('SMTP port. Default 587 (starttls), 465 (implicit) or 25 (none).'),
      tls: z
        .enum(SMTP_TLS_MODES)
        .default('starttls')
        .describe(
          'starttls (default): STARTTLS is required, the message is never sent in clear; implicit: TLS from ' +
            'the first byte (port 465); none: no TLS at all, only for a relay on a trusted network.',
        ),
      ca: z
        .string()
        .max(65_536)
        .regex(/-----BEGIN CERTIFICATE-----/, {
          error: 'must be PEM certificates (-----BEGIN CERTIFICATE-----)',
        })
        .optional()
        .describe("CA certificates (PEM) trusted besides the system's, for a relay with a private CA."),
      username: z.string().min(1).max(256).optional().describe('SMTP AUTH user name (with `password`).'),
      password: secret.optional().describe('SMTP AUTH password (a secret), with `username`.'),
      from: emailAddress('Sender address.'),
      to: z
        .array(emailAddress('A recipient address.'))
        .min(1)
        .max(50)
        .describe('Recipient addresses (1-50).'),
      rateLimit: rateLimitSchema.prefault({}),
    })
    .superRefine((channel, ctx) => {
      if ((channel.username === undefined) !== (channel.password === undefined)) {
        const missing = channel.username === undefined ? 'username' : 'password';
        const given = missing === 'username' ? 'password' : 'username';
        ctx.addIssue({ code: 'custom', path: [missing], message: `is required with \`${given}\`` });
      }
      if (channel.password !== undefined && channel.tls === 'none') {
        ctx.addIssue({
          code: 'custom',
          path: ['password'],
          message: 'would be sent in clear with tls "none": use tls "starttls" or "implicit"',
        });
      }
      const seen = new Set<string>();
      channel.to.forEach((address, i) => {
        const key = address.toLowerCase();
        if (seen.has(key))
          ctx.addIssue({ code: 'custom', path: ['to', i], message: `lists ${address} twice` });
        seen.add(key);
      });
    });
}

/** A notification channel, discriminated by `type`. Keys in the order they are written out. */
export function channelSchema<S extends AnySecret>(secret: z.ZodType<S, S>) {
  const name = nameSchema('Channel');
  const rateLimit = rateLimitSchema.prefault({});
  return z
    .discriminatedUnion('type', [
      z.strictObject({
        name,
        type: z.literal('webhook'),
        url: httpUrlSchema('Receives events as signed JSON.'),
        secret: secret
          .optional()
          .describe('HMAC key: each request carries X-Vigil-Timestamp and X-Vigil-Signature.'),
        rateLimit,
      }),
      z.strictObject({
        name,
        type: z.literal('slack'),
        webhookUrl: secret.describe('Slack incoming-webhook URL (a secret).'),
        rateLimit,
      }),
      z.strictObject({
        name,
        type: z.literal('pagerduty'),
        routingKey: routingKeySchema(secret),
        url: httpUrlSchema(
          'Events API v2 endpoint. Default https://events.pagerduty.com/v2/enqueue.',
        ).default('https://events.pagerduty.com/v2/enqueue'),
        severity: severitySchema.optional().describe("Sent instead of each event's own severity."),
        rateLimit,
      }),
      emailChannelSchema(secret),
      z.strictObject({
        name,
        type: z.literal('opsgenie'),
        apiKey: secret.describe(
          'Opsgenie API key of an API integration (a secret): sent as `GenieKey <key>`.',
        ),
        apiUrl: httpUrlSchema(
          'Opsgenie API base URL. Default https://api.opsgenie.com; the EU instance is https://api.eu.opsgenie.com.',
        ).default('https://api.opsgenie.com'),
        rateLimit,
      }),
      z.strictObject({
        name,
        type: z.literal('teams'),
        webhookUrl: secret.describe('Microsoft Teams Workflows webhook URL (a secret).'),
        rateLimit,
      }),
      z.strictObject({
        name,
        type: z.literal('lark'),
        webhookUrl: secret.describe('Lark / Feishu custom bot webhook URL (a secret).'),
        signingSecret: secret
          .optional()
          .describe("The bot's signature verification secret (a secret): each request is signed with it."),
        rateLimit,
      }),
    ])
    .describe('A notification channel.');
}

/**
 * Which events go to which channels. An event goes to every channel of every route it matches (each
 * channel once). The validator checks that channels, services and IDCs named here exist.
 */
export const routeSchema = z
  .strictObject({
    channels: z
      .array(nameSchema('Channel'))
      .min(1)
      .describe('Names of channels defined under `channels`, each listed once.'),
    events: z.array(z.enum(ROUTED_EVENTS)).min(1).optional().describe('Default: every event.'),
    minSeverity: severitySchema.default('info').describe('The weakest severity sent. Default info.'),
    services: z
      .array(nameSchema('Service'))
      .min(1)
      .optional()
      .describe('Only events of these services. Default: every service.'),
    idcs: z
      .array(nameSchema('IDC'))
      .min(1)
      .optional()
      .describe('Only events in these IDCs. Default: every IDC.'),
  })
  .describe('A notification route: events matching every given filter go to its channels.');

export const notificationsSchema = z
  .strictObject({
    groupWait: durationSchema(
      'How long a health incident waits before its first notification: a blip shorter than this sends ' +
        'nothing, and endpoints that fail together are sent as one. Default 10s.',
    ).default('10s'),
    remindEvery: durationSchema('Re-send open incidents this often. Default: no reminders.', '1m').optional(),
    routes: z
      .array(routeSchema)
      .prefault([])
      .describe('Which events go to which channels. None: every event to every channel.'),
  })
  .describe('How events become notifications.');

const alertLabel = (what: string, fallback: string) =>
  z
    .string()
    .min(1)
    .max(63)
    .default(fallback)
    .describe(`The label naming the ${what}. Default "${fallback}".`);

/** Which labels of an inbound alert name the service, IDC and endpoint (three different labels). */
export const alertLabelsSchema = z
  .strictObject({
    service: alertLabel('service', 'service'),
    idc: alertLabel('IDC', 'idc'),
    endpoint: alertLabel('endpoint', 'instance'),
  })
  .describe('The alert labels read as Vigil names. Each must be a different label.');

/** Inbound alerts (Alertmanager, Grafana, generic webhooks). */
export function alertsSchema<S extends AnySecret>(secret: z.ZodType<S, S>) {
  return z
    .strictObject({
      labels: alertLabelsSchema.prefault({}),
      resolveAfter: durationSchema(
        'A firing alert not received again for this long is resolved, so a lost resolve cannot keep a ' +
          "rule firing forever. Set it above the sender's repeat interval (Alertmanager repeat_interval, " +
          'Grafana repeat interval: 4h by default), e.g. 12h. Default: never.',
        '1m',
      ).optional(),
      signingSecret: secret
        .optional()
        .describe(
          'HMAC key for signed webhooks (X-Vigil-Timestamp, X-Vigil-Signature: sha256=HMAC(key, "ts.body")), ' +
            "also the Secret of Grafana's own HMAC Signature (Timestamp Header X-Vigil-Timestamp); " +
            'accepted besides a webhook-role API key.',
        ),
    })
    .describe('Alerts received by webhook.');
}
