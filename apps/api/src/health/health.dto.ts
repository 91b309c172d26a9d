import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { HealthStateName } from '@libs/queue';
import { TIME_PATTERN } from './time-range';
import { LimitParam } from '../pagination';

export const STATE_NAMES: readonly HealthStateName[] = ['UNKNOWN', 'HEALTHY', 'DEGRADED', 'UNHEALTHY'];
export const EVENT_KINDS = ['endpoint', 'idc', 'vantage', 'alert', 'rule'] as const;

const TIME_DOC = 'ISO 8601 timestamp (2030-01-02T03:04:05Z) or epoch milliseconds, from 1970 to 9999';
const TIME_MESSAGE = { message: 'expected an ISO 8601 timestamp or epoch milliseconds' };

// ---------------------------------------------------------------- queries

export class ServiceStatusQuery {
  @ApiPropertyOptional({ description: 'Only this IDC (filters both `idcs` and `endpointStatuses`)' })
  @IsOptional()
  @IsString()
  idc?: string;

  @ApiPropertyOptional({ enum: STATE_NAMES, description: 'Only endpoints in this state' })
  @IsOptional()
  @IsIn(STATE_NAMES)
  state?: HealthStateName;
}

class TimeRangeQuery {
  @ApiPropertyOptional({ description: `Start (inclusive): ${TIME_DOC}`, pattern: TIME_PATTERN.source })
  @IsOptional()
  @Matches(TIME_PATTERN, TIME_MESSAGE)
  from?: string;

  @ApiPropertyOptional({
    description: `End (exclusive): ${TIME_DOC}; default now`,
    pattern: TIME_PATTERN.source,
  })
  @IsOptional()
  @Matches(TIME_PATTERN, TIME_MESSAGE)
  to?: string;
}

export class HistoryQuery extends TimeRangeQuery {
  @ApiPropertyOptional({
    type: String,
    default: '1m',
    example: '5m',
    description:
      'Bucket size: a duration of whole minutes, at least 1m; at most 1,440 buckets. Default range: the last hour',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  step = '1m';
}

export class EventsQuery extends TimeRangeQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() service?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() idc?: string;
  @ApiPropertyOptional({ description: 'Endpoint id, <service>.<name>' })
  @IsOptional()
  @IsString()
  endpoint?: string;

  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @IsOptional()
  @IsIn(EVENT_KINDS)
  kind?: (typeof EVENT_KINDS)[number];

  @ApiPropertyOptional({ description: 'The `next` of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;

  @LimitParam()
  limit = 100;
}

export class StreamQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() service?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() idc?: string;
  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @IsOptional()
  @IsIn(EVENT_KINDS)
  kind?: (typeof EVENT_KINDS)[number];
}

export class AvailabilityQuery extends TimeRangeQuery {
  @ApiPropertyOptional({
    description: 'Only this service (default: every service). Default range: the last 24 h',
  })
  @IsOptional()
  @IsString()
  service?: string;
}

// ---------------------------------------------------------------- status

export class StateCountsDto {
  @ApiProperty() UNKNOWN!: number;
  @ApiProperty() HEALTHY!: number;
  @ApiProperty() DEGRADED!: number;
  @ApiProperty() UNHEALTHY!: number;
}

export class IdcStatusDto {
  @ApiProperty() idc!: string;
  @ApiProperty({ enum: STATE_NAMES }) state!: HealthStateName;
  @ApiProperty({ example: 'capacity' }) reason!: string;
  @ApiProperty() score!: number;
  @ApiProperty({ description: 'Healthy capacity / total capacity, 0..1' }) healthyRatio!: number;
  @ApiProperty({
    description:
      'Capacity of the HEALTHY and DEGRADED endpoints; a flapping endpoint counts only by its recent success share',
  })
  healthyCapacity!: number;
  @ApiProperty() totalCapacity!: number;
  @ApiProperty({ description: 'Baseline traffic weight from the config' }) weight!: number;
  @ApiProperty({ description: 'Epoch ms of the last state change' }) since!: number;
  @ApiProperty({ type: StateCountsDto, description: 'Endpoints per state' }) endpoints!: StateCountsDto;
  @ApiPropertyOptional({
    type: [Number],
    description:
      'Epoch ms at which this (service, IDC) went UNHEALTHY (from any other state) within the ' +
      "service's policy.failbackBackoff.window, oldest first; each one lengthens the hold before " +
      'failback. Always present, possibly empty; missing only in a snapshot of an older controller (none)',
  })
  outages?: number[];
}

export class ServiceStatusDto {
  @ApiProperty() service!: string;
  @ApiProperty({ type: [IdcStatusDto] }) idcs!: IdcStatusDto[];
  @ApiProperty({ type: StateCountsDto, description: 'Endpoints per state' }) endpoints!: StateCountsDto;
}

class VantagesDto {
  @ApiProperty({ type: [String] }) live!: string[];
  @ApiProperty({ type: [String] }) suspect!: string[];
}

export class StatusDto {
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Epoch ms when the controller leader wrote this snapshot; null: nothing published yet',
  })
  generatedAt!: number | null;
  @ApiProperty({ nullable: true, type: Number }) configVersion!: number | null;
  @ApiProperty({ type: VantagesDto }) vantages!: VantagesDto;
  @ApiProperty({ type: [ServiceStatusDto] }) services!: ServiceStatusDto[];
  @ApiProperty({
    description: 'True when generatedAt is more than 10 s old: the controller is not publishing',
  })
  stale!: boolean;
}

export class EndpointStatusDto {
  @ApiProperty({ example: 'live-edge.sha-edge-1' }) id!: string;
  @ApiProperty() idc!: string;
  @ApiProperty({ enum: STATE_NAMES }) state!: HealthStateName;
  @ApiProperty({ example: 'down' }) reason!: string;
  @ApiProperty() score!: number;
  @ApiProperty({ description: 'Epoch ms of the last state change' }) since!: number;
}

export class ServiceHealthDto extends ServiceStatusDto {
  @ApiProperty({ nullable: true, type: Number, description: 'Of the snapshot the service entry comes from' })
  generatedAt!: number | null;
  @ApiProperty({ description: 'The snapshot is more than 10 s old' }) stale!: boolean;
  @ApiProperty({ type: [EndpointStatusDto], description: 'The endpoints, after the idc/state filters' })
  endpointStatuses!: EndpointStatusDto[];
}

class VantageCheckDto {
  @ApiProperty() vantage!: string;
  @ApiProperty() check!: string;
  @ApiProperty({ enum: ['UNKNOWN', 'UP', 'DOWN'] }) state!: string;
  @ApiProperty({ description: 'Consecutive successes' }) successes!: number;
  @ApiProperty({ description: 'Consecutive failures' }) failures!: number;
  @ApiProperty({ description: 'Epoch ms' }) lastAt!: number;
  @ApiProperty() lastOk!: boolean;
  @ApiPropertyOptional() lastError?: string;
}

class ScoreComponentsDto {
  @ApiProperty() availability!: number;
  @ApiProperty() latency!: number;
  @ApiProperty() stability!: number;
}

class ResultDto {
  @ApiProperty() vantage!: string;
  @ApiProperty() check!: string;
  @ApiProperty({ description: 'Epoch ms' }) at!: number;
  @ApiProperty() ok!: boolean;
  @ApiProperty() latencyMs!: number;
  @ApiPropertyOptional() errorKind?: string;
  @ApiPropertyOptional() statusCode?: number;
  @ApiPropertyOptional() detail?: string;
}

export class EndpointHealthDto {
  @ApiProperty() id!: string;
  @ApiProperty() service!: string;
  @ApiProperty() idc!: string;
  @ApiProperty() capacity!: number;
  @ApiProperty({ enum: STATE_NAMES }) state!: HealthStateName;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional({
    description:
      'Flap damping applies: held DEGRADED (reason flapping) while up, UNHEALTHY (reason down) while ' +
      'down, and counted toward its IDC by its recent success share while up',
  })
  flapping?: boolean;
  @ApiProperty() score!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Epoch ms of the last state change; null while nothing is known (UNKNOWN)',
  })
  since!: number | null;
  @ApiProperty({ type: [VantageCheckDto] }) vantages!: VantageCheckDto[];
  @ApiProperty({ type: [String], description: 'Vantages that see it down' }) downFrom!: string[];
  @ApiProperty({ type: [String] }) upFrom!: string[];
  @ApiProperty({ type: ScoreComponentsDto }) scoreComponents!: ScoreComponentsDto;
  @ApiProperty({ type: [Number], description: 'State changes (epoch ms) in the flapping window' })
  transitions!: number[];
  @ApiProperty({ type: [ResultDto], description: 'The newest raw results (a short window)' })
  lastResults!: ResultDto[];
}

// ---------------------------------------------------------------- history

export class HistoryBucketDto {
  @ApiProperty({ description: 'Bucket start (ISO 8601); buckets are aligned on multiples of the step (UTC)' })
  start!: string;
  @ApiProperty({ description: 'Probes (all vantages and checks)' }) count!: number;
  @ApiProperty({ description: 'Failed probes' }) failures!: number;
  @ApiProperty({ nullable: true, type: Number, description: '1 - failures/count, 0..1; null without probes' })
  availability!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Approximation: mean of the per-minute p50s weighted by their probe counts',
  })
  latencyP50Ms!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Approximation (upper bound): the highest per-minute p95 in the bucket',
  })
  latencyP95Ms!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Approximation (upper bound): the highest per-minute p99 in the bucket',
  })
  latencyP99Ms!: number | null;
}

export class HistoryDto {
  @ApiProperty() endpoint!: string;
  @ApiProperty({ description: 'Start of the first bucket (ISO 8601)' }) from!: string;
  @ApiProperty({ description: 'End of the range, exclusive (ISO 8601)' }) to!: string;
  @ApiProperty({ example: '5m' }) step!: string;
  @ApiProperty() stepMs!: number;
  @ApiProperty({ type: [HistoryBucketDto], description: 'Every bucket of the range, oldest first' })
  buckets!: HistoryBucketDto[];
}

// ---------------------------------------------------------------- events

export class HealthEventDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: Date;
  @ApiProperty({ enum: EVENT_KINDS }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) service!: string | null;
  @ApiProperty({ nullable: true, type: String }) idc!: string | null;
  @ApiProperty({ nullable: true, type: String }) endpoint!: string | null;
  @ApiProperty({ nullable: true, type: String }) vantage!: string | null;
  @ApiProperty({
    example: 'HEALTHY',
    description: 'State before (OK/SUSPECT for vantages; new/firing/resolved for alerts)',
  })
  before!: string;
  @ApiProperty({ example: 'UNHEALTHY' }) after!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'endpoint: {downFrom, firstFailureAt}; idc: {healthyRatio, firstFailureAt?}; ' +
      'alert: {fingerprint, source, labels, annotations}',
  })
  details!: object;
}

export class EventPageDto {
  @ApiProperty({ type: [HealthEventDto], description: 'Newest first' }) items!: HealthEventDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null: no more',
  })
  next!: string | null;
}

// ---------------------------------------------------------------- availability report

export class IncidentDto {
  @ApiProperty({ description: 'Id of the event that made the (service, IDC) UNHEALTHY' }) eventId!: string;
  @ApiProperty({ description: 'When it became UNHEALTHY (ISO 8601)' }) startedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When it left UNHEALTHY; null while ongoing' })
  endedAt!: string | null;
  @ApiProperty() ongoing!: boolean;
  @ApiProperty() reason!: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Time to detect: startedAt - details.firstFailureAt (first failed probe); null if unknown',
  })
  mttdMs!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Time to recover: endedAt - startedAt; null while ongoing',
  })
  mttrMs!: number | null;
}

export class IdcAvailabilityDto {
  @ApiProperty() idc!: string;
  @ApiProperty({ description: 'Probes in the range (from the per-minute rollups)' }) probes!: number;
  @ApiProperty() failures!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: '100 * (1 - failures/probes); null without probes',
  })
  availabilityPercent!: number | null;
  @ApiProperty({
    type: [IncidentDto],
    description: 'Periods the (service, IDC) was UNHEALTHY that overlap the range, oldest first',
  })
  incidents!: IncidentDto[];
  @ApiProperty({ nullable: true, type: Number, description: 'Mean of the known mttdMs' }) meanMttdMs!:
    number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean of the mttrMs of ended incidents' })
  meanMttrMs!: number | null;
}

export class WorstEndpointDto {
  @ApiProperty() endpoint!: string;
  @ApiProperty() idc!: string;
  @ApiProperty() probes!: number;
  @ApiProperty() failures!: number;
  @ApiProperty() availabilityPercent!: number;
}

export class ServiceAvailabilityDto {
  @ApiProperty() service!: string;
  @ApiProperty() probes!: number;
  @ApiProperty() failures!: number;
  @ApiProperty({ nullable: true, type: Number }) availabilityPercent!: number | null;
  @ApiProperty({ type: [IdcAvailabilityDto] }) idcs!: IdcAvailabilityDto[];
  @ApiProperty({
    type: [WorstEndpointDto],
    description: 'Up to 5 endpoints of the service with the lowest availability (with probes in the range)',
  })
  worstEndpoints!: WorstEndpointDto[];
}

export class AvailabilityReportDto {
  @ApiProperty({ description: 'ISO 8601, inclusive' }) from!: string;
  @ApiProperty({ description: 'ISO 8601, exclusive' }) to!: string;
  @ApiProperty({ type: [ServiceAvailabilityDto] }) services!: ServiceAvailabilityDto[];
}
