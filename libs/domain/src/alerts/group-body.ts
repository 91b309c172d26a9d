/**
 * The body Alertmanager's webhook receiver sends, which Grafana's webhook contact point extends: a
 * notification group (receiver, status, group and common labels) with its alerts. Validated field by
 * field; fields this code does not know are ignored, since senders add fields across versions.
 */
import { ANNOTATION_LIMITS, LABEL_LIMITS, Reader, type Json, type Path } from './reader';
import {
  ALERT_LIMITS,
  ALERT_STATUSES,
  type AlertSource,
  type ParseResult,
  type ReceivedAlert,
} from './types';

/** Alertmanager and Grafana fingerprints are 16 hex digits; generic ones may be any such token. */
export const FINGERPRINT_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** How one sender's body differs from the common shape. */
export interface GroupBodyShape {
  source: AlertSource;
  /** The `version` it must carry ("4" for Alertmanager, "1" for Grafana). */
  version: string;
  /** Extra optional string fields, of the body and of each alert. */
  bodyStrings?: readonly string[];
  alertStrings?: readonly string[];
  /** Extra optional whole-number fields of the body. */
  bodyIntegers?: readonly string[];
  /** Extra optional maps of numbers of each alert. */
  alertNumberMaps?: readonly string[];
}

/** Parses a group body of `shape`; every problem is listed, nothing is thrown. */
export function parseGroupBody(body: unknown, shape: GroupBodyShape): ParseResult {
  const r = new Reader();
  const root = r.object(body, []);
  if (!root) return { ok: false, details: r.details() };
  const version = r.string(root, 'version', [], true);
  if (version !== undefined && version !== shape.version) {
    r.issue(
      ['version'],
      `expected "${shape.version}" (the ${shape.source} webhook version this receiver reads)`,
    );
  }
  r.oneOf(root, 'status', [], ALERT_STATUSES, true);
  for (const key of ['receiver', 'externalURL', 'groupKey', ...(shape.bodyStrings ?? [])])
    r.string(root, key, []);
  for (const key of ['groupLabels', 'commonLabels', 'commonAnnotations'])
    r.stringMap(root, key, [], false, null);
  for (const key of ['truncatedAlerts', ...(shape.bodyIntegers ?? [])]) r.integer(root, key, []);
  return parseAlertList(r, root, (item, path) => parseAlert(r, item, path, shape));
}

/**
 * The `alerts` array of a body (required, at most ALERT_LIMITS.alerts), each item parsed by `parse`;
 * the result of the whole body.
 */
export function parseAlertList(
  r: Reader,
  root: Json,
  parse: (item: unknown, path: Path) => ReceivedAlert | undefined,
): ParseResult {
  const list = r.required(root, 'alerts', []);
  const alerts: ReceivedAlert[] = [];
  if (list !== undefined && !Array.isArray(list)) r.issue(['alerts'], 'expected an array');
  else if (Array.isArray(list) && list.length > ALERT_LIMITS.alerts) {
    r.issue(['alerts'], `more than ${ALERT_LIMITS.alerts} alerts (the limit per request)`);
  } else if (Array.isArray(list)) {
    list.forEach((item, i) => {
      const alert = parse(item, ['alerts', i]);
      if (alert) alerts.push(alert);
    });
  }
  return r.failed ? { ok: false, details: r.details() } : { ok: true, alerts };
}

function parseAlert(r: Reader, value: unknown, path: Path, shape: GroupBodyShape): ReceivedAlert | undefined {
  const alert = r.object(value, path);
  if (!alert) return undefined;
  const status = r.oneOf(alert, 'status', path, ALERT_STATUSES, true);
  const labels = r.stringMap(alert, 'labels', path, true, LABEL_LIMITS);
  const annotations = r.stringMap(alert, 'annotations', path, false, ANNOTATION_LIMITS) ?? {};
  const startsAt = r.time(alert, 'startsAt', path, true, false);
  const endsAt = r.time(alert, 'endsAt', path, false, true) ?? null;
  if (startsAt != null && endsAt !== null) checkEnd(r, startsAt, endsAt, path);
  const generatorUrl = r.url(alert, 'generatorURL', path);
  const fingerprint = r.string(alert, 'fingerprint', path, true);
  if (fingerprint !== undefined) checkFingerprint(r, fingerprint, [...path, 'fingerprint']);
  for (const key of shape.alertStrings ?? []) r.string(alert, key, path);
  for (const key of shape.alertNumberMaps ?? []) r.numberMap(alert, key, path);
  if (r.failed) return undefined;
  const name = labels!.alertname;
  return {
    fingerprint: fingerprint!,
    source: shape.source,
    name: typeof name === 'string' ? name : '',
    status: status!,
    labels: copy(labels!),
    annotations: copy(annotations),
    startsAt: startsAt!,
    endsAt,
    generatorUrl: generatorUrl ?? null,
  };
}

/** An alert cannot end before it starts. */
export function checkEnd(r: Reader, startsAt: number, endsAt: number, path: Path): void {
  if (endsAt < startsAt) r.issue([...path, 'endsAt'], 'is before startsAt');
}

/** Fingerprints are keys: short tokens, no spaces or control characters. */
export function checkFingerprint(r: Reader, fingerprint: string, path: Path): void {
  if (fingerprint.length === 0 || fingerprint.length > ALERT_LIMITS.fingerprintLength) {
    r.issue(path, `expected 1-${ALERT_LIMITS.fingerprintLength} characters`);
  } else if (!FINGERPRINT_PATTERN.test(fingerprint)) {
    r.issue(path, 'expected letters, digits, "_", ".", ":" or "-"');
  }
}

/** A plain copy of a checked string map (own properties only; `__proto__` stays a plain key). */
export const copy = (map: Json): Record<string, string> =>
  Object.fromEntries(Object.entries(map).filter((e): e is [string, string] => typeof e[1] === 'string'));
