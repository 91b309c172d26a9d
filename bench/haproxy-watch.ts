import type { RunningHaproxy } from '../test/support/haproxy';
import { sleep } from './vigil-in-process';

/** One server in one `show stat` sample. */
export interface ServerSample {
  /** Cumulative streams HAProxy assigned to the server (a refused connect, redispatched, counts too). */
  stot: number;
  /** `UP`, `DOWN`, `no check`, `UP 1/2`, ... */
  status: string;
  weight: number;
}

export interface StatSample {
  at: number;
  servers: Map<string, ServerSample>;
}

/** Parses `show stat <backend> 4 -1` (the backend's servers, CSV with a `# ` header). */
export function parseServerStats(csv: string): Map<string, ServerSample> {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`show stat has no ${name} column: ${lines[0]}`);
    return i;
  };
  const [sv, stot, status, weight] = [col('svname'), col('stot'), col('status'), col('weight')];
  const out = new Map<string, ServerSample>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    out.set(f[sv], { stot: Number(f[stot]), status: f[status], weight: Number(f[weight]) });
  }
  return out;
}

/**
 * Samples a backend's server counters every `everyMs` through the Runtime API, to see from HAProxy's
 * side when traffic stops reaching servers (a refused connection never reaches the client) and when
 * they leave and rejoin the rotation.
 */
export class HaproxyWatch {
  readonly samples: StatSample[] = [];
  private running = true;
  /** Why sampling stopped early (HAProxy did not answer), if it did. */
  private error?: Error;
  private readonly loop: Promise<void>;

  constructor(haproxy: RunningHaproxy, backend: string, everyMs = 100) {
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        try {
          const csv = await haproxy.command(`show stat ${backend} 4 -1`);
          this.samples.push({ at, servers: parseServerStats(csv) });
        } catch (error) {
          this.error = error as Error;
          return;
        }
        await sleep(Math.max(0, everyMs - (Date.now() - at)));
      }
    })();
  }

  /** The last sample in (from, to] where any of `servers` got a stream since the sample before. */
  lastReach(servers: readonly string[], from: number, to: number): number | undefined {
    const total = (s: StatSample) => servers.reduce((n, name) => n + (s.servers.get(name)?.stot ?? 0), 0);
    let last: number | undefined;
    for (let i = 1; i < this.samples.length; i++) {
      const s = this.samples[i];
      if (s.at <= from || s.at > to) continue;
      if (total(s) > total(this.samples[i - 1])) last = s.at;
    }
    return last;
  }

  /** The first sample at or after `from` where every one of `servers` matches. */
  firstWhere(servers: readonly string[], from: number, ok: (s: ServerSample) => boolean): number | undefined {
    return this.samples.find((s) => s.at >= from && servers.every((name) => ok(s.servers.get(name)!)))?.at;
  }

  /** Waits (polling the samples) until every one of `servers` matches; returns that sample's time. */
  async until(
    servers: readonly string[],
    from: number,
    ok: (s: ServerSample) => boolean,
    ms: number,
    what: string,
  ) {
    const end = Date.now() + ms;
    for (;;) {
      const at = this.firstWhere(servers, from, ok);
      if (at !== undefined) return at;
      if (this.error) throw new Error(`sampling HAProxy failed: ${this.error.message}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
