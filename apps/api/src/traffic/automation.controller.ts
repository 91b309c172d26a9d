import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditSource, MinRole, type AuditActor } from '@libs/runtime';
import { KillSwitchService } from './kill-switch.service';
import { AutomationDto, DecisionDto, PauseDto } from './traffic.dto';

/** The global kill switch. */
@ApiTags('automation')
@Controller('automation')
export class AutomationController {
  constructor(private readonly automation: KillSwitchService) {}

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: 'Whether automation is paused, by whom, why and since when' })
  @ApiOkResponse({ type: AutomationDto })
  get(): Promise<AutomationDto> {
    return this.automation.get();
  }

  @Post('pause')
  @HttpCode(200)
  @MinRole('operator')
  @ApiOperation({
    summary: 'Pause all automatic traffic actions (kill switch)',
    description:
      'Rules propose nothing and executing automatic actions hold before their next step. Manual actions ' +
      '(PUT /services/{name}/weights, rollbacks) still run.',
  })
  @ApiOkResponse({ type: AutomationDto })
  @ApiBadRequestResponse({ description: '`reason` missing' })
  @ApiConflictResponse({ description: 'Already paused' })
  pause(@Body() body: PauseDto, @AuditSource() source: AuditActor): Promise<AutomationDto> {
    return this.automation.pause(body.reason, source);
  }

  @Post('resume')
  @HttpCode(200)
  @MinRole('operator')
  @ApiOperation({ summary: 'Resume automatic traffic actions' })
  @ApiOkResponse({ type: AutomationDto })
  @ApiConflictResponse({ description: 'Not paused' })
  resume(@Body() body: DecisionDto, @AuditSource() source: AuditActor): Promise<AutomationDto> {
    return this.automation.resume(body.reason, source);
  }
}
