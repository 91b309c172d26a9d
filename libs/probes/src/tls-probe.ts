import { isIP } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import { endpointTarget, parseDuration, type Endpoint } from '@libs/config';
import { errorDetail, errorKindOf, ProbeTimeoutError, since } from './errors';
import type { Probe, ProbeContext, ProbeOutcome, TlsCheck } from './types';
import { probeTimeout } from './probe-timeout';

const DAY_MS = 86_400_000;

interface TlsPlan {
  host: string;
  port: number;
  /** SNI and the name the certificate must match: tls.serverName, else the endpoint host. */
  hostname: string;
  servername?: string;
  timeoutMs: number;
  verifyChain: boolean;
  verifyHostname: boolean;
  minDaysToExpiry: number;
}

/**
 * Compiles a tls check: a handshake with the endpoint, then the chain (verifyChain), the name
 * (verifyHostname, with tls.checkServerIdentity) and the days to expiry (>= minDaysToExpiry) are checked.
 * @throws Error when the endpoint has no usable url or address.
 */
export function compileTlsProbe(check: TlsCheck, endpoint: Endpoint, _ctx?: ProbeContext): Probe {
  const target = endpointTarget(endpoint);
  if (target === undefined) throw new Error(`endpoint ${endpoint.name} has no usable url or address`);
  const hostname = check.tls.serverName ?? target.host;
  const plan: TlsPlan = {
    host: target.host,
    port: target.port,
    hostname,
    // SNI carries names only (RFC 6066); an IP endpoint without serverName sends none.
    servername: isIP(hostname) === 0 ? hostname : undefined,
    timeoutMs: parseDuration(check.timeout),
    verifyChain: check.tls.verifyChain,
    verifyHostname: check.tls.verifyHostname,
    minDaysToExpiry: check.tls.minDaysToExpiry,
  };
  return () => runTls(plan);
}

function runTls(plan: TlsPlan): Promise<ProbeOutcome> {
  const start = performance.now();
  const phases: ProbeOutcome['phases'] = {};
  return new Promise((resolve) => {
    // Verification is done by hand after the handshake, so that each failure gets its own detail.
    const socket = connect({
      host: plan.host,
      port: plan.port,
      servername: plan.servername,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    const finish = (outcome: Omit<ProbeOutcome, 'latencyMs' | 'phases'>): void => {
      timeout.clear();
      socket.destroy();
      resolve({ ...outcome, latencyMs: since(start), phases });
    };
    const timeout = probeTimeout(plan.timeoutMs, () =>
      finish({ ok: false, errorKind: 'timeout', detail: new ProbeTimeoutError(plan.timeoutMs).message }),
    );
    socket.on('error', (err) => finish({ ok: false, errorKind: errorKindOf(err), detail: errorDetail(err) }));
    socket.once('connect', () => (phases.connectMs = since(start)));
    socket.once('secureConnect', () => {
      phases.tlsMs = since(start);
      finish(judge(plan, socket.authorizationError, socket.getPeerCertificate()));
    });
  });
}

function judge(
  plan: TlsPlan,
  chainError: Error | undefined,
  cert: PeerCertificate,
): Omit<ProbeOutcome, 'latencyMs' | 'phases'> {
  if (cert.valid_to === undefined) return { ok: false, errorKind: 'tls', detail: 'no server certificate' };
  const msLeft = Date.parse(cert.valid_to) - Date.now();
  const certDaysLeft = Math.floor(msLeft / DAY_MS);
  const failed = (detail: string) => ({ ok: false, errorKind: 'tls' as const, detail, certDaysLeft });
  if (msLeft < 0) return failed(`certificate expired ${Math.floor(-msLeft / DAY_MS)} days ago`);
  if (plan.verifyChain && chainError !== undefined) return failed(`certificate not trusted: ${chainError}`);
  if (plan.verifyHostname) {
    const mismatch = checkServerIdentity(plan.hostname, cert);
    if (mismatch !== undefined)
      return failed(`certificate does not match ${plan.hostname}: ${mismatch.message}`);
  }
  if (certDaysLeft < plan.minDaysToExpiry)
    return failed(`certificate expires in ${certDaysLeft} days (minimum ${plan.minDaysToExpiry})`);
  return { ok: true, detail: `certificate expires in ${certDaysLeft} days`, certDaysLeft };
}
