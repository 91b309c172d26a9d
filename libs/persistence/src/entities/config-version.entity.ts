import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { ConfigPlan } from '@libs/config';

/** One applied desired state. Versions are never edited; a restore appends a new one. */
@Entity('config_versions')
export class ConfigVersionEntity {
  @PrimaryColumn('int')
  version!: number;

  @Column('text')
  author!: string;

  @Column('text', { nullable: true })
  message!: string | null;

  /** The validated config with defaults applied and secrets sealed (never plaintext). */
  @Column('jsonb')
  document!: object;

  /** The plan against the previous version, as shown by a dry run. */
  @Column('jsonb')
  plan!: ConfigPlan;

  @Column('int', { name: 'restored_from', nullable: true })
  restoredFrom!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
