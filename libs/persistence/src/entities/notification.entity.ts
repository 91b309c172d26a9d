import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where a notification is in its life. */
export const NOTIFICATION_STATES = [
  'pending', // queued for delivery, or being retried
  'delivered',
  'failed', // every attempt failed: the dead-letter list; can be re-sent
  'silenced', // a silence matched: not sent
  'suppressed', // over the channel's rate limit: not sent
] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

/** One message to one channel: what was (or was not) sent, and how delivery went. */
@Entity('notifications')
@Index(['state', 'createdAt'])
@Index(['createdAt'])
export class NotificationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** `<notice id>:<channel>`: a notice is recorded once per channel, even across a leader failover. */
  @Index({ unique: true })
  @Column('text', { name: 'dedup_key' })
  dedupKey!: string;

  /** The incident it belongs to (PagerDuty's dedup_key): trigger, reminders and resolve share it. */
  @Index()
  @Column('text', { name: 'incident_key' })
  incidentKey!: string;

  /** One of NOTIFY_EVENTS. */
  @Column('text')
  event!: string;

  /** trigger, resolve or remind. */
  @Column('text')
  phase!: string;

  @Column('text')
  severity!: string;

  @Column('text')
  channel!: string;

  @Column('text')
  title!: string;

  @Column('text')
  text!: string;

  /** What silences and routes match on: event, severity, service, idc, endpoint, vantage, ... */
  @Column('jsonb')
  labels!: Record<string, string>;

  @Column('jsonb', { default: {} })
  details!: object;

  @Column('text')
  state!: NotificationState;

  @Column('uuid', { name: 'silence_id', nullable: true })
  silenceId!: string | null;

  /** The maintenance window that muted it (state silenced), when it was one rather than a silence. */
  @Column('uuid', { name: 'maintenance_window_id', nullable: true })
  maintenanceWindowId!: string | null;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;
}
