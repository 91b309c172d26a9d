import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { StoredConfig } from '@libs/config';
import { MaintenanceCalendar, type ActiveWindow, type MaintenanceMute } from '@libs/domain';
import { MaintenanceWindowEntity, toMaintenanceWindow, windowMayOccurAfter } from '@libs/persistence';
import { ConfigFollower } from '@libs/runtime';

/**
 * Windows are re-read at most this often: a window created or cancelled through the API takes
 * effect within it. One small query (windows that may still occur); unchanged windows (same id and
 * version) keep their compiled schedule and listed occurrences.
 */
export const MAINTENANCE_REFRESH_MS = 2_000;

/**
 * The maintenance windows as the controller's automation and notifier see them: which windows in
 * force now freeze a (service, IDC), and which silence a notice.
 */
@Injectable()
export class MaintenanceWindows implements OnModuleInit {
  private readonly logger = new Logger(MaintenanceWindows.name);
  private readonly calendar = new MaintenanceCalendar();
  private loadedAt = -Infinity;
  private loading?: Promise<void>;
  private serviceLabels = new Map<string, Readonly<Record<string, string>>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly follower: ConfigFollower,
  ) {}

  onModuleInit(): void {
    this.follower.onConfig((config: StoredConfig) => {
      this.serviceLabels = new Map(config.services.map((s) => [s.name, s.labels ?? {}]));
    });
  }

  /** The windows in force at `now` that freeze automation for the service in the IDC. */
  async freezing(service: string, idc: string, now: number): Promise<ActiveWindow[]> {
    await this.refresh(now);
    return this.calendar.active(
      'freeze',
      { service, idc, serviceLabels: this.serviceLabels.get(service) },
      now,
    );
  }

  /** What silences notices at `now`: the first window in force covering a notice's service and IDC. */
  async mute(now: number): Promise<MaintenanceMute> {
    await this.refresh(now);
    return (labels) => {
      const target = {
        ...(labels.service
          ? { service: labels.service, serviceLabels: this.serviceLabels.get(labels.service) }
          : {}),
        ...(labels.idc ? { idc: labels.idc } : {}),
      };
      return this.calendar.active('silence', target, now)[0]?.window.id;
    };
  }

  /** How many windows are in force at `now` (for `vigil_maintenance_windows_active`). */
  async inForce(now: number): Promise<number> {
    await this.refresh(now);
    return this.calendar.inForce(now);
  }

  /** Re-reads the windows when the last read is older than MAINTENANCE_REFRESH_MS; one read at a time. */
  private async refresh(now: number): Promise<void> {
    if (now - this.loadedAt < MAINTENANCE_REFRESH_MS) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async load(): Promise<void> {
    try {
      const rows = await this.db
        .getRepository(MaintenanceWindowEntity)
        .createQueryBuilder('w')
        .where(windowMayOccurAfter('now()'))
        .getMany();
      this.calendar.set(rows.map(toMaintenanceWindow));
      this.loadedAt = Date.now();
    } catch (e) {
      // Keep what was read last; the next call tries again.
      this.logger.warn(`could not read maintenance windows: ${(e as Error).message}`);
    }
  }
}

/** How a freezing window is named in a refusal's reason. */
export function frozenBy(active: ActiveWindow): string {
  return (
    `maintenance window "${active.window.reason}" (${active.window.id}) ` +
    `until ${new Date(active.occurrence.end).toISOString()}`
  );
}
