import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poll } from './poll';

/** The Prometheus binary: $PROMETHEUS_PATH, else Debian's /usr/bin/prometheus, else `prometheus` on PATH. */
export function prometheusBinary(): string {
  return (
    process.env.PROMETHEUS_PATH ?? (existsSync('/usr/bin/prometheus') ? '/usr/bin/prometheus' : 'prometheus')
  );
}

export interface PrometheusOptions {
  /** Loopback port of its web API. */
  port: number;
  /** What to scrape every second: `host:port`, `/metrics`, with this bearer token when given. */
  target: string;
  bearerToken?: string;
}

/** A PromQL answer: `status` success or error, with `error` saying why. */
export interface PromAnswer<T = unknown> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

export interface RunningPrometheus {
  url: string;
  /** GET an API path (`/api/v1/...`) with query parameters. */
  api<T>(path: string, params?: Record<string, string>): Promise<PromAnswer<T>>;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on 127.0.0.1:`port`, with a temp data dir and one scrape job (`vigil`, every
 * second); resolves once it is ready. `stop()` ends it and removes the dir.
 */
export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-prometheus-'));
  const auth = opts.bearerToken
    ? `    authorization: { type: Bearer, credentials: "${opts.bearerToken}" }\n`
    : '';
  await writeFile(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\n` +
      `scrape_configs:\n  - job_name: vigil\n    metrics_path: /metrics\n${auth}` +
      `    static_configs: [{ targets: ["${opts.target}"] }]\n`,
  );
  const child = spawn(
    prometheusBinary(),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${opts.port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await poll(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${out.slice(-2000)}`);
        return (await fetch(`${url}/-/ready`)).status === 200 ? true : undefined;
      },
      30_000,
      `prometheus ready on ${url}`,
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${out.slice(-2000)}`, { cause: err });
  }
  return {
    url,
    api: async <T>(path: string, params: Record<string, string> = {}) => {
      const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
      return (await res.json()) as PromAnswer<T>;
    },
    output: () => out,
    stop,
  };
}
