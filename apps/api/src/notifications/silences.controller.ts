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
import { CreateSilenceDto, SilenceDto, SilenceListDto, SilencesQuery } from './notifications.dto';
import { SilencesService } from './silences.service';

/** Silences mute notifications whose labels match, for a while; events and records are kept. */
@ApiTags('notifications')
@Controller('silences')
export class SilencesController {
  constructor(private readonly silences: SilencesService) {}

  @Post()
  @MinRole('operator')
  @ApiOperation({
    summary: 'Silence notifications matching label matchers until endsAt',
    description:
      'Matched notifications are recorded with state silenced and not sent. Matchers use Alertmanager ' +
      'operators (=, !=, =~, !~) on the labels event, severity, service, idc, endpoint, vantage, rule, action, kind and channel.',
  })
  @ApiCreatedResponse({ type: SilenceDto })
  @ApiBadRequestResponse({ description: 'Bad matchers (with their paths), or a bad window' })
  create(@Body() body: CreateSilenceDto, @AuditSource() source: AuditActor): Promise<SilenceDto> {
    return this.silences.create(body, source);
  }

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: 'Silences, newest first' })
  @ApiOkResponse({ type: SilenceListDto })
  list(@Query() query: SilencesQuery): Promise<SilenceListDto> {
    return this.silences.list(query);
  }

  @Delete(':id')
  @MinRole('operator')
  @ApiOperation({ summary: 'Expire a silence now (it is kept, with endsAt = now)' })
  @ApiOkResponse({ type: SilenceDto })
  @ApiNotFoundResponse({ description: 'No such silence' })
  @ApiConflictResponse({ description: 'Already expired' })
  expire(
    @Param('id', new ParseUUIDPipe()) id: string,
    @AuditSource() source: AuditActor,
  ): Promise<SilenceDto> {
    return this.silences.expire(id, source);
  }
}
