import { ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FleetReply, FleetRequest } from './ipc';
import { parseMode } from './modes';
import {
  EndpointKind,
  EndpointStats,
  FleetEndpoint,
  FleetLayout,
  FleetSpec,
  Mode,
  ModeInput,
  Selector,
} from './types';

export interface SpawnOptions {
  /** Node options of the child. Default: none for the built .js, `-r ts-node/register/transpile-only` from source. */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the child's stdout and stderr go. Default inherit. */
  stdio?: 'inherit' | 'ignore';
}

/** The child's entry: the built fleet-process.js next to this file, else the .ts source through ts-node. */
export function fleetProcessEntry(): { script: string; execArgv: string[] } {
  const js = join(__dirname, 'fleet-process.js');
  if (existsSync(js)) return { script: js, execArgv: [] };
  return {
    script: join(__dirname, 'fleet-process.ts'),
    execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
  };
}

/**
 * Runs the fleet in a child process (so that a benchmark can measure the prober's CPU on its own) and
 * controls it over IPC. The child exits when this process disconnects or dies.
 */
export async function spawnFleet(spec: FleetSpec, options: SpawnOptions = {}): Promise<RemoteFleet> {
  const entry = fleetProcessEntry();
  const child = fork(entry.script, [], {
    execArgv: options.execArgv ?? entry.execArgv,
    env: options.env ?? process.env,
    stdio: [options.stdio ?? 'inherit', options.stdio ?? 'inherit', options.stdio ?? 'inherit', 'ipc'],
    serialization: 'json',
  });
  const remote = new RemoteFleet(child);
  try {
    await remote.start(spec);
  } catch (error) {
    child.kill('SIGKILL');
    await remote.exited;
    throw error;
  }
  return remote;
}

interface Started extends FleetLayout {
  pid: number;
}

/** A fleet in a child process: the same API as Fleet, asynchronous, plus cpuUsage(). */
export class RemoteFleet implements FleetLayout {
  kind: EndpointKind = 'http';
  idcs: readonly string[] = [];
  endpoints: readonly FleetEndpoint[] = [];
  certs?: Readonly<Record<string, string>>;
  tlsHostname?: string;
  dnsNames?: readonly string[];
  /** Resolves with the child's exit code (or signal name) once it has exited. */
  readonly exited: Promise<number | string>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exitCode?: number | string;

  constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? signal ?? 'unknown';
        const error = new Error(`the fleet process exited (${this.exitCode})`);
        for (const call of this.pending.values()) call.reject(error);
        this.pending.clear();
        resolve(this.exitCode);
      });
    });
    child.on('message', (message: FleetReply) => {
      const call = this.pending.get(message.id);
      if (call === undefined) return;
      this.pending.delete(message.id);
      if (message.ok) call.resolve(message.result);
      else call.reject(new Error(message.error));
    });
    child.on('error', () => undefined); // reported through 'exit' / failed calls
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** @internal Sends the spec and takes the endpoints the child reports. */
  async start(spec: FleetSpec): Promise<void> {
    const started = (await this.call({ op: 'start', spec })) as Started;
    this.kind = started.kind;
    this.idcs = started.idcs;
    this.endpoints = started.endpoints;
    if (started.certs !== undefined) this.certs = started.certs;
    if (started.tlsHostname !== undefined) this.tlsHostname = started.tlsHostname;
    if (started.dnsNames !== undefined) this.dnsNames = started.dnsNames;
  }

  set(selector: Selector, mode: ModeInput): Promise<void> {
    parseMode(mode); // fail here, with this stack, on a bad mode
    return this.call({ op: 'set', selector, mode }) as Promise<void>;
  }

  mode(endpoint: string): Promise<Mode> {
    return this.call({ op: 'mode', endpoint }) as Promise<Mode>;
  }

  stats(endpoint: string): Promise<EndpointStats> {
    return this.call({ op: 'stats', endpoint }) as Promise<EndpointStats>;
  }

  totals(): Promise<EndpointStats> {
    return this.call({ op: 'totals' }) as Promise<EndpointStats>;
  }

  /** CPU time of the child since it started, in microseconds (process.cpuUsage() there). */
  cpuUsage(): Promise<NodeJS.CpuUsage> {
    return this.call({ op: 'cpu' }) as Promise<NodeJS.CpuUsage>;
  }

  /** Closes the fleet and waits for the child to exit. */
  async close(): Promise<void> {
    if (this.exitCode === undefined && this.child.connected)
      await this.call({ op: 'close' }).catch(() => undefined);
    await this.exited;
  }

  private call(request: DistributiveOmit<FleetRequest, 'id'>): Promise<unknown> {
    if (this.exitCode !== undefined || !this.child.connected)
      return Promise.reject(new Error('the fleet process is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...request, id } as FleetRequest, (error) => {
        if (error === null || error === undefined) return;
        this.pending.delete(id);
        reject(error);
      });
    });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
