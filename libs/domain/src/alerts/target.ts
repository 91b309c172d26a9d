import { DEFAULT_ALERT_LABELS, type AlertLabelNames, type AlertTarget } from './types';

/**
 * The service, IDC and endpoint an alert is about: the values of the labels that config
 * `alerts.labels` names (default `service`, `idc`, `instance`). A missing or empty label is null.
 */
export function alertTarget(
  labels: Readonly<Record<string, string>>,
  names: AlertLabelNames = DEFAULT_ALERT_LABELS,
): AlertTarget {
  // Own properties only: a label named "constructor" is not Object's.
  const value = (name: string) => (Object.hasOwn(labels, name) && labels[name] !== '' ? labels[name] : null);
  return { service: value(names.service), idc: value(names.idc), endpoint: value(names.endpoint) };
}
