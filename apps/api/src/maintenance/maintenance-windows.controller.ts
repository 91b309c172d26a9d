import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditSource, MinRole, type AuditActor } from '@libs/runtime';
import {
  CreateMaintenanceWindowDto,
  MaintenanceWindowDto,
  MaintenanceWindowListDto,
  MaintenanceWindowsQuery,
} from './maintenance-windows.dto';
import { MaintenanceWindowsService } from './maintenance-windows.service';

/** Maintenance windows: one-off or recurring periods that freeze automation and/or silence notifications. */
@ApiTags('automation')
@Controller('maintenance-windows')
export class MaintenanceWindowsController {
  constructor(private readonly windows: MaintenanceWindowsService) {}

  @Post()
  @MinRole('operator')
  @ApiOperation({
    summary: 'Declare a maintenance window (one-off, or recurring by RRULE or cron in a time zone)',
    description:
      'While an occurrence is in force: `freeze` stops automatic traffic actions in scope (like a freeze), ' +
      '`silence` silences notifications in scope (like a silence); both default to true. Scope: services, ' +
      'IDCs and service labels; empty = everything. Reports show time inside a window apart.',
  })
  @ApiCreatedResponse({ type: MaintenanceWindowDto })
  @ApiBadRequestResponse({
    description:
      'A bad schedule (RRULE, cron, timezone, duration, no occurrence, too long), unknown service or IDC; `details` names the field',
  })
  create(
    @Body() body: CreateMaintenanceWindowDto,
    @AuditSource() source: AuditActor,
  ): Promise<MaintenanceWindowDto> {
    return this.windows.create(body, source);
  }

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: 'Maintenance windows, newest first, each with its next occurrences' })
  @ApiOkResponse({ type: MaintenanceWindowListDto })
  list(@Query() query: MaintenanceWindowsQuery): Promise<MaintenanceWindowListDto> {
    return this.windows.list(query);
  }

  @Get(':id')
  @MinRole('viewer')
  @ApiOperation({ summary: 'One maintenance window, with its next occurrences' })
  @ApiOkResponse({ type: MaintenanceWindowDto })
  @ApiNotFoundResponse({ description: 'No such window' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<MaintenanceWindowDto> {
    return this.windows.get(id);
  }

  @Delete(':id')
  @MinRole('operator')
  @ApiOperation({ summary: 'Cancel a maintenance window now (it is kept, with cancelledAt)' })
  @ApiOkResponse({ type: MaintenanceWindowDto })
  @ApiNotFoundResponse({ description: 'No such window' })
  @ApiConflictResponse({ description: 'Already cancelled' })
  cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @AuditSource() source: AuditActor,
  ): Promise<MaintenanceWindowDto> {
    return this.windows.cancel(id, source);
  }
}
