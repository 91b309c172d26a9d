import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One endpoint's probes in one minute (all vantages and checks): what history and reports read. */
@Entity('endpoint_rollups')
@Index(['minute'])
@Index(['service', 'idc', 'minute'])
export class EndpointRollupEntity {
  @PrimaryColumn('text')
  endpoint!: string;

  @PrimaryColumn('timestamptz')
  minute!: Date;

  @Column('text')
  service!: string;

  @Column('text')
  idc!: string;

  @Column('int')
  count!: number;

  @Column('int')
  failures!: number;

  @Column('real', { name: 'latency_p50' })
  latencyP50!: number;

  @Column('real', { name: 'latency_p95' })
  latencyP95!: number;

  @Column('real', { name: 'latency_p99' })
  latencyP99!: number;
}
