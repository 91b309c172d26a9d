import type { ErrorKind, ProbeOutcome, ProbePhases } from './types';

/** Thrown (or used to destroy sockets) when the check's overall `timeout` elapses. */
export class ProbeTimeoutError extends Error {
  readonly code = 'VIGIL_PROBE_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

const TIMEOUT_CODES = new Set([
  'VIGIL_PROBE_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ETIMEOUT',
  'ABORT_ERR',
]);
const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
// OpenSSL verification codes Node puts on `err.code`; handshake failures come as ERR_SSL_* / ERR_TLS_*.
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'EPROTO',
]);

/** Maps a Node / undici error to an error kind. */
export function errorKindOf(err: unknown): ErrorKind {
  const { code, name } = err as { code?: unknown; name?: unknown };
  if (name === 'AbortError' || name === 'TimeoutError') return 'timeout';
  if (typeof code !== 'string') return 'other';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (code === 'ECONNREFUSED') return 'refused';
  if (RESET_CODES.has(code)) return 'reset';
  if (DNS_CODES.has(code)) return 'dns';
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'tls';
  return 'other';
}

const MAX_DETAIL = 200;

/** A short detail for an error: its code and message, cut to 200 characters. */
export function errorDetail(err: unknown): string {
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : String(err);
  const withCode = typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
  return shorten(withCode, MAX_DETAIL);
}

/** Cuts `text` to `max` characters with an ellipsis. */
export function shorten(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Milliseconds since `start` (a `performance.now()` value), rounded to 0.1 ms. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/** A failed outcome from an error thrown by a probe. */
export function errorOutcome(err: unknown, start: number, phases?: ProbePhases): ProbeOutcome {
  return {
    ok: false,
    latencyMs: since(start),
    errorKind: errorKindOf(err),
    detail: errorDetail(err),
    phases,
  };
}

/** The probe a check compiles to when it cannot run at all (bad config that slipped past validation). */
export function brokenProbe(detail: string): () => Promise<ProbeOutcome> {
  const outcome: ProbeOutcome = {
    ok: false,
    latencyMs: 0,
    errorKind: 'other',
    detail: shorten(detail, MAX_DETAIL),
  };
  return () => Promise.resolve({ ...outcome });
}

/** A function that ignores its arguments (error listeners and destroy callbacks we do not need). */
export function noop(): void {}
