import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  CHECK_STATES,
  HEALTH_STATES,
  type CheckState,
  type EndpointHealthDetail,
  type EndpointStatus,
  type HealthState,
  type ProbeResultView,
  type ScoreComponents,
  type StateCounts,
  type VantageCheckView,
} from '@libs/domain';
import type { IdcStatus, ServiceStatus } from '@libs/queue';
import { TIME_PATTERN } from './time-range';
import { LimitParam } from '../pagination';

export const EVENT_KINDS = ['endpoint', 'idc', 'vantage', 'alert', 'rule', 'traffic'] as const;

const TIME_DOC = 'ISO 8601 timestamp (2030-01-02T03:04:05Z) or epoch milliseconds, from 1970 to 9999';
const TIME_MESSAGE = { message: 'expected an ISO 8601 timestamp or epoch milliseconds' };

// ---------------------------------------------------------------- queries

export class ServiceStatusQuery {
  /** Only this IDC (filters both `idcs` and `endpointStatuses`) */
  @IsOptional()
  @IsString()
  idc?: string;

  @ApiPropertyOptional({
    enum: HEALTH_STATES,
    enumName: 'HealthState',
    description: 'Only endpoints in this state',
  })
  @IsOptional()
  @IsIn(HEALTH_STATES)
  state?: HealthState;
}

export class TimeRangeQuery {
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
  @IsOptional() @IsString() service?: string;
  @IsOptional() @IsString() idc?: string;
  /** Endpoint id, <service>.<name> */
  @IsOptional()
  @IsString()
  endpoint?: string;

  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @IsOptional()
  @IsIn(EVENT_KINDS)
  kind?: (typeof EVENT_KINDS)[number];

  /** The `next` of the previous page (opaque) */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;

  @LimitParam()
  limit = 100;
}

export class StreamQuery {
  @IsOptional() @IsString() service?: string;
  @IsOptional() @IsString() idc?: string;
  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @IsOptional()
  @IsIn(EVENT_KINDS)
  kind?: (typeof EVENT_KINDS)[number];
}

export class AvailabilityQuery extends TimeRangeQuery {
  /** Only this service (default: every service). Default range: the last 24 h */
  @IsOptional()
  @IsString()
  service?: string;
}

// ---------------------------------------------------------------- status

export class StateCountsDto implements StateCounts {
  UNKNOWN!: number;
  HEALTHY!: number;
  DEGRADED!: number;
  UNHEALTHY!: number;
}

export class IdcStatusDto implements IdcStatus {
  idc!: string;
  @ApiProperty({ enum: HEALTH_STATES, enumName: 'HealthState' }) state!: HealthState;
  @ApiProperty({ example: 'capacity' }) reason!: string;
  score!: number;
  /** Healthy capacity / total capacity, 0..1 */
  healthyRatio!: number;
  /** Capacity of the HEALTHY and DEGRADED endpoints; a flapping endpoint counts only by its recent success share */
  healthyCapacity!: number;
  totalCapacity!: number;
  /** Share of the service's traffic in percent: the weights in force (after shifts), else the config's baseline */
  weight!: number;
  /** Epoch ms of the last state change */
  since!: number;
  /** Endpoints per state */
  endpoints!: StateCountsDto;
  @ApiPropertyOptional({
    type: [Number],
    description:
      'Epoch ms at which this (service, IDC) went UNHEALTHY (from any other state) within the ' +
      "service's policy.failbackBackoff.window, oldest first; each one lengthens the hold before " +
      'failback. Always present, possibly empty; missing only in a snapshot of an older controller (none)',
  })
  outages?: number[];
}

export class ServiceStatusDto implements ServiceStatus {
  service!: string;
  idcs!: IdcStatusDto[];
  /** Endpoints per state */
  endpoints!: StateCountsDto;
}

export class VantagesDto {
  live!: string[];
  suspect!: string[];
}

export class StatusDto {
  /** Epoch ms when the controller leader wrote this snapshot; null: nothing published yet */
  generatedAt!: number | null;
  configVersion!: number | null;
  vantages!: VantagesDto;
  services!: ServiceStatusDto[];
  /** True when generatedAt is more than 10 s old: the controller is not publishing */
  stale!: boolean;
}

export class EndpointStatusDto implements EndpointStatus {
  @ApiProperty({ example: 'live-edge.sha-edge-1' }) id!: string;
  idc!: string;
  @ApiProperty({ enum: HEALTH_STATES, enumName: 'HealthState' }) state!: HealthState;
  @ApiProperty({ example: 'down' }) reason!: string;
  score!: number;
  /** Epoch ms of the last state change */
  since!: number;
}

export class ServiceHealthDto extends ServiceStatusDto {
  /** Of the snapshot the service entry comes from */
  generatedAt!: number | null;
  /** The snapshot is more than 10 s old */
  stale!: boolean;
  /** The endpoints, after the idc/state filters */
  endpointStatuses!: EndpointStatusDto[];
}

export class VantageCheckDto implements VantageCheckView {
  vantage!: string;
  check!: string;
  @ApiProperty({ enum: CHECK_STATES, enumName: 'CheckState' }) state!: CheckState;
  /** Consecutive successes */
  successes!: number;
  /** Consecutive failures */
  failures!: number;
  /** Epoch ms */
  lastAt!: number;
  lastOk!: boolean;
  lastError?: string;
}

export class ScoreComponentsDto implements ScoreComponents {
  availability!: number;
  latency!: number;
  stability!: number;
}

export class ResultDto implements ProbeResultView {
  vantage!: string;
  check!: string;
  /** Epoch ms */
  at!: number;
  ok!: boolean;
  latencyMs!: number;
  errorKind?: string;
  statusCode?: number;
  detail?: string;
}

/** The leader's detail, or (`since: null`) what the API says of an endpoint it has not scored yet. */
export class EndpointHealthDto implements Omit<EndpointHealthDetail, 'since'> {
  id!: string;
  service!: string;
  idc!: string;
  capacity!: number;
  @ApiProperty({ enum: HEALTH_STATES, enumName: 'HealthState' }) state!: HealthState;
  reason!: string;
  @ApiPropertyOptional({
    description:
      'Flap damping applies: held DEGRADED (reason flapping) while up, UNHEALTHY (reason down) while ' +
      'down, and counted toward its IDC by its recent success share while up',
  })
  flapping?: boolean;
  score!: number;
  /** Epoch ms of the last state change; null while nothing is known (UNKNOWN) */
  since!: number | null;
  vantages!: VantageCheckDto[];
  /** Vantages that see it down */
  downFrom!: string[];
  upFrom!: string[];
  scoreComponents!: ScoreComponentsDto;
  /** Epoch ms of the first failed probe of the current failure streak, until HEALTHY again */
  firstFailureAt?: number;
  /** State changes (epoch ms) in the flapping window */
  transitions!: number[];
  /** The newest raw results (a short window) */
  lastResults!: ResultDto[];
}

// ---------------------------------------------------------------- history

export class HistoryBucketDto {
  /** Bucket start (ISO 8601); buckets are aligned on multiples of the step (UTC) */
  start!: string;
  /** Probes (all vantages and checks) */
  count!: number;
  /** Failed probes */
  failures!: number;
  /** 1 - failures/count, 0..1; null without probes */
  availability!: number | null;
  /** Approximation: mean of the per-minute p50s weighted by their probe counts */
  latencyP50Ms!: number | null;
  /** Approximation (upper bound): the highest per-minute p95 in the bucket */
  latencyP95Ms!: number | null;
  /** Approximation (upper bound): the highest per-minute p99 in the bucket */
  latencyP99Ms!: number | null;
}

export class HistoryDto {
  endpoint!: string;
  /** Start of the first bucket (ISO 8601) */
  from!: string;
  /** End of the range, exclusive (ISO 8601) */
  to!: string;
  @ApiProperty({ example: '5m' }) step!: string;
  stepMs!: number;
  /** Every bucket of the range, oldest first */
  buckets!: HistoryBucketDto[];
}

// ---------------------------------------------------------------- events

const BEFORE_DOC =
  'State before (OK/SUSPECT for vantages; new/firing/resolved for alerts; in-sync/drift for traffic)';

export class HealthEventDto {
  id!: string;
  at!: Date;
  @ApiProperty({ enum: EVENT_KINDS }) kind!: string;
  service!: string | null;
  idc!: string | null;
  endpoint!: string | null;
  vantage!: string | null;
  @ApiProperty({ example: 'HEALTHY', description: BEFORE_DOC })
  before!: string;
  @ApiProperty({ example: 'UNHEALTHY' }) after!: string;
  reason!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'endpoint: {downFrom, firstFailureAt}; idc: {healthyRatio, firstFailureAt?}; ' +
      'alert: {fingerprint, source, labels, annotations}; ' +
      'traffic: what the read-back saw, e.g. {expected, actual, drained}',
  })
  details!: object;
}

/**
 * One `data:` line of GET /events/stream: the event as the controller publishes it, before it has a
 * row id. Unlike an /events item, `at` is epoch ms and absent subjects are left out, not null.
 */
export class LiveEventDto {
  /** When the change was decided (epoch ms) */
  at!: number;
  @ApiProperty({ enum: EVENT_KINDS }) kind!: string;
  service?: string;
  idc?: string;
  endpoint?: string;
  vantage?: string;
  @ApiProperty({ example: 'HEALTHY', description: BEFORE_DOC })
  before!: string;
  @ApiProperty({ example: 'UNHEALTHY' }) after!: string;
  reason!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'As in an /events item' })
  details?: object;
}

export class EventPageDto {
  /** Newest first */
  items!: HealthEventDto[];
  /** Pass as `cursor` for the next page; null: no more */
  next!: string | null;
}

// ---------------------------------------------------------------- availability report

export class IncidentDto {
  /** Id of the event that made the (service, IDC) UNHEALTHY */
  eventId!: string;
  /** When it became UNHEALTHY (ISO 8601) */
  startedAt!: string;
  /** When it left UNHEALTHY; null while ongoing */
  endedAt!: string | null;
  ongoing!: boolean;
  reason!: string;
  /** Time to detect: startedAt - details.firstFailureAt (first failed probe); null if unknown */
  mttdMs!: number | null;
  /** Time to recover: endedAt - startedAt; null while ongoing */
  mttrMs!: number | null;
}

export class IdcAvailabilityDto {
  idc!: string;
  /** Probes in the range (from the per-minute rollups), outside maintenance windows */
  probes!: number;
  failures!: number;
  /** 100 * (1 - failures/probes), maintenance left out; null without probes */
  availabilityPercent!: number | null;
  /** Time in the range inside a maintenance window covering this service and IDC */
  maintenanceSeconds!: number;
  /** Probes (and failures) taken inside a maintenance window: shown apart, not in availabilityPercent */
  maintenanceProbes!: number;
  maintenanceFailures!: number;
  /** Time in the range UNHEALTHY (incidents), outside maintenance windows */
  downtimeSeconds!: number;
  /** Periods the (service, IDC) was UNHEALTHY that overlap the range, oldest first */
  incidents!: IncidentDto[];
  /** Mean of the known mttdMs */
  meanMttdMs!: number | null;
  /** Mean of the mttrMs of ended incidents */
  meanMttrMs!: number | null;
}

export class WorstEndpointDto {
  endpoint!: string;
  idc!: string;
  probes!: number;
  failures!: number;
  availabilityPercent!: number;
}

export class ServiceAvailabilityDto {
  service!: string;
  /** Sums over the IDCs, maintenance left out */
  probes!: number;
  failures!: number;
  availabilityPercent!: number | null;
  maintenanceProbes!: number;
  maintenanceFailures!: number;
  idcs!: IdcAvailabilityDto[];
  /** Up to 5 endpoints of the service with the lowest availability (with probes in the range) */
  worstEndpoints!: WorstEndpointDto[];
}

export class AvailabilityReportDto {
  /** ISO 8601, inclusive */
  from!: string;
  /** ISO 8601, exclusive */
  to!: string;
  services!: ServiceAvailabilityDto[];
}
