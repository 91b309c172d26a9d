import { Socket } from 'node:net';
import { createSecureContext, SecureContext, TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { accept, Delays, EndpointState, ignore, reset } from './endpoint-state';
import { decide } from './modes';
import { TlsSpec } from './types';

export const DEFAULT_TLS_HOSTNAME = 'fleet.vigil.test';
const DAY_MS = 86_400_000;

export interface IdcCertificate {
  /** PEM certificate (self-signed: trust it by passing it as `ca`). */
  cert: string;
  key: string;
  context: SecureContext;
}

/** The validity window of the fleet's certificates: from now for `days`, or expired yesterday. */
export function validity(spec: TlsSpec, now = Date.now()): { notBeforeDate: Date; notAfterDate: Date } {
  if (spec.expired === true)
    return { notBeforeDate: new Date(now - 30 * DAY_MS), notAfterDate: new Date(now - DAY_MS) };
  const days = spec.days ?? 365;
  if (!(days > 0)) throw new Error('tls.days must be positive (use tls.expired for an expired certificate)');
  return { notBeforeDate: new Date(now - 60_000), notAfterDate: new Date(now + days * DAY_MS) };
}

/**
 * Self-signed certificates (EC P-256, fast to make): one per IDC, or one for the whole fleet when
 * `perIdc` is false. Subject and DNS SAN: the hostname; IP SANs: the IDC addresses.
 */
export async function makeCertificates(
  idcs: readonly { name: string; host: string }[],
  spec: TlsSpec,
): Promise<Map<string, IdcCertificate>> {
  const hostname = spec.hostname ?? DEFAULT_TLS_HOSTNAME;
  const make = async (hosts: string[]): Promise<IdcCertificate> => {
    const pems = await generate([{ name: 'commonName', value: hostname }], {
      keyType: 'ec',
      algorithm: 'sha256',
      ...validity(spec),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [{ type: 2, value: hostname }, ...hosts.map((ip) => ({ type: 7 as const, ip }))],
        },
      ],
    });
    return {
      cert: pems.cert,
      key: pems.private,
      context: createSecureContext({ cert: pems.cert, key: pems.private }),
    };
  };
  const certs = new Map<string, IdcCertificate>();
  if (spec.perIdc === false) {
    const shared = await make(idcs.map((idc) => idc.host));
    for (const idc of idcs) certs.set(idc.name, shared);
  } else {
    const made = await Promise.all(idcs.map((idc) => make([idc.host])));
    idcs.forEach((idc, i) => certs.set(idc.name, made[i]));
  }
  return certs;
}

/**
 * TLS endpoints: accept, complete the handshake with the IDC's certificate, then close (close_notify).
 * The mode is decided per connection: reset, hang (no handshake), slow (the handshake starts after
 * the delay), flap; `status` behaves like `up`. A completed handshake counts as a request.
 */
export class TlsEndpoints {
  constructor(
    private readonly certs: ReadonlyMap<string, IdcCertificate>,
    private readonly delays: Delays,
  ) {}

  handler(state: EndpointState): (socket: Socket) => void {
    const cert = this.certs.get(state.info.idc);
    if (cert === undefined) throw new Error(`no certificate for IDC ${state.info.idc}`);
    const handshake = (socket: Socket): void => {
      if (socket.destroyed) return;
      const secure = new TLSSocket(socket, { isServer: true, secureContext: cert.context });
      secure.on('error', ignore);
      secure.once('secure', () => {
        state.requests++;
        secure.end();
      });
    };
    return (socket) => {
      accept(state, socket);
      const action = decide(state.mode, Math.random());
      if (action.kind === 'reset') return reset(socket);
      if (action.kind === 'hang') return void socket.resume(); // read and drop, so a peer's close is seen
      if (action.delayMs === 0) return handshake(socket);
      const timer = this.delays.later(action.delayMs, () => handshake(socket));
      socket.once('close', () => this.delays.cancel(timer));
    };
  }
}
