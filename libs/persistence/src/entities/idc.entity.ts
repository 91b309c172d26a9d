import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Read view of the IDCs of the current config version, rewritten by every apply. */
@Entity('idcs')
export class IdcEntity {
  @PrimaryColumn('text')
  name!: string;

  @Column('text', { nullable: true })
  region!: string | null;

  @Column('double precision')
  capacity!: number;

  @Column('jsonb', { default: {} })
  labels!: Record<string, string>;

  @Column('int', { name: 'config_version' })
  configVersion!: number;
}
