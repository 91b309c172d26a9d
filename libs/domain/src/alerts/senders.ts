import { parseGroupBody } from './group-body';
import type { ParseResult } from './types';

/**
 * An Alertmanager webhook body (`webhook_configs`, version "4", as 0.25 sends it). Fingerprints are
 * Alertmanager's; end times of firing alerts are usually Go's zero time (null).
 */
export function parseAlertmanager(body: unknown): ParseResult {
  return parseGroupBody(body, { source: 'alertmanager', version: '4' });
}

/**
 * A Grafana Alerting webhook contact point body (version "1"): Alertmanager's shape plus `orgId`,
 * `title`, `state` and `message`, and per alert `silenceURL`, `dashboardURL`, `panelURL`, `imageURL`,
 * `valueString` and `values` (numbers by query ref). Those extras are type-checked, not stored.
 */
export function parseGrafana(body: unknown): ParseResult {
  return parseGroupBody(body, {
    source: 'grafana',
    version: '1',
    bodyStrings: ['title', 'state', 'message'],
    bodyIntegers: ['orgId'],
    alertStrings: ['silenceURL', 'dashboardURL', 'panelURL', 'imageURL', 'valueString'],
    alertNumberMaps: ['values'],
  });
}
