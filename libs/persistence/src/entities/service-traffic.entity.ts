import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A read-back of the traffic manager (`TrafficAdapter.read`): what it had in force, or why it could not say. */
export type ActualTraffic =
  | { ok: true; weights: Record<string, number>; drained: string[]; detail: string; readAt: string }
  | { ok: false; detail: string; readAt: string };

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

  /** Endpoint names Vigil has taken out of rotation (drain-endpoint), as the traffic manager took them. */
  @Column('text', { array: true, default: () => "'{}'" })
  drained!: string[];

  /**
   * What the traffic manager had in force at the last read-back (adapters that can read): its
   * weights and drained endpoints, or why it could not be read.
   */
  @Column('jsonb', { nullable: true })
  actual!: ActualTraffic | null;

  /** Why the traffic manager's weights differ from the applied ones (drift), while they do; else null. */
  @Column('text', { nullable: true })
  drift!: string | null;

  /** Since when the drift has been seen (epoch of the first read-back that saw it). */
  @Column('timestamptz', { name: 'drift_since', nullable: true })
  driftSince!: Date | null;

  /** Set by PUT /services/{name}/weights: automation is paused for the service until released. */
  @Column('jsonb', { nullable: true })
  override!: { weights: Record<string, number>; reason: string; by: string; at: string } | null;
}
