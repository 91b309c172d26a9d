import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { AuditService, MinRole } from '@libs/runtime';
import { Int8Query } from '../numeric-params';
import { LimitParam } from '../pagination';

class AuditQuery {
  @LimitParam()
  limit = 100;

  /** An audit entry's id (bigint). */
  @Int8Query(1, { description: 'Cursor: the `next` of the previous page' })
  before?: string;

  @ApiPropertyOptional({ description: 'Only entries by this actor (API key name)' })
  @IsOptional()
  @IsString()
  actor?: string;

  @ApiPropertyOptional({ description: 'Only this action, e.g. config.apply' })
  @IsOptional()
  @IsString()
  action?: string;
}

class AuditEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: Date;
  @ApiProperty({ description: 'Who: the API key name' }) actor!: string;
  @ApiProperty({ example: 'config.apply' }) action!: string;
  @ApiProperty({ example: 'config/v3' }) target!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) sourceIp!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) summary!: object;
}

class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items!: AuditEntryDto[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Pass as `before` for the next page' })
  next!: string | null;
}

@ApiTags('audit')
@MinRole('operator')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first (read-only: no API can change it)' })
  @ApiOkResponse({ type: AuditPageDto })
  list(@Query() query: AuditQuery): Promise<AuditPageDto> {
    return this.audit.list(query);
  }
}
