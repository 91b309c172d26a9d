import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { INT4_MAX, IntQuery } from '../numeric-params';

export class ApplyQuery {
  @ApiPropertyOptional({ description: 'Only return the plan; change nothing', type: Boolean, default: false })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  dryRun = false;

  @ApiPropertyOptional({ description: 'Why: kept with the version and in the audit log' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  message?: string;
}

export class RestoreQuery {
  @ApiPropertyOptional({ description: 'Why: kept with the new version and in the audit log' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  message?: string;
}

export class DiffQuery {
  @IntQuery(0, INT4_MAX, { description: 'The version to compare with (default: the one before; 0 = empty)' })
  against?: number;
}

class FieldChangeDto {
  @ApiProperty({ example: 'endpoints[sha-1].capacity' }) path!: string;
  @ApiPropertyOptional() before?: unknown;
  @ApiPropertyOptional() after?: unknown;
}

class PlanChangeDto {
  @ApiProperty({
    enum: ['idc', 'service', 'rule', 'channel', 'settings'],
    description: 'settings: the notifications or alerts section (always an update)',
  })
  kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['create', 'update', 'delete'] }) op!: string;
  @ApiPropertyOptional({ type: [FieldChangeDto] }) fields?: FieldChangeDto[];
}

class PlanSummaryDto {
  @ApiProperty() create!: number;
  @ApiProperty() update!: number;
  @ApiProperty() delete!: number;
}

export class PlanDto {
  @ApiProperty({ type: [PlanChangeDto] }) changes!: PlanChangeDto[];
  @ApiProperty({ type: PlanSummaryDto }) summary!: PlanSummaryDto;
}

export class ApplyResultDto {
  @ApiProperty({ description: 'The current version after the call' }) version!: number;
  @ApiProperty({ description: 'Whether a new version was created' }) changed!: boolean;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ type: PlanDto }) plan!: PlanDto;
}

export class VersionSummaryDto {
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'The API key that applied it' }) author!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) message!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) restoredFrom!: number | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: PlanSummaryDto }) summary!: PlanSummaryDto;
}

export class VersionPageDto {
  @ApiProperty({ type: [VersionSummaryDto] }) items!: VersionSummaryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class VersionDto {
  @ApiProperty() version!: number;
  @ApiProperty() author!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) message!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) restoredFrom!: number | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: PlanDto, description: 'The plan against the version before' }) plan!: PlanDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The config, secrets redacted' })
  document!: Record<string, unknown>;
}
