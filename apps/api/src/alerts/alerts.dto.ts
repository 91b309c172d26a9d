import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ALERT_SOURCES, ALERT_STATUSES, type AlertSource, type AlertStatus } from '@libs/domain';
import { LimitParam } from '../pagination';

const LABELS_SCHEMA = { type: 'object', additionalProperties: { type: 'string' } } as const;

export class AlertsQuery {
  @ApiPropertyOptional({ enum: ALERT_STATUSES })
  @IsOptional()
  @IsIn(ALERT_STATUSES, { message: `expected one of ${ALERT_STATUSES.join(', ')}` })
  status?: AlertStatus;

  /** From the label config `alerts.labels.service` names */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  service?: string;

  /** From the label config `alerts.labels.idc` names */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  idc?: string;

  /** From the label config `alerts.labels.endpoint` names */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  endpoint?: string;

  /** The alertname */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  name?: string;

  @ApiPropertyOptional({ enum: ALERT_SOURCES })
  @IsOptional()
  @IsIn(ALERT_SOURCES, { message: `expected one of ${ALERT_SOURCES.join(', ')}` })
  source?: AlertSource;

  /** The `next` of the previous page (opaque) */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @LimitParam()
  limit = 100;
}

export class AlertDto {
  @ApiProperty({ example: 'c0daecc84bfad185' }) fingerprint!: string;
  @ApiProperty({ enum: ALERT_SOURCES }) source!: string;
  @ApiProperty({ example: 'HighErrorRate', description: 'The alertname label' }) name!: string;
  @ApiProperty({ enum: ALERT_STATUSES }) status!: string;
  @ApiProperty(LABELS_SCHEMA) labels!: Record<string, string>;
  @ApiProperty(LABELS_SCHEMA) annotations!: Record<string, string>;
  service!: string | null;
  idc!: string | null;
  endpoint!: string | null;
  startsAt!: Date;
  /** Null: no end time given */
  endsAt!: Date | null;
  generatorUrl!: string | null;
  /** How many times it was received */
  receivedCount!: number;
  firstReceivedAt!: Date;
  /** When it was last received */
  updatedAt!: Date;
}

export class AlertPageDto {
  /** Most recently received first */
  items!: AlertDto[];
  /** Pass as `cursor` for the next page; null: no more */
  next!: string | null;
}

export class ReceiveSummaryDto {
  /** Alerts in the body */
  received!: number;
  firing!: number;
  resolved!: number;
}
