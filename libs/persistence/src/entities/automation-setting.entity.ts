import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Global automation switches; today one: `kill-switch` (POST /automation/pause and /resume). */
@Entity('automation_settings')
export class AutomationSettingEntity {
  @PrimaryColumn('text')
  key!: string;

  @Column('jsonb')
  value!: { paused: boolean; reason: string; by: string };

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
