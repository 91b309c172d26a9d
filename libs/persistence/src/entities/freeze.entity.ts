import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A window in which no automatic action runs in its scope (services and IDCs; empty = everything). */
@Entity('freezes')
export class FreezeEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { array: true, default: '{}' })
  services!: string[];

  @Column('text', { array: true, default: '{}' })
  idcs!: string[];

  @Column('timestamptz')
  until!: Date;

  @Column('text')
  reason!: string;

  @Column('text', { name: 'created_by' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Lifted before `until` (DELETE); kept for the record. */
  @Column('timestamptz', { name: 'lifted_at', nullable: true })
  liftedAt!: Date | null;
}
