import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Pool, type buildConnector } from 'undici';
import { noop, since } from './errors';
import type { ProbePhases } from './types';

/** What one probe's connection records: phases (from the probe start) and the socket, to destroy on timeout. */
export interface ConnectionTrace {
  readonly start: number;
  readonly phases: ProbePhases;
  socket?: Socket;
}

/**
 * A connector for one probe's own undici Client ("new" connection policy). Written on node:net / node:tls
 * rather than wrapping undici's buildConnector because that one only calls back after the TLS handshake,
 * which hides the TCP connect time. No TLS session cache: every probe does the full handshake, as a new
 * client would. No timer either: the probe's overall timeout destroys `trace.socket`.
 */
export function traceConnector(
  trace: ConnectionTrace,
  rejectUnauthorized: boolean,
): buildConnector.connector {
  return ({ hostname, protocol, port, servername }, callback) => {
    const https = protocol === 'https:';
    const options = { host: hostname, port: Number(port) || (https ? 443 : 80) };
    const socket = https
      ? tlsConnect({
          ...options,
          servername: servername ?? (isIP(hostname) === 0 ? hostname : undefined),
          rejectUnauthorized,
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect(options);
    trace.socket = socket;
    socket.setNoDelay(true);
    let called = false;
    const onError = (err: Error): void => {
      if (!called) callback(err, null);
      called = true;
    };
    socket.on('error', onError);
    socket.once('connect', () => {
      trace.phases.connectMs = since(trace.start);
      if (!https) {
        socket.off('error', onError);
        callback(null, socket);
      }
    });
    if (https)
      socket.once('secureConnect', () => {
        trace.phases.tlsMs = since(trace.start);
        socket.off('error', onError);
        callback(null, socket);
      });
  };
}

/** How many keepalive pools (one per origin and TLS setting) the process keeps; least recently used go first. */
export const MAX_KEEPALIVE_POOLS = 256;
/**
 * Connections per keepalive pool, at most. undici opens one only when those open are all busy, so an origin
 * probed now and then keeps one, while an origin in front of thousands of endpoints (one host, a path each)
 * gets enough: at 4, 170 probes/s to one origin on a busy machine queued in the pool until they timed out.
 */
export const POOL_CONNECTIONS = 32;
/** Explicit, since undici's defaults are minutes; each probe is bounded by its own timeout anyway. */
const POOL_CONNECT_TIMEOUT_MS = 10_000;
const POOL_IDLE_MS = 60_000;

const pools = new Map<string, Pool>();

/**
 * The shared pool for "keepalive" checks of one origin and TLS setting. A Map in insertion order is the LRU:
 * a hit moves the key to the end, and past MAX_KEEPALIVE_POOLS the oldest pool is closed.
 */
export function keepalivePool(origin: string, rejectUnauthorized: boolean): Pool {
  const key = `${origin} ${rejectUnauthorized ? 'verify' : 'noverify'}`;
  const hit = pools.get(key);
  if (hit !== undefined) {
    pools.delete(key);
    pools.set(key, hit);
    return hit;
  }
  const pool = new Pool(origin, {
    connections: POOL_CONNECTIONS,
    connect: { rejectUnauthorized, timeout: POOL_CONNECT_TIMEOUT_MS },
    keepAliveTimeout: POOL_IDLE_MS,
    keepAliveMaxTimeout: POOL_IDLE_MS,
    headersTimeout: POOL_CONNECT_TIMEOUT_MS,
    bodyTimeout: POOL_CONNECT_TIMEOUT_MS,
  });
  pools.set(key, pool);
  if (pools.size > MAX_KEEPALIVE_POOLS) {
    const [oldestKey, oldest] = pools.entries().next().value as [string, Pool];
    pools.delete(oldestKey);
    oldest.close(noop);
  }
  return pool;
}

/** How many keepalive pools are open (for metrics and tests). */
export function keepalivePoolCount(): number {
  return pools.size;
}

/** Closes every keepalive pool (prober shutdown, tests). */
export async function closeKeepalivePools(): Promise<void> {
  const open = [...pools.values()];
  pools.clear();
  await Promise.all(open.map((pool) => pool.close()));
}
