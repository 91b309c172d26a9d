import type { AnySecret } from '@libs/config';

/** Why a probe failed; one name everywhere (results, metrics, API). */
export const ERROR_KINDS = ['timeout', 'refused', 'reset', 'dns', 'tls', 'status', 'body', 'latency', 'other'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Where the time of one probe went, as far as the protocol tells (http/https). */
export interface ProbePhases {
  /** TCP connect done, from the start of the probe. */
  connectMs?: number;
  /** TLS handshake done, from the start of the probe. */
  tlsMs?: number;
  /** First byte of the response (headers), from the start of the probe. */
  firstByteMs?: number;
}

/** What one probe saw. */
export interface ProbeOutcome {
  ok: boolean;
  latencyMs: number;
  statusCode?: number;
  errorKind?: ErrorKind;
  /** A short, human-readable detail (never a secret). */
  detail?: string;
  phases?: ProbePhases;
}

/** One compiled probe: runs once per call and never rejects (failures are outcomes). */
export type Probe = () => Promise<ProbeOutcome>;

/** What a probe needs from its surroundings. */
export interface ProbeContext {
  /** Opens a secret of the config (secretRef or sealed) into its plaintext. */
  secret: (secret: AnySecret) => string;
}
