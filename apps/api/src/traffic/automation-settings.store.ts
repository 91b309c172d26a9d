import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AutomationSettingEntity } from '@libs/persistence';

/** A setting row as RETURNING gives it. */
export type SettingRow = { value: AutomationSettingEntity['value']; updated_at: Date };

/**
 * The API's reads and writes of `automation_settings`. Every method takes the manager to use (a
 * transaction's, or the data source's when left out).
 */
@Injectable()
export class AutomationSettingsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  find(key: string, m: EntityManager = this.db.manager): Promise<AutomationSettingEntity | null> {
    return m.getRepository(AutomationSettingEntity).findOneBy({ key });
  }

  /**
   * Writes `value` (paused) unless the setting is already paused: inserts the row, or updates it.
   * Returns the row written, or nothing when it was already paused.
   */
  async pause(m: EntityManager, key: string, value: AutomationSettingEntity['value']): Promise<SettingRow[]> {
    return (await m.query(
      `INSERT INTO automation_settings (key, value, updated_at) VALUES ($1, $2, now())
               ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
                 WHERE (automation_settings.value->>'paused')::boolean IS NOT TRUE
               RETURNING value, updated_at`,
      [key, JSON.stringify(value)],
    )) as SettingRow[];
  }

  /** Writes `value` (not paused) if the setting is paused; returns the row written, or nothing. */
  async resume(
    m: EntityManager,
    key: string,
    value: AutomationSettingEntity['value'],
  ): Promise<SettingRow[]> {
    return (
      await m.query(
        `UPDATE automation_settings SET value = $2, updated_at = now()
                  WHERE key = $1 AND (value->>'paused')::boolean IS TRUE
                 RETURNING value, updated_at`,
        [key, JSON.stringify(value)],
      )
    )[0] as SettingRow[];
  }
}
