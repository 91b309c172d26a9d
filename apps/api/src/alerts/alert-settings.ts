import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DEFAULT_ALERT_LABELS, type AlertLabelNames } from '@libs/domain';

/**
 * Config `alerts.labels` of the newest config version (the defaults before the first apply). Checked
 * on each webhook with one `max(version)` query and re-read only when it changed, so alerts received
 * right after an apply already use it, on every API replica.
 */
@Injectable()
export class AlertSettings {
  private current: { version: number; labels: AlertLabelNames } = {
    version: -1,
    labels: DEFAULT_ALERT_LABELS,
  };

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async labels(): Promise<AlertLabelNames> {
    const [head] = await this.db.query<Array<{ version: number | null }>>(
      'SELECT max(version)::int AS version FROM config_versions',
    );
    const version = head?.version ?? 0;
    if (version === this.current.version) return this.current.labels;
    const [row] = version
      ? await this.db.query<Array<{ labels: Partial<AlertLabelNames> | null }>>(
          `SELECT document->'alerts'->'labels' AS labels FROM config_versions WHERE version = $1`,
          [version],
        )
      : [];
    // A version stored before config had `alerts` has none: the defaults.
    const labels = { ...DEFAULT_ALERT_LABELS, ...(row?.labels ?? {}) };
    this.current = { version, labels };
    return labels;
  }
}
