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
