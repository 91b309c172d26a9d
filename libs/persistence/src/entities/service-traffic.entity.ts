import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A service's traffic: the weights Vigil wants, the last ones the traffic manager took, and a manual override. */
@Entity('service_traffic')
export class ServiceTrafficEntity {
  @PrimaryColumn('text')
  service!: string;

  @Column('jsonb')
  desired!: Record<string, number>;

  @Column('jsonb', { nullable: true })
  applied!: Record<string, number> | null;

  @Column('timestamptz', { name: 'applied_at', nullable: true })
  appliedAt!: Date | null;

  /** The fencing token of the leader that last recorded applied weights: an older one changes nothing. */
  @Column('bigint', { name: 'fencing_token', default: 0 })
  fencingToken!: string;

  /** Set by PUT /services/{name}/weights: automation is paused for the service until released. */
  @Column('jsonb', { nullable: true })
  override!: { weights: Record<string, number>; reason: string; by: string; at: string } | null;
}
