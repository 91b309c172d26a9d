import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One step of an action: recorded before it is sent and after the traffic manager answered. */
@Entity('action_steps')
export class ActionStepEntity {
  @PrimaryColumn('uuid', { name: 'action_id' })
  actionId!: string;

  @PrimaryColumn('int')
  index!: number;

  @Column('jsonb')
  weights!: Record<string, number>;

  /** Drain actions: the endpoints in drain once the step was applied (set then); null for other steps. */
  @Column('text', { array: true, nullable: true })
  drained!: string[] | null;

  /** `<action id>:<step>`: a retried call carries the same key, so the step is applied once. */
  @Index({ unique: true })
  @Column('text', { name: 'idempotency_key' })
  idempotencyKey!: string;

  /** pending, applying, applied, failed. */
  @Column('text')
  state!: string;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('jsonb', { nullable: true })
  result!: object | null;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  /**
   * The fencing token of the controller leader that last sent the step: a leader with an older one
   * (it lost the lease without knowing) can no longer record it.
   */
  @Column('bigint', { name: 'fencing_token', default: 0 })
  fencingToken!: string;
}
