/** Vigil's probe executors: compile a check against an endpoint once, then run it as often as needed. */
export { compileProbe } from './compile';
export { compileHttpProbe } from './http-probe';
export { compileTcpProbe } from './tcp-probe';
export { compileDnsProbe } from './dns-probe';
export { compileTlsProbe } from './tls-probe';
export { closeKeepalivePools, keepalivePoolCount, MAX_KEEPALIVE_POOLS } from './http-connect';
export { MAX_BODY_BYTES } from './http-body';
export { ERROR_KINDS } from './types';
export type {
  DnsCheck,
  ErrorKind,
  HttpCheck,
  Probe,
  ProbeCheck,
  ProbeContext,
  ProbeOutcome,
  ProbePhases,
  TcpCheck,
  TlsCheck,
} from './types';
