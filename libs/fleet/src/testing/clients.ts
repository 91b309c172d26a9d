/**
 * Minimal real clients for testing a fleet: every call opens a NEW connection (like Vigil's default
 * probes) and fails with the socket error code (ECONNREFUSED, ECONNRESET) or ETIMEDOUT.
 */
import { request } from 'node:http';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, ConnectionOptions, PeerCertificate } from 'node:tls';

export interface HttpResult {
  status: number;
  body: string;
  contentType?: string;
  ms: number;
}

function timeoutError(): Error {
  return Object.assign(new Error('client timeout'), { code: 'ETIMEDOUT' });
}

/** GET `url` on a fresh connection. */
export function httpGet(url: string, timeoutMs = 2000): Promise<HttpResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', reject);
      res.on('end', () => {
        const ms = performance.now() - started;
        resolve({ status: res.statusCode ?? 0, body, contentType: res.headers['content-type'], ms });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(timeoutError()));
    req.on('error', reject);
    req.end();
  });
}

/** Connects, sends `send`, resolves with the first bytes received. */
export function tcpExchange(
  host: string,
  port: number,
  send: string,
  timeoutMs = 2000,
): Promise<{ reply: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port }, () => socket.write(send));
    socket.setEncoding('latin1');
    socket.setTimeout(timeoutMs, () => socket.destroy(timeoutError()));
    socket.once('data', (reply: string) => {
      resolve({ reply, ms: performance.now() - started });
      socket.destroy();
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed without a reply')));
  });
}

export interface TlsResult {
  authorized: boolean;
  authorizationError?: string;
  certificate: PeerCertificate;
}

/** A TLS handshake; resolves once the server has closed the connection after it. */
export function tlsHandshake(options: ConnectionOptions, timeoutMs = 2000): Promise<TlsResult> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(options);
    let result: TlsResult | undefined;
    socket.setTimeout(timeoutMs, () => socket.destroy(timeoutError()));
    socket.once('secureConnect', () => {
      result = { authorized: socket.authorized, certificate: socket.getPeerCertificate() };
      if (socket.authorizationError !== null && socket.authorizationError !== undefined)
        result.authorizationError = String(socket.authorizationError);
      socket.resume();
    });
    socket.once('error', reject);
    socket.once('close', () => (result ? resolve(result) : reject(new Error('closed before the handshake'))));
  });
}

/** The error code a promise rejects with; throws when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error('expected a failure, got a success');
}

/** Resolves once `condition` holds, checking it on every turn of the event loop (no timers). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
