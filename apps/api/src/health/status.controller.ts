import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { MinRole } from '@libs/runtime';
import { HealthHistoryService } from './health-history.service';
import { HealthInventory } from './health-inventory.service';
import { HealthReadService, isStale } from './health-read.service';
import {
  EndpointHealthDto,
  HistoryDto,
  HistoryQuery,
  ServiceHealthDto,
  ServiceStatusQuery,
  StatusDto,
} from './health.dto';
import { parseStep, timeRange } from './time-range';

const HOUR_MS = 3_600_000;

/** What the controller leader thinks of every service, IDC and endpoint, and an endpoint's history. */
@ApiTags('health')
@MinRole('viewer')
@Controller()
export class StatusController {
  constructor(
    private readonly health: HealthReadService,
    private readonly inventory: HealthInventory,
    private readonly historyService: HealthHistoryService,
  ) {}

  @Get('status')
  @ApiOperation({
    summary: 'Every service per IDC: state, score, healthy capacity (the leader’s snapshot)',
    description:
      'Served from memory for up to 500 ms. Before the controller leader published anything: 200 with ' +
      '`generatedAt: null` and no services. `stale: true` when the snapshot is more than 10 s old, ' +
      'i.e. the controller is not publishing. Sent gzip-compressed when accepted, with an ETag ' +
      '(If-None-Match: 304).',
  })
  @ApiOkResponse({ type: StatusDto })
  async status(@Req() req: Request, @Res() res: Response): Promise<void> {
    const cached = await this.health.snapshot();
    const body = await cached.body(isStale(cached.snapshot.generatedAt));
    // Prepared once per cache period: an ETag (If-None-Match gets a 304 from Express) and gzip.
    res.type('application/json').setHeader('ETag', body.etag);
    res.vary('Accept-Encoding');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip' && !req.fresh) {
      res.setHeader('Content-Encoding', 'gzip');
      res.send(body.gzip);
    } else {
      res.send(body.json);
    }
  }

  @Get('services/:name/status')
  @ApiOperation({
    summary: 'One service: its entry of /status plus its endpoints’ states',
    description:
      '`idc` filters the IDCs and the endpoints, `state` the endpoints. 404 for a service not in the config.',
  })
  @ApiOkResponse({ type: ServiceHealthDto })
  @ApiNotFoundResponse({ description: 'No such service in the current config' })
  async serviceStatus(
    @Param('name') name: string,
    @Query() q: ServiceStatusQuery,
  ): Promise<ServiceHealthDto> {
    await this.inventory.requireService(name);
    const [{ status, generatedAt }, endpoints] = await Promise.all([
      this.health.serviceStatus(name),
      this.health.serviceEndpoints(name),
    ]);
    return {
      ...status,
      idcs: status.idcs.filter((i) => !q.idc || i.idc === q.idc),
      generatedAt,
      stale: isStale(generatedAt),
      endpointStatuses: endpoints.filter(
        (e) => (!q.idc || e.idc === q.idc) && (!q.state || e.state === q.state),
      ),
    };
  }

  @Get('endpoints/:id/health')
  @ApiOperation({
    summary: 'Everything the leader knows of one endpoint: per-vantage checks, score, last results',
    description:
      'An endpoint of the config that the leader has not scored yet: 200 with state UNKNOWN and empty lists.',
  })
  @ApiOkResponse({ type: EndpointHealthDto })
  @ApiNotFoundResponse({ description: 'No such endpoint in the current config' })
  async endpointHealth(@Param('id') id: string): Promise<EndpointHealthDto> {
    const endpoint = await this.inventory.requireEndpoint(id);
    const detail = await this.health.endpointDetail(id);
    if (detail) return detail;
    return {
      id,
      service: endpoint.service,
      idc: endpoint.idc,
      capacity: endpoint.capacity,
      state: 'UNKNOWN',
      reason: 'unknown',
      score: 0,
      since: null,
      vantages: [],
      downFrom: [],
      upFrom: [],
      scoreComponents: { availability: 0, latency: 0, stability: 0 },
      transitions: [],
      lastResults: [],
    };
  }

  @Get('endpoints/:id/history')
  @ApiOperation({
    summary: 'One endpoint’s probes over time, in buckets of `step`',
    description:
      'From the per-minute rollups; default range: the last hour. Buckets are aligned on multiples of ' +
      '`step` (UTC). Latency percentiles are approximations: p50 is the count-weighted mean of the ' +
      'minute p50s, p95/p99 the highest minute p95/p99 of the bucket (an upper bound).',
  })
  @ApiOkResponse({ type: HistoryDto })
  @ApiBadRequestResponse({
    description: 'Bad from/to/step, or more than 1,440 buckets (`details` names the field)',
  })
  @ApiNotFoundResponse({ description: 'Unknown endpoint (not in the config, no history)' })
  async history(@Param('id') id: string, @Query() q: HistoryQuery): Promise<HistoryDto> {
    const stepMs = parseStep(q.step);
    const range = timeRange(q, HOUR_MS);
    await this.inventory.requireEndpointOrHistory(id);
    return this.historyService.history(id, range, stepMs);
  }
}
