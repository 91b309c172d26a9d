import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { Counter } from 'prom-client';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { parseAlertmanager, parseGeneric, parseGrafana, type ParseResult } from '@libs/domain';
import { MetricsService, WebhookRoute } from '@libs/runtime';
import { AlertStore } from './alert-store';
import { ReceiveSummaryDto } from './alerts.dto';
import { badBody, jsonBody, type WebhookRequest } from './webhook-body';

const AUTH =
  'Needs a webhook-role API key (`Authorization: Bearer`), or, without one, a body signed with config ' +
  "`alerts.signingSecret` (`X-Vigil-Timestamp` with `X-Vigil-Signature`, or with Grafana's own " +
  '`X-Grafana-Alerting-Signature`; 5 minutes of clock skew; each signature is accepted once). ' +
  'A body is stored whole or not at all; a bad field is a 400 naming it.';

/** Alerts in: Prometheus Alertmanager, Grafana Alerting and anything that can post JSON. */
@ApiTags('alerts')
@Controller('webhooks')
@WebhookRoute()
@ApiOkResponse({ type: ReceiveSummaryDto })
@ApiBadRequestResponse({ description: "Not the sender's shape: `details` names every bad field" })
@ApiPayloadTooLargeResponse({ description: 'Larger than VIGIL_WEBHOOK_MAX_BODY_BYTES (default 1 MiB)' })
@ApiUnsupportedMediaTypeResponse({ description: 'Not application/json' })
export class WebhooksController {
  private readonly received: Counter<'source' | 'status'>;

  constructor(
    private readonly store: AlertStore,
    metrics: MetricsService,
  ) {
    this.received = new Counter({
      name: 'vigil_alerts_received_total',
      help: 'Alerts received by webhook and stored, by source and status',
      labelNames: ['source', 'status'],
      registers: [metrics.registry],
    });
  }

  @Post('alertmanager')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive an Alertmanager webhook (webhook_configs, version 4)',
    description: `Point a webhook_configs receiver here with send_resolved: true. ${AUTH}`,
  })
  @ApiBody({
    schema: {
      type: 'object',
      additionalProperties: true,
      description: 'Alertmanager\'s webhook body (version "4")',
    },
  })
  alertmanager(@Req() req: WebhookRequest): Promise<ReceiveSummaryDto> {
    return this.receive(req, parseAlertmanager);
  }

  @Post('grafana')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive a Grafana Alerting webhook contact point (version 1)',
    description: `A Grafana contact point of type Webhook, method POST. ${AUTH}`,
  })
  @ApiBody({
    schema: {
      type: 'object',
      additionalProperties: true,
      description: 'Grafana\'s webhook body (version "1")',
    },
  })
  grafana(@Req() req: WebhookRequest): Promise<ReceiveSummaryDto> {
    return this.receive(req, parseGrafana);
  }

  @Post('generic')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive alerts from anything else',
    description:
      '`{"alerts": [{"name"?, "labels", "annotations"?, "status"? (firing), "startsAt"?, "endsAt"?, ' +
      '"fingerprint"?}]}`: `name` or `labels.alertname` is required; the fingerprint defaults to the ' +
      `one Alertmanager gives the same labels. ${AUTH}`,
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['alerts'],
      properties: {
        alerts: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            required: ['labels'],
            properties: {
              name: { type: 'string' },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              annotations: { type: 'object', additionalProperties: { type: 'string' } },
              status: { type: 'string', enum: ['firing', 'resolved'], default: 'firing' },
              startsAt: { type: 'string', format: 'date-time' },
              endsAt: { type: 'string', format: 'date-time' },
              fingerprint: { type: 'string' },
            },
          },
        },
      },
    },
  })
  generic(@Req() req: WebhookRequest): Promise<ReceiveSummaryDto> {
    return this.receive(req, (body) => parseGeneric(body, Date.now()));
  }

  private async receive(
    req: WebhookRequest,
    parse: (body: unknown) => ParseResult,
  ): Promise<ReceiveSummaryDto> {
    const parsed = parse(jsonBody(req));
    if (!parsed.ok) throw badBody(parsed.details);
    const summary = await this.store.receive(parsed.alerts, Date.now());
    for (const alert of parsed.alerts) this.received.inc({ source: alert.source, status: alert.status });
    return summary;
  }
}
