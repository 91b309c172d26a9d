import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditSource, MinRole, type AuditActor } from '@libs/runtime';
import { ServiceTrafficService } from './service-traffic.service';
import { TrafficHistoryDto, TrafficHistoryQuery } from './traffic-history.dto';
import { TrafficHistoryService } from './traffic-history.service';
import { FailbackHoldDto, ServiceTrafficDto, SetWeightsDto, SetWeightsResultDto } from './traffic.dto';

/** A service's traffic weights, and the manual override. */
@ApiTags('traffic')
@ApiExtraModels(FailbackHoldDto)
@Controller('services')
export class ServiceTrafficController {
  constructor(
    private readonly traffic: ServiceTrafficService,
    private readonly trafficHistory: TrafficHistoryService,
  ) {}

  @Get(':name/traffic')
  @MinRole('viewer')
  @ApiOperation({
    summary: 'Baseline, desired and applied weights, the override, the latest action and the failback holds',
  })
  @ApiOkResponse({ type: ServiceTrafficDto })
  @ApiNotFoundResponse({ description: 'No such service in the current config' })
  view(@Param('name') name: string): Promise<ServiceTrafficDto> {
    return this.traffic.view(name);
  }

  @Get(':name/traffic/history')
  @MinRole('viewer')
  @ApiOperation({
    summary: "The service's weights over time: each step applied and each override set or released",
    description:
      "From what Postgres records: the steps actions applied (desired = applied = the step's weights, at " +
      'the time the traffic manager confirmed it) and the manual overrides (audit log). `start` is the ' +
      'value at `from`, so a chart can begin there. Default range: the last 24 h; at most 7 d.',
  })
  @ApiOkResponse({ type: TrafficHistoryDto })
  @ApiBadRequestResponse({ description: 'Bad from/to, or more than 7 d apart (`details` names the field)' })
  @ApiNotFoundResponse({ description: 'No such service in the current config' })
  history(@Param('name') name: string, @Query() q: TrafficHistoryQuery): Promise<TrafficHistoryDto> {
    return this.trafficHistory.history(name, q);
  }

  @Put(':name/weights')
  @MinRole('operator')
  @ApiOperation({
    summary: 'Set the weights by hand (manual override)',
    description:
      'Stores the override, which pauses automation for the service until released, and creates a manual ' +
      'set-weights action (executing, one step) that the controller applies at once. Executing actions of ' +
      'the service are cancelled (superseded).',
  })
  @ApiOkResponse({ type: SetWeightsResultDto })
  @ApiBadRequestResponse({ description: 'Bad weights: `details` names `weights.<idc>` or `weights`' })
  @ApiNotFoundResponse({ description: 'No such service in the current config' })
  setWeights(
    @Param('name') name: string,
    @Body() body: SetWeightsDto,
    @AuditSource() source: AuditActor,
  ): Promise<SetWeightsResultDto> {
    return this.traffic.setWeights(name, body, source);
  }

  @Delete(':name/weights')
  @MinRole('operator')
  @ApiOperation({
    summary: 'Release the manual override',
    description:
      'Automation resumes for the service; the weights stay as they are until an action changes them.',
  })
  @ApiOkResponse({ type: ServiceTrafficDto })
  @ApiNotFoundResponse({ description: 'No such service in the current config' })
  @ApiConflictResponse({ description: 'The service has no override' })
  release(@Param('name') name: string, @AuditSource() source: AuditActor): Promise<ServiceTrafficDto> {
    return this.traffic.release(name, source);
  }
}
