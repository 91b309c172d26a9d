/** Who sent an alert: the webhook route it came in by. */
export const ALERT_SOURCES = ['alertmanager', 'grafana', 'generic'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** One alert of a webhook body, validated and normalised; what is stored (by fingerprint). */
export interface ReceivedAlert {
  /** The sender's (Alertmanager, Grafana), or the hash of the sorted labels (see labelsFingerprint). */
  fingerprint: string;
  source: AlertSource;
  /** The `alertname` label (generic: `name`); '' when an Alertmanager or Grafana alert has none. */
  name: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms; null when the sender gave none (Go's zero time, 0001-01-01T00:00:00Z). */
  endsAt: number | null;
  /** Where the alert comes from (a Prometheus graph, a Grafana rule), http(s) only; null if none. */
  generatorUrl: string | null;
}

/** One problem with a body: where (`alerts[2].labels.idc`, '' for the body itself) and what. */
export interface FieldIssue {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; alerts: ReceivedAlert[] } | { ok: false; details: FieldIssue[] };

/**
 * What one body may hold; larger bodies are refused whole (a 400 naming the field), never cut. They
 * bound what every alert costs where it is kept: its row, its timeline events, and the leader's
 * memory of the firing alerts that the rules see (at most about 25 KiB each). Sizes are UTF-8 bytes; names are counted in characters.
 */
export const ALERT_LIMITS = {
  /** Alerts per body (Alertmanager's `max_alerts` should be at most this). */
  alerts: 1000,
  /** Labels per alert. */
  labels: 64,
  /** A label value. */
  labelValueBytes: 1024,
  /** All label names and values of one alert together. */
  labelBytes: 8 * 1024,
  /** Annotations per alert. */
  annotations: 64,
  /** All annotation names and values of one alert together (the only bound on one value). */
  annotationBytes: 16 * 1024,
  /** Characters of a label or annotation name. */
  nameLength: 128,
  fingerprintLength: 128,
  urlLength: 4096,
  /** Problems listed in one answer; the rest are counted. */
  issues: 50,
} as const;

/** The config's `alerts.labels`: which labels name the service, the IDC and the endpoint of an alert. */
export interface AlertLabelNames {
  service: string;
  idc: string;
  endpoint: string;
}

/** The defaults of config `alerts.labels`. */
export const DEFAULT_ALERT_LABELS: AlertLabelNames = { service: 'service', idc: 'idc', endpoint: 'instance' };

/** What an alert is about, from its labels; null when the label is missing or empty. */
export interface AlertTarget {
  service: string | null;
  idc: string | null;
  endpoint: string | null;
}
