import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where an action is in its life. */
export const ACTION_STATES = [
  'dry-run', // recorded only (rule in dry-run mode)
  'refused', // a guardrail said no; the reason says which
  'awaiting-approval',
  'executing',
  'held', // a receiver degraded between steps: stopped, waiting for a human
  'completed',
  'failed',
  'rejected',
  'cancelled',
  'rolled-back',
] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/** States in which an action still holds its service: a new automatic one waits, an operator may cancel it. */
export const OPEN_ACTION_STATES: readonly ActionState[] = ['awaiting-approval', 'executing', 'held'];

/** A traffic change Vigil proposed or made: a recorded plan of steps, with why and who. */
@Entity('actions')
@Index(['service', 'createdAt'])
@Index(['state'])
@Index(['updatedAt'])
export class ActionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  service!: string;

  /** The rule that proposed it, or null for manual and rollback actions. */
  @Column('text', { nullable: true })
  rule!: string | null;

  /** shift-away, failback, set-weights, rollback, drain-endpoint, undrain-endpoint. */
  @Column('text')
  kind!: string;

  /** The IDC the action is about (shift-away: the source; failback: the returning IDC). */
  @Column('text', { nullable: true })
  idc!: string | null;

  /** The endpoint (its name in the service) a drain-endpoint or undrain-endpoint action is about. */
  @Column('text', { nullable: true })
  endpoint!: string | null;

  /** enforce, approval or dry-run (the rule's mode), or manual. */
  @Column('text')
  mode!: string;

  @Column('text')
  state!: ActionState;

  @Column('text')
  reason!: string;

  /** The planner's answer: steps (weights after each), receivers, warnings, or the refusal. */
  @Column('jsonb')
  plan!: object;

  /** The names of the guardrails passed, in order; for a refused action, the one that refused. */
  @Column('jsonb', { default: [] })
  guardrails!: string[];

  @Column('jsonb', { name: 'weights_before' })
  weightsBefore!: Record<string, number>;

  /** Steps applied so far. */
  @Column('int', { name: 'steps_done', default: 0 })
  stepsDone!: number;

  @Column('int', { name: 'steps_total', default: 0 })
  stepsTotal!: number;

  /** Who approved, rejected, cancelled or rolled it back. */
  @Column('text', { name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  /** The leader's fencing token when the action was created: a stale leader's writes are refused. */
  @Column('bigint', { name: 'fencing_token', default: 0 })
  fencingToken!: string;

  @Column('text', { nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
