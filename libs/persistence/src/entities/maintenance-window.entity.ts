import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** How a window's schedule is written: one period, an RFC 5545 RRULE or a 5-field cron expression. */
export type MaintenanceScheduleKind = 'once' | 'rrule' | 'cron';

/**
 * A declared maintenance window: one-off or recurring, over a scope (services, IDCs, service labels;
 * empty = everything), freezing automation and/or silencing notifications while in force, and shown
 * apart in availability reports. Never deleted: DELETE cancels (`cancelled_at`).
 */
@Entity('maintenance_windows')
@Index(['cancelledAt'])
export class MaintenanceWindowEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Bumped by every change (a cancel): the controller recompiles a window only when it changed. */
  @Column('int', { default: 1 })
  version!: number;

  @Column('text')
  reason!: string;

  @Column('text')
  kind!: MaintenanceScheduleKind;

  /** The RRULE or cron expression (null for a one-off window). */
  @Column('text', { nullable: true })
  rule!: string | null;

  /** IANA time zone of a recurring window (null for a one-off window). */
  @Column('text', { nullable: true })
  timezone!: string | null;

  /** Each occurrence's length, as written (`2h`); null for a one-off window. */
  @Column('text', { nullable: true })
  duration!: string | null;

  /** A one-off window's start, or a recurrence's first possible start (its DTSTART). */
  @Column('timestamptz', { name: 'starts_at' })
  startsAt!: Date;

  /** A one-off window's end (null when recurring). */
  @Column('timestamptz', { name: 'ends_at', nullable: true })
  endsAt!: Date | null;

  /** No occurrence of a recurring window starts at or after this. */
  @Column('timestamptz', { nullable: true })
  until!: Date | null;

  @Column('text', { array: true, default: '{}' })
  services!: string[];

  @Column('text', { array: true, default: '{}' })
  idcs!: string[];

  /** Service labels that must all be equal. */
  @Column('jsonb', { default: {} })
  labels!: Record<string, string>;

  /** While in force: no automatic traffic action in scope (like a freeze). */
  @Column('boolean', { name: 'freeze_automation' })
  freeze!: boolean;

  /** While in force: notifications in scope are silenced (like a silence). */
  @Column('boolean', { name: 'silence_notifications' })
  silence!: boolean;

  @Column('text', { name: 'created_by' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt!: Date | null;

  @Column('text', { name: 'cancelled_by', nullable: true })
  cancelledBy!: string | null;
}
