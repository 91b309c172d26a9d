import { labelsFingerprint, utf8Bytes } from './fingerprint';
import { checkEnd, checkFingerprint, copy, parseAlertList } from './group-body';
import { ANNOTATION_LIMITS, isStorable, LABEL_LIMITS, Reader, tooLarge, type Path } from './reader';
import { ALERT_LIMITS, ALERT_STATUSES, type ParseResult, type ReceivedAlert } from './types';

/**
 * Vigil's own alert body, for senders that are neither Alertmanager nor Grafana:
 *
 *     { "alerts": [ { "name"?: string, "labels": {..}, "annotations"?: {..},
 *                     "status"?: "firing" | "resolved", "startsAt"?: RFC 3339, "endsAt"?: RFC 3339,
 *                     "fingerprint"?: string } ] }
 *
 * - `name` or `labels.alertname` is required; `name` becomes `labels.alertname` when that is missing,
 *   and the two must agree when both are given.
 * - `fingerprint` defaults to Prometheus' fingerprint of the labels (alertname included), the one
 *   Alertmanager would send for the same alert.
 * - `status` defaults to firing; `startsAt` to `receivedAt` (or `endsAt` if earlier); `endsAt` to
 *   `receivedAt` for a resolve and to none for a firing alert; `endsAt` may not be before `startsAt`.
 * Unknown fields are ignored.
 */
export function parseGeneric(body: unknown, receivedAt: number = Date.now()): ParseResult {
  const r = new Reader();
  const root = r.object(body, []);
  if (!root) return { ok: false, details: r.details() };
  return parseAlertList(r, root, (item, path) => parseAlert(r, item, path, receivedAt));
}

function parseAlert(r: Reader, value: unknown, path: Path, receivedAt: number): ReceivedAlert | undefined {
  const alert = r.object(value, path);
  if (!alert) return undefined;
  const name = r.string(alert, 'name', path);
  if (name !== undefined && (name.length === 0 || utf8Bytes(name) > ALERT_LIMITS.labelValueBytes)) {
    r.issue([...path, 'name'], `expected 1 to ${ALERT_LIMITS.labelValueBytes} bytes (UTF-8)`);
  } else if (name !== undefined && !isStorable(name)) {
    r.issue([...path, 'name'], 'contains a NUL character or an unpaired surrogate');
  }
  const status = r.oneOf(alert, 'status', path, ALERT_STATUSES) ?? 'firing';
  const rawLabels = r.stringMap(alert, 'labels', path, true, LABEL_LIMITS);
  const annotations = r.stringMap(alert, 'annotations', path, false, ANNOTATION_LIMITS) ?? {};
  const startsAt = r.time(alert, 'startsAt', path, false, false);
  const endsAt = r.time(alert, 'endsAt', path, false, true);
  if (startsAt != null && endsAt != null) checkEnd(r, startsAt, endsAt, path);
  const given = r.string(alert, 'fingerprint', path);
  if (given !== undefined) checkFingerprint(r, given, [...path, 'fingerprint']);
  if (!rawLabels) return undefined;
  const labels = copy(rawLabels);
  const alertname = labels.alertname as string | undefined;
  if (name === undefined && !alertname) {
    r.issue(path, 'needs a `name` or a `labels.alertname`');
  } else if (name !== undefined && alertname !== undefined && name !== alertname) {
    r.issue([...path, 'name'], `differs from labels.alertname ("${alertname.slice(0, 100)}")`);
  } else if (name !== undefined && alertname === undefined) {
    labels.alertname = name;
    const bytes = Object.entries(labels).reduce((n, [k, v]) => n + utf8Bytes(k) + utf8Bytes(v), 0);
    if (Object.keys(labels).length > LABEL_LIMITS.entries) {
      r.issue([...path, 'labels'], `more than ${LABEL_LIMITS.entries} labels with alertname`);
    } else if (bytes > LABEL_LIMITS.totalBytes) {
      r.issue([...path, 'labels'], `${tooLarge(LABEL_LIMITS)} with alertname: ${bytes} bytes`);
    }
  }
  if (r.failed) return undefined;
  return {
    fingerprint: given ?? labelsFingerprint(labels),
    source: 'generic',
    name: labels.alertname,
    status,
    labels,
    annotations: copy(annotations),
    // Started "now", unless it is said to have ended before now.
    startsAt: startsAt ?? Math.min(receivedAt, endsAt ?? receivedAt),
    endsAt: endsAt === undefined ? (status === 'resolved' ? receivedAt : null) : endsAt,
    generatorUrl: null,
  };
}
