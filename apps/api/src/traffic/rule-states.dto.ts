import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RULE_LIVE_STATES, type RuleLiveState } from '@libs/domain';

const STATE_DOC =
  'disabled (for overrunning its evaluation budget, until the next config) > firing > pending (its ' +
  '`for:` running) > cooldown (it acted or notified less than `cooldown` ago) > inactive';

export class RuleTargetStateDto {
  service!: string;
  idc!: string;
  /** The endpoint (its name in the service), for drain-endpoint rules, which run per endpoint */
  endpoint?: string;
  @ApiProperty({ enum: RULE_LIVE_STATES, enumName: 'RuleLiveState', description: STATE_DOC })
  state!: RuleLiveState;
  @ApiProperty({
    nullable: true,
    type: Date,
    description: 'Since when the condition has held (pending or firing)',
  })
  pendingSince!: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'The last time the rule fired here' })
  lastFiredAt!: Date | null;
  @ApiProperty({
    nullable: true,
    type: Date,
    description: 'When the cooldown ends, while it runs (last action or notification + cooldown)',
  })
  cooldownUntil!: Date | null;
  /** Milliseconds of cooldown left by the server's clock; 0 when not cooling down */
  cooldownLeftMs!: number;
}

export class RuleStateDto {
  name!: string;
  @ApiPropertyOptional({ description: 'As configured' }) description?: string;
  /** The CEL condition, as configured */
  when!: string;
  @ApiProperty({ example: '30s', description: 'How long `when` must hold before the rule fires' })
  for!: string;
  @ApiProperty({ example: '5m' }) cooldown!: string;
  priority!: number;
  @ApiProperty({ example: 'approval', description: 'enforce, approval or dry-run' }) mode!: string;
  @ApiProperty({
    type: [String],
    example: ['shift-away', 'notify'],
    description: 'The kinds of its actions, in order: shift-away, drain-endpoint, set-weights, notify',
  })
  actions!: string[];
  @ApiProperty({
    enum: RULE_LIVE_STATES,
    enumName: 'RuleLiveState',
    description: `The most active state of its targets (inactive with none): ${STATE_DOC}`,
  })
  state!: RuleLiveState;
  @ApiProperty({
    nullable: true,
    type: Date,
    description: 'When the controller leader disabled it for overrunning its evaluation budget',
  })
  disabledAt!: Date | null;
  /** Every (service, IDC) the leader's rule memory holds something for, by service then IDC */
  targets!: RuleTargetStateDto[];
}

export class RuleStateListDto {
  /** The server's clock, which cooldownLeftMs is computed from */
  now!: Date;
  @ApiProperty({ nullable: true, type: Number, description: 'null before the first config apply' })
  configVersion!: number | null;
  @ApiProperty({
    nullable: true,
    type: Date,
    description:
      'When the controller leader last saved its rule memory; null if never. Saved at least every 2.5 min ' +
      'while a leader runs; past 10 min no leader watched the rules, and pending/firing/disabled are not shown',
  })
  bookSavedAt!: Date | null;
  rules!: RuleStateDto[];
}
