import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Read view of one endpoint; its id `<service>.<name>` is stable across applies. */
@Entity('endpoints')
@Index(['service', 'idc'])
@Index(['idc'])
export class EndpointEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  service!: string;

  @Column('text')
  name!: string;

  @Column('text')
  idc!: string;

  /** The url or host:port the checks probe. */
  @Column('text')
  target!: string;

  @Column('double precision')
  capacity!: number;

  @Column('jsonb', { default: {} })
  labels!: Record<string, string>;

  @Column('int', { name: 'config_version' })
  configVersion!: number;
}
