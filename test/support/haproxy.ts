import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRuntimeAddress, runtimeBatch } from '../../libs/traffic/src/haproxy/runtime-api';

/** A server line of the test backend: `server <name> <address> weight <weight>`. */
export interface HaproxyServer {
  name: string;
  /** `127.0.0.1:<port>`; nothing needs to listen there unless traffic or checks should reach it. */
  address: string;
  /** Initial weight (0-256). Default 1. */
  weight?: number;
}

export interface HaproxyOptions {
  /** Loopback port of the HTTP frontend (whose default backend is `backend`). */
  frontendPort: number;
  /** The backend's name. */
  backend: string;
  servers: readonly HaproxyServer[];
  /**
   * Health checks on every server (`check inter <interMs>ms fall <fall> rise <rise>`), with
   * `timeout check <timeoutMs>ms` when given (else HAProxy's: `inter`). Default none.
   */
  check?: { interMs?: number; fall?: number; rise?: number; httpPath?: string; timeoutMs?: number };
  /** `balance` of the backend. Default roundrobin. */
  balance?: string;
  /** `retries <n>` in the defaults (connection attempts after the first). Default HAProxy's (3). */
  retries?: number;
  /** `option redispatch`: the last retry may go to another server. Default off. */
  redispatch?: boolean;
  /** `timeout server` in ms. Default 10 000. */
  serverTimeoutMs?: number;
  /** Also listen for the Runtime API on 127.0.0.1:<port> (level admin). */
  adminTcpPort?: number;
  /** Also listen on 127.0.0.1:<port> at level operator (to see an adapter refuse a lower level). */
  operatorTcpPort?: number;
  /** Extra backends (name → servers), e.g. for "unknown server" cases. */
  extraBackends?: Readonly<Record<string, readonly HaproxyServer[]>>;
  /** Milliseconds to wait for the admin socket to answer. Default 10 000. */
  startTimeoutMs?: number;
}

export interface RunningHaproxy {
  /** The admin unix socket (mode 600, level admin). */
  socketPath: string;
  /** The Runtime API addresses for the adapter: `unix:<socketPath>`, then `tcp://...` when asked for. */
  runtimeApi: string[];
  /** `http://127.0.0.1:<frontendPort>`. */
  frontendUrl: string;
  /** The generated configuration (for failure messages). */
  config: string;
  /** Runs one Runtime API command on the admin socket; resolves with its answer, rejects on failure. */
  command(cmd: string): Promise<string>;
  /** Stops HAProxy (SIGTERM, SIGKILL after 3 s) and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** The HAProxy binary: $HAPROXY_PATH, else /usr/sbin/haproxy when present, else `haproxy` on PATH. */
export function haproxyBinary(): string {
  return process.env.HAPROXY_PATH ?? (existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy');
}

/** The configuration `startHaproxy` writes (exported for tests that only want the text). */
export function haproxyConfig(opts: HaproxyOptions, socketPath: string): string {
  const check = opts.check
    ? ` check inter ${opts.check.interMs ?? 1000}ms fall ${opts.check.fall ?? 3} rise ${opts.check.rise ?? 2}`
    : '';
  const backend = (name: string, servers: readonly HaproxyServer[], httpCheck: boolean) => [
    `backend ${name}`,
    `  balance ${opts.balance ?? 'roundrobin'}`,
    ...(httpCheck && opts.check?.httpPath ? [`  option httpchk GET ${opts.check.httpPath}`] : []),
    ...(opts.check?.timeoutMs ? [`  timeout check ${opts.check.timeoutMs}ms`] : []),
    ...servers.map((s) => `  server ${s.name} ${s.address} weight ${s.weight ?? 1}${check}`),
  ];
  return [
    'global',
    `  stats socket ${socketPath} mode 600 level admin`,
    ...(opts.adminTcpPort ? [`  stats socket ipv4@127.0.0.1:${opts.adminTcpPort} level admin`] : []),
    ...(opts.operatorTcpPort ? [`  stats socket ipv4@127.0.0.1:${opts.operatorTcpPort} level operator`] : []),
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 10s',
    `  timeout server ${opts.serverTimeoutMs ?? 10_000}ms`,
    ...(opts.retries !== undefined ? [`  retries ${opts.retries}`] : []),
    ...(opts.redispatch ? ['  option redispatch'] : []),
    'frontend fe',
    `  bind 127.0.0.1:${opts.frontendPort}`,
    `  default_backend ${opts.backend}`,
    ...backend(opts.backend, opts.servers, true),
    ...Object.entries(opts.extraBackends ?? {}).flatMap(([name, servers]) => backend(name, servers, false)),
    '',
  ].join('\n');
}

/**
 * Starts a real HAProxy in the foreground (`haproxy -f <cfg> -db`) with a config in a fresh mkdtemp
 * dir, and resolves once its admin socket answers. For e2e tests and benchmarks.
 */
export async function startHaproxy(opts: HaproxyOptions): Promise<RunningHaproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-haproxy-'));
  const socketPath = join(dir, 'admin.sock');
  const config = haproxyConfig(opts, socketPath);
  const cfgPath = join(dir, 'haproxy.cfg');
  await writeFile(cfgPath, config);
  const child: ChildProcess = spawn(haproxyBinary(), ['-f', cfgPath, '-db'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const address = parseRuntimeAddress(`unix:${socketPath}`);
  const command = async (cmd: string) => {
    const answer = await runtimeBatch(address, [cmd], { timeoutMs: 5000 });
    if (!answer.ok) throw new Error(`haproxy ${cmd}: ${answer.error}`);
    return answer.outputs[0];
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`haproxy exited at start: ${output.trim()}\n--- config ---\n${config}`);
    }
    const answer = await runtimeBatch(address, ['show info'], { timeoutMs: 1000 });
    if (answer.ok && answer.outputs[0].startsWith('Name: HAProxy')) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not answer on ${socketPath} in time: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    socketPath,
    runtimeApi: [
      `unix:${socketPath}`,
      ...(opts.adminTcpPort ? [`tcp://127.0.0.1:${opts.adminTcpPort}`] : []),
    ],
    frontendUrl: `http://127.0.0.1:${opts.frontendPort}`,
    config,
    command,
    stop,
  };
}
