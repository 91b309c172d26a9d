import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An append-only record of a mutation; a database trigger refuses UPDATE and DELETE. */
@Entity('audit_log')
@Index(['at'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  /** The API key's name (or "bootstrap-admin"). */
  @Column('text')
  actor!: string;

  /** What was done, e.g. `config.apply`, `api-key.create`. */
  @Column('text')
  action!: string;

  /** What it was done to, e.g. `config/v3`, `api-key/ci-bot`. */
  @Column('text')
  target!: string;

  @Column('text', { name: 'source_ip', nullable: true })
  sourceIp!: string | null;

  @Column('jsonb', { default: {} })
  summary!: object;
}
