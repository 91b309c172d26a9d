import { connect, type Socket } from 'node:net';
import { endpointTarget, parseDuration, type Endpoint } from '@libs/config';
import { errorDetail, errorKindOf, ProbeTimeoutError, shorten, since } from './errors';
import { MAX_BODY_BYTES } from './http-body';
import type { Probe, ProbeContext, ProbeOutcome, TcpCheck } from './types';
import { probeTimeout } from './probe-timeout';

interface TcpPlan {
  host: string;
  port: number;
  timeoutMs: number;
  send?: Buffer;
  expect?: string;
}

/**
 * Compiles a tcp check: connect within the timeout; then optionally write `tcp.send` and wait for
 * `tcp.expect` to appear in what arrives before the timeout (at most 64 KiB are kept).
 * @throws Error when the endpoint has no usable url or address.
 */
export function compileTcpProbe(check: TcpCheck, endpoint: Endpoint, _ctx?: ProbeContext): Probe {
  const target = endpointTarget(endpoint);
  if (target === undefined) throw new Error(`endpoint ${endpoint.name} has no usable url or address`);
  const plan: TcpPlan = {
    host: target.host,
    port: target.port,
    timeoutMs: parseDuration(check.timeout),
    send: check.tcp?.send === undefined ? undefined : Buffer.from(check.tcp.send),
    expect: check.tcp?.expect,
  };
  return () => runTcp(plan);
}

function runTcp(plan: TcpPlan): Promise<ProbeOutcome> {
  const start = performance.now();
  const phases: { connectMs?: number } = {};
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: plan.host, port: plan.port });
    let received = '';
    let settled = false;
    const finish = (outcome: Omit<ProbeOutcome, 'latencyMs' | 'phases'>): void => {
      if (settled) return;
      settled = true;
      timeout.clear();
      socket.destroy();
      resolve({ ...outcome, latencyMs: since(start), phases });
    };
    const timeout = probeTimeout(plan.timeoutMs, () => {
      // Something arrived but not the expected text: a wrong answer. Nothing at all: a timeout.
      if (phases.connectMs !== undefined && plan.expect !== undefined && received !== '')
        finish({ ok: false, errorKind: 'body', detail: mismatch(plan.expect, received) });
      else finish({ ok: false, errorKind: 'timeout', detail: new ProbeTimeoutError(plan.timeoutMs).message });
    });
    socket.on('error', (err) => finish({ ok: false, errorKind: errorKindOf(err), detail: errorDetail(err) }));
    socket.once('connect', () => {
      phases.connectMs = since(start);
      if (plan.send !== undefined) socket.write(plan.send);
      if (plan.expect === undefined) {
        if (plan.send === undefined) finish({ ok: true });
        else socket.end(() => finish({ ok: true }));
      }
    });
    const expect = plan.expect;
    if (expect === undefined) return;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received = (received + chunk).slice(-MAX_BODY_BYTES);
      if (received.includes(expect)) finish({ ok: true });
    });
    socket.once('end', () =>
      finish(
        received === ''
          ? { ok: false, errorKind: 'reset', detail: 'closed by the server before any data' }
          : { ok: false, errorKind: 'body', detail: mismatch(expect, received) },
      ),
    );
  });
}

function mismatch(expect: string, received: string): string {
  return `got ${JSON.stringify(shorten(received))}, expected "${shorten(expect)}"`;
}
