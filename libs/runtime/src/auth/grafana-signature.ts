import { createHmac } from 'node:crypto';
import {
  checkTimestamp,
  DEFAULT_TOLERANCE_S,
  headerValue,
  matchesAny,
  TIMESTAMP_HEADER,
  type HeaderBag,
  type VerifyResult,
} from '@libs/traffic';

/** Where Grafana puts its signature unless the contact point names another header. */
export const GRAFANA_SIGNATURE_HEADER = 'X-Grafana-Alerting-Signature';

/**
 * Grafana Alerting's own webhook signature (Grafana 12+, contact point → Webhook → HMAC Signature):
 * lowercase hex of HMAC-SHA256(secret, `${timestamp}:${body}`) in X-Grafana-Alerting-Signature, the
 * timestamp (Unix seconds) in the header the contact point's "Timestamp Header" names, which must be
 * X-Vigil-Timestamp here. Grafana signs the body alone when no timestamp header is set; such a
 * signature could be replayed forever, so it is refused.
 */
export function grafanaSignature(
  secret: string,
  timestamp: number | string,
  body: string | Uint8Array,
): string {
  return createHmac('sha256', secret).update(`${timestamp}:`).update(body).digest('hex');
}

/** Checks a Grafana-signed request as `verifySignature` checks a Vigil-signed one. */
export function verifyGrafanaSignature(
  secret: string,
  headers: HeaderBag,
  body: string | Uint8Array,
  nowMs: number,
  toleranceS: number = DEFAULT_TOLERANCE_S,
): VerifyResult {
  const signature = headerValue(headers, GRAFANA_SIGNATURE_HEADER);
  if (signature === undefined) return { ok: false, reason: `missing ${GRAFANA_SIGNATURE_HEADER}` };
  const timestampText = headerValue(headers, TIMESTAMP_HEADER);
  if (timestampText === undefined) {
    return {
      ok: false,
      reason: `missing ${TIMESTAMP_HEADER}: set the contact point's Timestamp Header to ${TIMESTAMP_HEADER}`,
    };
  }
  const fresh = checkTimestamp(timestampText, nowMs, toleranceS);
  if (!fresh.ok) return fresh;
  if (!/^[0-9a-f]{64}$/.test(signature))
    return { ok: false, reason: `malformed ${GRAFANA_SIGNATURE_HEADER}` };
  const match = matchesAny(signature, [secret], (key) => grafanaSignature(key, timestampText, body));
  return match ? fresh : { ok: false, reason: 'signature does not match' };
}
