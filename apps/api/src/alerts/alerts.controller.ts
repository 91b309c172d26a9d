import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@libs/runtime';
import { AlertList } from './alert-list';
import { AlertPageDto, AlertsQuery } from './alerts.dto';

/** Alerts received by webhook, as stored (one per fingerprint). */
@ApiTags('alerts')
@MinRole('viewer')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertList) {}

  @Get()
  @ApiOperation({
    summary: 'Received alerts, most recently received first (cursor pagination: pass `next` as `cursor`)',
  })
  @ApiOkResponse({ type: AlertPageDto })
  @ApiBadRequestResponse({ description: 'Bad filter or cursor (`details` names the field)' })
  list(@Query() query: AlertsQuery): Promise<AlertPageDto> {
    return this.alerts.list(query);
  }
}
