import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { ACTION_STATES, type ActionState } from '@libs/persistence';
import { LimitParam } from '../pagination';

const WEIGHTS_SCHEMA = { type: 'object', additionalProperties: { type: 'number' } } as const;
const WEIGHTS_EXAMPLE = { bjs: 50, sha: 50 };
/** Why a human changed traffic: shown in the audit log and on the action. */
const REASON_MAX = 500;

// ---------------------------------------------------------------- actions

export class ActionsQuery {
  @ApiPropertyOptional({ enum: ACTION_STATES, description: 'Only actions in this state' })
  @IsOptional()
  @IsIn(ACTION_STATES, { message: `expected one of ${ACTION_STATES.join(', ')}` })
  state?: ActionState;

  /** Only actions on this service */
  @IsOptional()
  @IsString()
  service?: string;

  /** The `next` of the previous page (opaque) */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  cursor?: string;

  @LimitParam()
  limit = 100;
}

export class ActionSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  service!: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The rule that proposed it; null if manual',
  })
  rule!: string | null;
  @ApiProperty({
    example: 'shift-away',
    description: 'shift-away, failback, set-weights, rollback, drain-endpoint or undrain-endpoint',
  })
  kind!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The IDC the action is about' })
  idc!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      'The endpoint (its name in the service) a drain-endpoint or undrain-endpoint action is about',
  })
  endpoint!: string | null;
  @ApiProperty({ example: 'approval', description: 'enforce, approval, dry-run or manual' }) mode!: string;
  @ApiProperty({ enum: ACTION_STATES }) state!: ActionState;
  reason!: string;
  /** Steps applied so far */
  stepsDone!: number;
  stepsTotal!: number;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Who approved, rejected, cancelled or rolled it back (API key name)',
  })
  decidedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export class ActionStepDto {
  index!: number;
  @ApiProperty({ ...WEIGHTS_SCHEMA, example: WEIGHTS_EXAMPLE, description: 'The weights after this step' })
  weights!: Record<string, number>;
  @ApiPropertyOptional({
    nullable: true,
    type: [String],
    description:
      'Drain actions: the endpoints in drain once the step is applied; null leaves drain states alone',
  })
  drained!: string[] | null;
  @ApiProperty({ example: '0b6d…:0', description: '`<action id>:<index>`; sent with the call' })
  idempotencyKey!: string;
  @ApiProperty({ enum: ['pending', 'applying', 'applied', 'failed'] }) state!: string;
  attempts!: number;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: "The traffic manager's answer",
  })
  result!: object | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt!: Date | null;
  /** The fencing token of the controller leader that last sent the step (0: never sent) */
  fencingToken!: string;
}

export class ActionDto extends ActionSummaryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The planner's answer (PlannedShift: steps, receivers, moved, unplaced; or a refusal)",
  })
  plan!: object;
  @ApiProperty({
    type: [String],
    example: ['kill-switch', 'freeze', 'cooldown'],
    description:
      'The names of the guardrails passed, in the order checked; for a refused action, the one that refused',
  })
  guardrails!: string[];
  @ApiProperty({
    ...WEIGHTS_SCHEMA,
    description: 'The weights when the action started: what a rollback restores',
  })
  weightsBefore!: Record<string, number>;
  @ApiProperty({ description: "The controller leader's fencing token at creation (0 for API-made actions)" })
  fencingToken!: string;
  /** In order */
  steps!: ActionStepDto[];
}

export class ActionDecisionDto extends ActionDto {
  /** What the decision left in place, e.g. steps already applied by a cancelled action */
  note?: string;
}

export class ActionPageDto {
  items!: ActionSummaryDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null: no more',
  })
  next!: string | null;
}

export class DecisionDto {
  @ApiPropertyOptional({ description: 'Why; kept in the audit log', maxLength: REASON_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(REASON_MAX)
  reason?: string;
}

export class RollbackDto {
  @ApiProperty({ example: 'the shift made latency worse', maxLength: REASON_MAX })
  @IsString()
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(REASON_MAX)
  reason!: string;
}

// ---------------------------------------------------------------- service traffic

export class DrainEndpointDto {
  @ApiProperty({ example: 'sha-1 answers 5xx under load', maxLength: REASON_MAX })
  @IsString()
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(REASON_MAX)
  reason!: string;
}

export class SetWeightsDto {
  @ApiProperty({
    ...WEIGHTS_SCHEMA,
    example: { bjs: 100, sha: 0 },
    description:
      'Relative weight per IDC (>= 0, not all 0), only IDCs where the service has endpoints; ' +
      'IDCs left out get 0. Stored as whole percentages summing to 100.',
  })
  @IsObject({ message: 'expected an object of IDC name to weight' })
  weights!: Record<string, unknown>;

  @ApiProperty({ example: 'sha maintenance window', maxLength: REASON_MAX })
  @IsString()
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(REASON_MAX)
  reason!: string;
}

export class OverrideDto {
  @ApiProperty({ ...WEIGHTS_SCHEMA, example: { bjs: 100, sha: 0 }, description: 'Whole percentages' })
  weights!: Record<string, number>;
  reason!: string;
  /** API key name */
  by!: string;
  /** ISO 8601 */
  at!: string;
}

export class FailbackHoldDto {
  @ApiProperty({
    example: 3,
    description:
      "The IDC's current (or last) outage is the n-th of the service there within " +
      'policy.failbackBackoff.window; at least 1',
  })
  outages!: number;
  @ApiProperty({
    example: 40_000,
    description:
      'Milliseconds the IDC must be HEALTHY before failback, as of now: recoveryHold × 2^(outages − 1), ' +
      'at most max(maxHold, recoveryHold). Outages leaving the window bring it down again',
  })
  holdMs!: number;
  @ApiProperty({
    example: 'recoveryHold 10s × 2^2: 3rd outage within 1h',
    description: 'How the hold came about',
  })
  explanation!: string;
  /** Since when the IDC has been HEALTHY; absent when it is not */
  healthySince?: Date;
  @ApiPropertyOptional({
    type: Date,
    description:
      'healthySince + holdMs, when the IDC is HEALTHY with less than its baseline share: the earliest the ' +
      'controller proposes its failback (if the drain was a shift away and the other guardrails let it)',
  })
  failbackAt?: Date;
}

export class ActualTrafficDto {
  @ApiProperty({ description: 'Whether the traffic manager could be read' }) ok!: boolean;
  @ApiPropertyOptional({
    ...WEIGHTS_SCHEMA,
    example: WEIGHTS_EXAMPLE,
    description: 'Percent per IDC as the traffic manager routes it (when ok)',
  })
  weights?: Record<string, number>;
  @ApiPropertyOptional({
    type: [String],
    description: 'Endpoints the traffic manager has in drain (when ok)',
  })
  drained?: string[];
  @ApiProperty({ description: 'What was read, from where; or why it could not be read' }) detail!: string;
  @ApiProperty({ type: Date }) readAt!: string;
}

export class DriftDto {
  @ApiProperty({ example: 'weights differ: sha 50% applied, 0% in force' }) reason!: string;
  @ApiProperty({ type: Date, description: 'Since when the read-backs have seen it' }) since!: Date;
}

export class TrafficManagerDto {
  @ApiProperty({ example: 'haproxy', description: 'log, webhook, haproxy or powerdns' }) type!: string;
  @ApiProperty({ description: 'Whether Vigil reads its weights back (after each step, and periodically)' })
  readsBack!: boolean;
  @ApiProperty({ description: 'Whether it can drain single endpoints (drain-endpoint)' })
  drainsEndpoints!: boolean;
  @ApiPropertyOptional({
    example: 30,
    description:
      'DNS traffic managers: the TTL of the answers, in seconds; a step takes full effect only after it',
  })
  ttlSeconds?: number;
}

export class ServiceTrafficDto {
  service!: string;
  @ApiProperty({
    ...WEIGHTS_SCHEMA,
    example: WEIGHTS_EXAMPLE,
    description: 'The configured weights (default: equal on each IDC with endpoints), as percentages',
  })
  baseline!: Record<string, number>;
  @ApiProperty({
    ...WEIGHTS_SCHEMA,
    example: WEIGHTS_EXAMPLE,
    description: 'The weights Vigil wants now; the baseline until an action applied a step',
  })
  desired!: Record<string, number>;
  @ApiPropertyOptional({
    ...WEIGHTS_SCHEMA,
    nullable: true,
    description: 'The last weights the traffic manager confirmed; null before the first',
  })
  applied!: Record<string, number> | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) appliedAt!: Date | null;
  @ApiPropertyOptional({
    nullable: true,
    type: OverrideDto,
    description: 'Set by PUT /services/{name}/weights; automation is paused for the service while set',
  })
  override!: OverrideDto | null;
  @ApiPropertyOptional({
    nullable: true,
    type: ActionSummaryDto,
    description: 'The newest action on the service',
  })
  latestAction!: ActionSummaryDto | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(FailbackHoldDto) },
    example: {
      sha: {
        outages: 3,
        holdMs: 40_000,
        explanation: 'recoveryHold 10s × 2^2: 3rd outage within 1h',
        healthySince: '2030-01-02T03:04:05.000Z',
        failbackAt: '2030-01-02T03:04:45.000Z',
      },
    },
    description:
      'Per IDC of the service: the hold before its failback (failback backs off after repeated outages, ' +
      'see policy.failbackBackoff), from the health snapshot',
  })
  failback!: Record<string, FailbackHoldDto>;
  @ApiProperty({ type: [String], description: 'Endpoints Vigil has taken out of rotation (drain-endpoint)' })
  drained!: string[];
  trafficManager!: TrafficManagerDto;
  @ApiPropertyOptional({
    nullable: true,
    type: ActualTrafficDto,
    description:
      "The traffic manager's own weights at the last read-back (adapters that can read), beside Vigil's " +
      'applied ones; null before the first',
  })
  actual!: ActualTrafficDto | null;
  @ApiPropertyOptional({
    nullable: true,
    type: DriftDto,
    description:
      "Set while the traffic manager's weights differ from the applied ones (changed behind Vigil's back) " +
      'or it cannot be read; Vigil does not correct drift by itself',
  })
  drift!: DriftDto | null;
}

export class SetWeightsResultDto extends ServiceTrafficDto {
  /** The manual action the executor runs to apply the weights */
  action!: ActionDto;
  /** Actions of the service that were executing and were cancelled in favour of this one */
  superseded!: string[];
}

// ---------------------------------------------------------------- freezes

export class CreateFreezeDto {
  /** Services frozen; empty or absent = every service */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  services?: string[];

  /** IDCs frozen; empty or absent = every IDC */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  idcs?: string[];

  @ApiProperty({
    example: '2030-01-02T03:04:05Z',
    description: 'ISO 8601, in the future, at most 30 days ahead',
  })
  @IsISO8601({ strict: true }, { message: 'expected an ISO 8601 timestamp' })
  until!: string;

  @ApiProperty({ example: 'release freeze', maxLength: REASON_MAX })
  @IsString()
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(REASON_MAX)
  reason!: string;
}

export class FreezesQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only freezes in force now' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'expected true or false' })
  active?: 'true' | 'false';

  @LimitParam()
  limit = 100;
}

export class FreezeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  /** Empty = every service */
  services!: string[];
  /** Empty = every IDC */
  idcs!: string[];
  until!: Date;
  reason!: string;
  createdBy!: string;
  createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) liftedAt!: Date | null;
  /** In force now: not lifted and `until` not passed */
  active!: boolean;
}

export class FreezeListDto {
  /** Newest first */
  items!: FreezeDto[];
}

// ---------------------------------------------------------------- automation

export class PauseDto {
  @ApiProperty({ example: 'incident 4711: hands off', maxLength: REASON_MAX })
  @IsString()
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(REASON_MAX)
  reason!: string;
}

export class AutomationDto {
  /** The global kill switch: no automatic action anywhere while true */
  paused!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'API key name' }) by!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'When the switch was last set' })
  since!: Date | null;
}
