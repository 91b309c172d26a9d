import type { AnySecret, Check, StoredConfig } from '@libs/config';

/** Why a probe failed; one name everywhere (results, metrics, API). */
export const ERROR_KINDS = [
  'timeout',
  'refused',
  'reset',
  'dns',
  'tls',
  'status',
  'body',
  'latency',
  'other',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Where the time of one probe went, as far as the protocol tells (http/https; tcp and tls fill what they can). */
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
  /** tls checks: whole days until the server certificate expires (negative once expired). */
  certDaysLeft?: number;
}

/** One compiled probe: runs once per call and never rejects (failures are outcomes). */
export type Probe = () => Promise<ProbeOutcome>;

/** What a probe needs from its surroundings. */
export interface ProbeContext {
  /** Opens a secret of the config (secretRef or sealed) into its plaintext. */
  secret: (secret: AnySecret) => string;
}

/**
 * A check as the prober may hold it: as users write it (`Check`) or as stored (sealed secrets). Both have
 * the same shape but for the secret form, which only `ProbeContext.secret` looks into.
 */
export type ProbeCheck = Check | StoredConfig['services'][number]['checks'][number];
/** An http or https check. */
export type HttpCheck = Extract<ProbeCheck, { type: 'http' | 'https' }>;
/** A tcp check. */
export type TcpCheck = Extract<ProbeCheck, { type: 'tcp' }>;
/** A dns check. */
export type DnsCheck = Extract<ProbeCheck, { type: 'dns' }>;
/** A tls check. */
export type TlsCheck = Extract<ProbeCheck, { type: 'tls' }>;
