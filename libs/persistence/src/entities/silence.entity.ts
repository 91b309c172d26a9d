import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** One label matcher of a silence, as in Alertmanager: `=`, `!=`, `=~`, `!~` (regexes anchored). */
export interface SilenceMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Mutes delivery of the notifications its matchers select until `endsAt`; the events are kept. */
@Entity('silences')
@Index(['endsAt'])
export class SilenceEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('jsonb')
  matchers!: SilenceMatcher[];

  @Column('timestamptz', { name: 'starts_at' })
  startsAt!: Date;

  /** DELETE sets it to now: a silence is expired, never erased. */
  @Column('timestamptz', { name: 'ends_at' })
  endsAt!: Date;

  @Column('text')
  comment!: string;

  @Column('text', { name: 'created_by' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
