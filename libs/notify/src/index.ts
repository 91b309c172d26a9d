/**
 * Outbound notifications: a notice in each channel's format (webhook, Slack, PagerDuty, email, Opsgenie,
 * Teams, Lark), sent once.
 */
export {
  channelLabel,
  USER_AGENT,
  type ChannelTarget,
  type ChannelType,
  type EmailTarget,
  type HttpChannelTarget,
  type SmtpTls,
  type OutboundRequest,
} from './target';
export { buildRequest, type BuildOptions } from './build-request';
export { sendRequest, DEFAULT_TIMEOUT_MS, type SendOptions } from './send-request';
export { deliver, type DeliverOptions } from './deliver';
export { DeliveryError } from './delivery-error';
export { WEBHOOK_VERSION, type WebhookBody } from './webhook-format';
export { slackMarker } from './slack-format';
export { changeEventsUrl, isChangeEvent, pagerDutyDedupKey } from './pagerduty-format';
export { consoleLinks, type ConsoleLinks } from './console-links';
export { emailIds, emailMessage, type EmailMessage } from './email-format';
export { sendEmail, type SendEmailOptions } from './send-email';
export { opsgenieAlias, OPSGENIE_PRIORITIES } from './opsgenie-format';
export { teamsColour } from './teams-format';
export { larkAnswerError, larkSign } from './lark-format';
