import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { MinRole } from '@libs/runtime';
import { AvailabilityService } from './availability.service';
import { AvailabilityQuery, AvailabilityReportDto } from './health.dto';
import { timeRange } from './time-range';

const DAY_MS = 86_400_000;

@ApiTags('health')
@MinRole('viewer')
@Controller('reports')
export class ReportsController {
  constructor(private readonly availability: AvailabilityService) {}

  @Get('availability')
  @ApiOperation({
    summary: 'Availability, incidents, MTTD and MTTR per service and IDC; worst endpoints per service',
    description:
      'Default range: the last 24 h. Availability = 1 - failures/probes from the per-minute rollups ' +
      '(in percent). An incident is a period a (service, IDC) was UNHEALTHY (from `idc` events) that ' +
      'overlaps the range; MTTD = detection - first failed probe (when the event says), MTTR = end - start. ' +
      'Time inside a maintenance window covering a (service, IDC) is shown apart (`maintenanceSeconds`, ' +
      '`maintenanceProbes`): it is not downtime (`downtimeSeconds`) and its probes are not in availabilityPercent.',
  })
  @ApiOkResponse({ type: AvailabilityReportDto })
  @ApiBadRequestResponse({ description: 'Bad from/to (`details` names the field)' })
  @ApiNotFoundResponse({ description: 'The service is not in the config and has no data in the range' })
  report(@Query() q: AvailabilityQuery): Promise<AvailabilityReportDto> {
    return this.availability.report(timeRange(q, DAY_MS), q.service);
  }
}
