import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A state change of an endpoint, a (service, IDC) or a vantage: the timeline. Never updated. */
@Entity('health_events')
@Index(['at'])
@Index(['service', 'idc', 'at'])
export class HealthEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('timestamptz')
  at!: Date;

  /** `endpoint`, `idc` (a service in an IDC), `vantage`, `alert`, `rule` or `traffic` (drift). */
  @Column('text')
  kind!: string;

  @Column('text', { nullable: true })
  service!: string | null;

  @Column('text', { nullable: true })
  idc!: string | null;

  @Column('text', { nullable: true })
  endpoint!: string | null;

  @Column('text', { nullable: true })
  vantage!: string | null;

  @Column('text')
  before!: string;

  @Column('text')
  after!: string;

  @Column('text')
  reason!: string;

  /** E.g. the vantages that see it down, the first failure of the streak (for MTTD). */
  @Column('jsonb', { default: {} })
  details!: object;
}
