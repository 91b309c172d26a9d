import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { LimitParam } from '../pagination';

const REASON_MAX = 500;
const RULE_MAX = 500;

export class CreateMaintenanceWindowDto {
  @ApiProperty({ example: 'kernel upgrades', maxLength: REASON_MAX })
  @IsString()
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(REASON_MAX)
  reason!: string;

  @ApiPropertyOptional({
    example: '2030-01-02T02:00:00Z',
    description:
      "One-off: when it starts (default now; may be ahead). Recurring: the first possible start (default now), and the RRULE's DTSTART",
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expected an ISO 8601 timestamp' })
  startsAt?: string;

  @ApiPropertyOptional({
    example: '2030-01-02T04:00:00Z',
    description: 'One-off windows only: when it ends (in the future, at most 30 days after startsAt)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expected an ISO 8601 timestamp' })
  endsAt?: string;

  @ApiPropertyOptional({
    example: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0',
    description: 'Recurring: an RFC 5545 RRULE (no DTSTART or TZID), read in `timezone`',
  })
  @IsOptional()
  @IsString()
  @MaxLength(RULE_MAX)
  rrule?: string;

  @ApiPropertyOptional({
    example: '0 2 * * 2',
    description:
      'Recurring: a 5-field cron expression (minute hour day-of-month month day-of-week), read in `timezone`',
  })
  @IsOptional()
  @IsString()
  @MaxLength(RULE_MAX)
  cron?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'Recurring: IANA time zone (default UTC)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timezone?: string;

  @ApiPropertyOptional({
    example: '2h',
    description:
      'Recurring: how long each occurrence lasts (at most 30d and the time between two occurrences)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  duration?: string;

  @ApiPropertyOptional({ description: 'Recurring: no occurrence starts at or after this' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expected an ISO 8601 timestamp' })
  until?: string;

  /** Services covered; empty or absent = every service */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  services?: string[];

  /** IDCs covered; empty or absent = every IDC */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  idcs?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { tier: 'batch' },
    description: "Service labels that must all be equal (the config's service labels); absent = any",
  })
  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;

  /** No automatic traffic action in scope while in force, like a freeze (default true) */
  @IsOptional()
  @IsBoolean()
  freeze?: boolean;

  /** Notifications in scope are silenced while in force, like a silence (default true) */
  @IsOptional()
  @IsBoolean()
  silence?: boolean;
}

export class MaintenanceWindowsQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only windows in force now' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'expected true or false' })
  active?: 'true' | 'false';

  @LimitParam()
  limit = 100;
}

export class OccurrenceDto {
  start!: Date;
  end!: Date;
}

export const WINDOW_STATES = ['active', 'scheduled', 'ended', 'cancelled'] as const;

export class MaintenanceWindowDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  reason!: string;
  @ApiProperty({ enum: ['once', 'rrule', 'cron'] }) kind!: 'once' | 'rrule' | 'cron';
  /** One-off: its start; recurring: the first possible start */
  startsAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'One-off windows only' })
  endsAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) rrule!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) cron!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) timezone!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) duration!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) until!: Date | null;
  /** Empty = every service */
  services!: string[];
  /** Empty = every IDC */
  idcs!: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  freeze!: boolean;
  silence!: boolean;
  createdBy!: string;
  createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) cancelledAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) cancelledBy!: string | null;
  /** Changes with every change of the window (a cancel) */
  version!: number;
  /** In force now (an occurrence covers now, not cancelled) */
  active!: boolean;
  @ApiProperty({
    enum: WINDOW_STATES,
    description: 'active now, scheduled (occurs later), ended, or cancelled',
  })
  state!: (typeof WINDOW_STATES)[number];
  /** The next occurrences (the current one first), at most 5 within 400 days */
  next!: OccurrenceDto[];
}

export class MaintenanceWindowListDto {
  /** Newest first */
  items!: MaintenanceWindowDto[];
}
