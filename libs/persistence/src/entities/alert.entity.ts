import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An alert received by webhook, kept by fingerprint: a repeat updates it, a resolve marks it resolved. */
@Entity('alerts')
@Index(['status', 'updatedAt'])
@Index(['endsAt'], { where: `"status" = 'firing'` })
export class AlertEntity {
  /** The sender's fingerprint (Alertmanager, Grafana), or a hash of the sorted labels (generic). */
  @PrimaryColumn('text')
  fingerprint!: string;

  /** alertmanager, grafana or generic. */
  @Column('text')
  source!: string;

  /** The `alertname` label. */
  @Column('text')
  name!: string;

  /** firing or resolved. */
  @Column('text')
  status!: string;

  @Column('jsonb')
  labels!: Record<string, string>;

  @Column('jsonb')
  annotations!: Record<string, string>;

  /** From the labels that config `alerts.labels` names. */
  @Column('text', { nullable: true })
  service!: string | null;

  @Column('text', { nullable: true })
  idc!: string | null;

  @Column('text', { nullable: true })
  endpoint!: string | null;

  @Column('timestamptz', { name: 'starts_at' })
  startsAt!: Date;

  /** Null while firing without an end time. */
  @Column('timestamptz', { name: 'ends_at', nullable: true })
  endsAt!: Date | null;

  @Column('text', { name: 'generator_url', nullable: true })
  generatorUrl!: string | null;

  /** How many times it was received (repeats update the row, never add one). */
  @Column('int', { name: 'received_count', default: 1 })
  receivedCount!: number;

  @CreateDateColumn({ name: 'first_received_at', type: 'timestamptz' })
  firstReceivedAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /**
   * The id of the transaction that last wrote the row (xid8 as a number), set by the trigger
   * `alerts_stamp_change` on every insert and update: the leader reads the alerts changed since it
   * last looked (AlertFacts).
   */
  @Index()
  @Column({ type: 'bigint', name: 'change_xid', default: 0, insert: false, update: false })
  changeXid!: string;
}

/** A row of `alerts` as raw SQL returns it (column names, not AlertEntity's properties). */
export interface AlertRecord {
  fingerprint: string;
  source: string;
  name: string;
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  service: string | null;
  idc: string | null;
  endpoint: string | null;
  starts_at: Date;
  ends_at: Date | null;
  generator_url: string | null;
  received_count: number;
  first_received_at: Date;
  updated_at: Date;
  /** A bigint, as text. */
  change_xid: string;
}
