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
import { FreezesService } from './freezes.service';
import { CreateFreezeDto, FreezeDto, FreezeListDto, FreezesQuery } from './traffic.dto';

/** Freeze windows: no automatic traffic action in their scope until `until` or until lifted. */
@ApiTags('automation')
@Controller('freezes')
export class FreezesController {
  constructor(private readonly freezes: FreezesService) {}

  @Post()
  @MinRole('operator')
  @ApiOperation({
    summary: 'Freeze automation for some services and IDCs (empty lists: everything)',
    description: 'Manual actions (PUT /services/{name}/weights, rollbacks) are not frozen.',
  })
  @ApiCreatedResponse({ type: FreezeDto })
  @ApiBadRequestResponse({
    description: '`until` not in the future or more than 30 days ahead, unknown service or IDC',
  })
  create(@Body() body: CreateFreezeDto, @AuditSource() source: AuditActor): Promise<FreezeDto> {
    return this.freezes.create(body, source);
  }

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: 'Freezes, newest first' })
  @ApiOkResponse({ type: FreezeListDto })
  list(@Query() query: FreezesQuery): Promise<FreezeListDto> {
    return this.freezes.list(query);
  }

  @Delete(':id')
  @MinRole('operator')
  @ApiOperation({ summary: 'Lift a freeze now (it is kept, with liftedAt)' })
  @ApiOkResponse({ type: FreezeDto })
  @ApiNotFoundResponse({ description: 'No such freeze' })
  @ApiConflictResponse({ description: 'Already lifted' })
  lift(@Param('id', new ParseUUIDPipe()) id: string, @AuditSource() source: AuditActor): Promise<FreezeDto> {
    return this.freezes.lift(id, source);
  }
}
