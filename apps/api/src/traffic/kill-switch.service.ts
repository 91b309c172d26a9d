import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AutomationSettingEntity } from '@libs/persistence';
import { AuditService, type AuditActor } from '@libs/runtime';
import { AutomationSettingsStore } from './automation-settings.store';
import type { AutomationDto } from './traffic.dto';

export const KILL_SWITCH = 'kill-switch';

function toDto(row: { value: AutomationSettingEntity['value']; updatedAt: Date } | null): AutomationDto {
  if (!row) return { paused: false, reason: null, by: null, since: null };
  return {
    paused: row.value.paused,
    reason: row.value.reason || null,
    by: row.value.by,
    since: row.updatedAt,
  };
}

/** The global kill switch (automation_settings 'kill-switch'): while paused, no automatic action anywhere. */
@Injectable()
export class KillSwitchService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly settings: AutomationSettingsStore,
    private readonly audit: AuditService,
  ) {}

  async get(): Promise<AutomationDto> {
    return toDto(await this.settings.find(KILL_SWITCH));
  }

  /** Pauses; 409 when already paused (the message says by whom and why). */
  async pause(reason: string, source: AuditActor): Promise<AutomationDto> {
    return this.set(true, reason, source);
  }

  /** Resumes; 409 when not paused. */
  async resume(reason: string | undefined, source: AuditActor): Promise<AutomationDto> {
    return this.set(false, reason ?? '', source);
  }

  private async set(paused: boolean, reason: string, source: AuditActor): Promise<AutomationDto> {
    return this.db.transaction(async (m) => {
      const value = { paused, reason, by: source.actor };
      // Only a real change is written: of two operators pausing at once, one wins and one gets 409.
      // Without a row the switch is off: pausing inserts it, resuming finds nothing to update.
      const rows = paused
        ? await this.settings.pause(m, KILL_SWITCH, value)
        : await this.settings.resume(m, KILL_SWITCH, value);
      if (!rows.length) {
        const current = await this.get();
        throw new ConflictException(
          paused
            ? `automation is already paused (by ${current.by} since ${current.since?.toISOString()}: ${current.reason})`
            : 'automation is not paused',
        );
      }
      await this.audit.record(
        {
          ...source,
          action: paused ? 'automation.pause' : 'automation.resume',
          target: `automation/${KILL_SWITCH}`,
          summary: reason ? { reason } : {},
        },
        m,
      );
      return toDto({ value: rows[0].value, updatedAt: rows[0].updated_at });
    });
  }
}
