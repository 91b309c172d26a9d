import { Injectable } from '@nestjs/common';
import { DEFAULT_ALERT_LABELS, type AlertLabelNames } from '@libs/domain';
import { ConfigVersionsStore } from '../config/config-versions.store';

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

  constructor(private readonly versions: ConfigVersionsStore) {}

  async labels(): Promise<AlertLabelNames> {
    const version = (await this.versions.newestVersion()) ?? 0;
    if (version === this.current.version) return this.current.labels;
    const stored = version
      ? ((await this.versions.alertLabels(version)) as Partial<AlertLabelNames> | null)
      : null;
    // A version stored before config had `alerts` has none: the defaults.
    const labels = { ...DEFAULT_ALERT_LABELS, ...(stored ?? {}) };
    this.current = { version, labels };
    return labels;
  }
}
