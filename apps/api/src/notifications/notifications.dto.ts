import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { NOTIFY_EVENTS, SEVERITIES } from '@libs/domain';
import { NOTIFICATION_STATES, type NotificationState } from '@libs/persistence';
import { LimitParam } from '../pagination';

// ---------------------------------------------------------------- notifications

export class NotificationsQuery {
  @ApiPropertyOptional({ enum: NOTIFICATION_STATES, description: 'failed: the dead-letter list' })
  @IsOptional()
  @IsIn(NOTIFICATION_STATES, { message: `expected one of ${NOTIFICATION_STATES.join(', ')}` })
  state?: NotificationState;

  /** Only this channel */
  @IsOptional()
  @IsString()
  @MaxLength(63)
  channel?: string;

  @ApiPropertyOptional({ enum: NOTIFY_EVENTS })
  @IsOptional()
  @IsIn(NOTIFY_EVENTS, { message: `expected one of ${NOTIFY_EVENTS.join(', ')}` })
  event?: string;

  /** Only this incident (its trigger, reminders and resolve) */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  incident?: string;

  /** The `next` of the previous page (opaque) */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  cursor?: string;

  @LimitParam()
  limit = 100;
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid', description: 'Also the Idempotency-Key of webhook deliveries' }) id!: string;
  /** The incident: PagerDuty dedup_key; trigger, reminders and resolve share it */
  incidentKey!: string;
  @ApiProperty({ enum: NOTIFY_EVENTS }) event!: string;
  @ApiProperty({ enum: ['trigger', 'resolve', 'remind'] }) phase!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  channel!: string;
  title!: string;
  text!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: object;
  @ApiProperty({
    enum: NOTIFICATION_STATES,
    description:
      'pending (queued or retrying), delivered, failed (every attempt failed), silenced, suppressed (rate limit)',
  })
  state!: NotificationState;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The silence that muted it' })
  silenceId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The maintenance window that muted it' })
  maintenanceWindowId!: string | null;
  /** Delivery attempts so far */
  attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) deliveredAt!: Date | null;
}

export class NotificationPageDto {
  /** Newest first */
  items!: NotificationDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Cursor of the next page; null at the end',
  })
  next!: string | null;
}

// ---------------------------------------------------------------- silences

export class SilenceMatcherDto {
  @ApiProperty({
    example: 'idc',
    description:
      'A notification label: event, severity, service, idc, endpoint, vantage, rule, action, kind, channel',
  })
  label!: string;
  @ApiProperty({ enum: ['=', '!=', '=~', '!~'], description: 'Regexes (=~, !~) match the whole value' })
  op!: string;
  @ApiProperty({ example: 'sha' }) value!: string;
}

export class CreateSilenceDto {
  /** All must match. At least one must not match the empty label (a silence cannot mute everything). */
  @IsArray()
  @ArrayMaxSize(32)
  matchers!: SilenceMatcherDto[];

  @ApiPropertyOptional({ example: '2030-01-02T03:04:05Z', description: 'Default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expected an ISO 8601 timestamp' })
  startsAt?: string;

  @ApiProperty({
    example: '2030-01-02T05:04:05Z',
    description: 'After startsAt and now, at most 30 days ahead',
  })
  @IsISO8601({ strict: true }, { message: 'expected an ISO 8601 timestamp' })
  endsAt!: string;

  @ApiProperty({ example: 'sha network maintenance, CHG-1234', maxLength: 1024 })
  @IsString()
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(1024)
  comment!: string;
}

export const SILENCE_STATES = ['active', 'pending', 'expired'] as const;

export class SilencesQuery {
  @ApiPropertyOptional({ enum: SILENCE_STATES, description: 'Default: every silence' })
  @IsOptional()
  @IsIn(SILENCE_STATES, { message: `expected one of ${SILENCE_STATES.join(', ')}` })
  state?: (typeof SILENCE_STATES)[number];

  @LimitParam()
  limit = 100;
}

export class SilenceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  matchers!: SilenceMatcherDto[];
  startsAt!: Date;
  endsAt!: Date;
  comment!: string;
  createdBy!: string;
  createdAt!: Date;
  @ApiProperty({ enum: SILENCE_STATES }) state!: (typeof SILENCE_STATES)[number];
}

export class SilenceListDto {
  /** Newest first */
  items!: SilenceDto[];
}
