import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { Int8Query } from '../numeric-params';
import { LimitParam } from '../pagination';

export class AuditQuery {
  @LimitParam()
  limit = 100;

  /** An audit entry's id (bigint). */
  @Int8Query(1, { description: 'Cursor: the `next` of the previous page' })
  before?: string;

  /** Only entries by this actor (API key name) */
  @IsOptional()
  @IsString()
  actor?: string;

  /** Only this action, e.g. config.apply */
  @IsOptional()
  @IsString()
  action?: string;
}

export class AuditEntryDto {
  id!: string;
  at!: Date;
  /** Who: the API key name */
  actor!: string;
  @ApiProperty({ example: 'config.apply' }) action!: string;
  @ApiProperty({ example: 'config/v3' }) target!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) sourceIp!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) summary!: object;
}

export class AuditPageDto {
  items!: AuditEntryDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `before` for the next page; null: no more',
  })
  next!: string | null;
}
