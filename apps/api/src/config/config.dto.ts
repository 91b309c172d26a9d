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

  /** Why: kept with the version and in the audit log */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  message?: string;
}

export class RestoreQuery {
  /** Why: kept with the new version and in the audit log */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  message?: string;
}

export class DiffQuery {
  @IntQuery(0, INT4_MAX, { description: 'The version to compare with (default: the one before; 0 = empty)' })
  against?: number;
}

/**
 * Any JSON value, as a `oneOf` of the JSON types: a declared combinator makes the swagger plugin drop
 * the `object` type it infers from `unknown`.
 */
const ANY_JSON = {
  nullable: true,
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'object', additionalProperties: true },
    { type: 'array', items: {} },
  ],
};

export class FieldChangeDto {
  @ApiProperty({ example: 'endpoints[sha-1].capacity' }) path!: string;
  @ApiPropertyOptional({
    ...ANY_JSON,
    example: 100,
    description: 'The old value (any JSON); absent for an added field',
  })
  before?: unknown;
  @ApiPropertyOptional({
    ...ANY_JSON,
    example: 50,
    description: 'The new value (any JSON); absent for a removed field',
  })
  after?: unknown;
}

export class PlanChangeDto {
  @ApiProperty({
    enum: ['idc', 'service', 'rule', 'channel', 'settings'],
    description: 'settings: the notifications or alerts section (always an update)',
  })
  kind!: string;
  name!: string;
  @ApiProperty({ enum: ['create', 'update', 'delete'] }) op!: string;
  fields?: FieldChangeDto[];
}

export class PlanSummaryDto {
  create!: number;
  update!: number;
  delete!: number;
}

export class PlanDto {
  changes!: PlanChangeDto[];
  summary!: PlanSummaryDto;
}

export class ApplyResultDto {
  /** The current version after the call */
  version!: number;
  /** Whether a new version was created */
  changed!: boolean;
  dryRun!: boolean;
  plan!: PlanDto;
}

export class VersionSummaryDto {
  version!: number;
  /** The API key that applied it */
  author!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) message!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) restoredFrom!: number | null;
  createdAt!: Date;
  summary!: PlanSummaryDto;
}

export class VersionPageDto {
  items!: VersionSummaryDto[];
  total!: number;
  limit!: number;
  offset!: number;
}

export class VersionDto {
  version!: number;
  author!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) message!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) restoredFrom!: number | null;
  createdAt!: Date;
  /** The plan against the version before */
  plan!: PlanDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The config, secrets redacted' })
  document!: Record<string, unknown>;
}
