import { ApiProperty } from '@nestjs/swagger';
import { TimeRangeQuery } from '../health/health.dto';

const WEIGHTS_SCHEMA = { type: 'object', additionalProperties: { type: 'number' } } as const;

/** Default range: the last 24 h; at most 7 d. */
export class TrafficHistoryQuery extends TimeRangeQuery {}

export class TrafficPointDto {
  at!: Date;
  @ApiProperty({
    enum: ['start', 'step', 'override', 'release'],
    description:
      'start: the value at `from`; step: an action applied a step (desired and applied change); ' +
      'override / release: a manual override was set or released',
  })
  kind!: 'start' | 'step' | 'override' | 'release';
  @ApiProperty({
    ...WEIGHTS_SCHEMA,
    example: { bjs: 50, sha: 50 },
    description: 'Percent per IDC Vigil wanted from then on',
  })
  desired!: Record<string, number>;
  @ApiProperty({
    ...WEIGHTS_SCHEMA,
    nullable: true,
    description: 'Percent per IDC the traffic manager had confirmed by then; null before the first step',
  })
  applied!: Record<string, number> | null;
  @ApiProperty({
    ...WEIGHTS_SCHEMA,
    nullable: true,
    description: 'The manual override in force from then on (automation paused), or null',
  })
  override!: Record<string, number> | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The action whose step this is, or the manual action an override created',
  })
  actionId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The action's or the override's reason (a release: the released override's)",
  })
  reason!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The API key that set or released the override; null for steps',
  })
  by!: string | null;
}

export class TrafficHistoryDto {
  service!: string;
  from!: Date;
  to!: Date;
  @ApiProperty({
    ...WEIGHTS_SCHEMA,
    example: { bjs: 25, sha: 75 },
    description: "The current config's weights as percentages",
  })
  baseline!: Record<string, number>;
  /** The weights at `from` (the last step and override change before it); kind `start`, at = from */
  start!: TrafficPointDto;
  @ApiProperty({
    nullable: true,
    type: Date,
    description: 'When the value at `from` was set (the last change before the range), or null',
  })
  lastChangeAt!: Date | null;
  /** Each change in [from, to), oldest first */
  points!: TrafficPointDto[];
  /** More than 5,000 changes in the range: only the first 5,000 are listed (ask from the last `at`) */
  truncated!: boolean;
}
