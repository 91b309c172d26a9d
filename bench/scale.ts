/**
 * `npm run bench:scale -- --endpoints 100000 --idcs 10 --vantages 3 --interval 30s --measure 90`
 *
 * Vigil at full size on one machine, every part in its own process: the api, the controller, two
 * probers (VIGIL_ROLES=prober, sharing every vantage's ticks through BullMQ) and a simulated fleet
 * (a few loopback ports, each endpoint a path on its IDC's ports, kept-alive connections). The config:
 * `endpoints` endpoints in `idcs` IDCs, services of `per-service` endpoints, one http check per service
 * (`interval`, `connection: keepalive`) probed from `vantages` IDCs (the service's own IDC band, so
 * every IDC probes the same share). After a warm-up it measures for `measure` seconds while a
 * `status-rate` load of GET /api/v1/status runs (autocannon, its own process), and prints JSON.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadEnv, parseDuration } from '@libs/config';
import { flags, round } from './stats';
import { dropBenchState } from './vigil-child';

const opts = flags({
  endpoints: '100000',
  idcs: '10',
  vantages: '3',
  'per-service': '1000',
  interval: '30s',
  warmup: '45',
  measure: '90',
  'status-rate': '100',
  'status-connections': '10',
  'ports-per-idc': '3',
  'base-port': '27800',
  /** VIGIL_MAX_BODY_BYTES in MiB; empty: Vigil's default. */
  'max-body-mb': '',
});
const ENDPOINTS = Number(opts.endpoints);
const IDC_NAMES = ['sha', 'bjs', 'szx', 'hkg', 'sgp', 'fra', 'iad', 'sfo', 'lhr', 'nrt', 'gru', 'syd'];
const IDCS = IDC_NAMES.slice(0, Number(opts.idcs));
const VANTAGES = Number(opts.vantages);
const PER_SERVICE = Number(opts['per-service']);
const PORTS_PER_IDC = Number(opts['ports-per-idc']);
const BASE = Number(opts['base-port']);
// Ports: api, controller, two probers; the fleet from BASE + 10.
const PORTS = { api: BASE, controller: BASE + 1, probers: [BASE + 2, BASE + 3], fleet: BASE + 10 };
const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fleetPort = (idc: number, i: number) => PORTS.fleet + idc * PORTS_PER_IDC + (i % PORTS_PER_IDC);

/** The config: services of PER_SERVICE endpoints spread over the IDCs, each probed from VANTAGES IDCs. */
function config() {
  const services = Math.ceil(ENDPOINTS / PER_SERVICE);
  return {
    apiVersion: 'vigil/v1',
    idcs: IDCS.map((name) => ({ name, capacity: 1 })),
    services: Array.from({ length: services }, (_, s) => ({
      name: `svc-${s}`,
      endpoints: Array.from({ length: Math.min(PER_SERVICE, ENDPOINTS - s * PER_SERVICE) }, (_, i) => {
        const idc = i % IDCS.length;
        return { idc: IDCS[idc], name: `e${i}`, url: `http://${HOST}:${fleetPort(idc, i)}/s${s}/e${i}` };
      }),
      checks: [
        {
          name: 'http',
          type: 'http',
          interval: opts.interval,
          timeout: '2s',
          http: { connection: 'keepalive' },
          vantages: Array.from({ length: VANTAGES }, (_, v) => IDCS[(s + v) % IDCS.length]),
        },
      ],
    })),
  };
}

interface Proc {
  name: string;
  child: ChildProcess;
  port: number;
}

function startVigil(name: string, roles: string, port: number, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [join(__dirname, '..', 'apps', 'vigil', 'src', 'main.js')], {
    env: { ...process.env, ...env, PORT: String(port), VIGIL_ROLES: roles, LOG_LEVEL: 'warn' },
    // Their logs go to stderr: stdout is the report's.
    stdio: ['ignore', 2, 2],
  });
  child.once('exit', (code, signal) => {
    if (!stopping)
      process.stderr.write(`bench:scale: ${name} exited early (code ${code}, signal ${signal})\n`);
  });
  return { name, child, port };
}

/** Set once the bench stops its processes: exits before that are failures worth naming. */
let stopping = false;

async function ready(proc: Proc, deadlineMs = 120_000): Promise<void> {
  for (const deadline = Date.now() + deadlineMs; ;) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode})`);
    const ok = await fetch(`http://${HOST}:${proc.port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${proc.name} did not become ready`);
    await sleep(250);
  }
}

/** Resident set size of a process, in bytes (Linux). */
function rss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0; // the process is gone: its exit is reported
  }
}

/** CPU seconds (user + system) of a process so far (Linux, clock ticks of 1/100 s). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The samples of Prometheus text for one metric name, as [labels, value]. */
function samples(text: string, name: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\S+?)(\{.*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) out.push([m[2] ?? '', Number(m[3])]);
  }
  return out;
}

interface ProberFigures {
  probes: number;
  errors: number;
  /** Failed probes by error kind. */
  kinds: Record<string, number>;
  tasks: number;
  /** Lateness histogram: cumulative count per upper bound (seconds), all vantages together. */
  lateness: Map<number, number>;
}

async function proberFigures(port: number, token: string): Promise<ProberFigures> {
  const text = await (
    await fetch(`http://${HOST}:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  ).text();
  const probes = samples(text, 'vigil_probes_total');
  const lateness = new Map<number, number>();
  for (const [labels, v] of samples(text, 'vigil_probe_lateness_seconds_bucket')) {
    const le = /le="([^"]+)"/.exec(labels)![1];
    const bound = le === '+Inf' ? Infinity : Number(le);
    lateness.set(bound, (lateness.get(bound) ?? 0) + v);
  }
  const kinds: Record<string, number> = {};
  for (const [labels, v] of probes) {
    const kind = /result="([^"]+)"/.exec(labels)?.[1] ?? 'other';
    if (kind !== 'ok') kinds[kind] = (kinds[kind] ?? 0) + v;
  }
  return {
    kinds,
    probes: probes.reduce((n, [, v]) => n + v, 0),
    errors: probes.filter(([l]) => !l.includes('result="ok"')).reduce((n, [, v]) => n + v, 0),
    tasks: samples(text, 'vigil_probe_tasks').reduce((n, [, v]) => n + v, 0),
    lateness,
  };
}

/** histogram_quantile over the bucket deltas of a window (linear inside the bucket, as Prometheus does). */
function quantile(before: Map<number, number>, after: Map<number, number>, q: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = counts[counts.length - 1];
  const rank = q * total;
  let lower = 0;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= rank) {
      if (bounds[i] === Infinity) return lower * 1000;
      const prev = i === 0 ? 0 : counts[i - 1];
      return (lower + ((bounds[i] - lower) * (rank - prev)) / Math.max(1, counts[i] - prev)) * 1000;
    }
    lower = bounds[i];
  }
  return NaN;
}

/** Fraction of the window's probes that started within `bound` seconds (a bucket bound). */
function within(before: Map<number, number>, after: Map<number, number>, bound: number): number {
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  return ((after.get(bound) ?? 0) - (before.get(bound) ?? 0)) / total;
}

function kindDelta(before: ProberFigures[], after: ProberFigures[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of after) for (const [k, v] of Object.entries(f.kinds)) out[k] = (out[k] ?? 0) + v;
  for (const f of before) for (const [k, v] of Object.entries(f.kinds)) out[k] -= v;
  return out;
}

async function pgWrites(db: Client, name: string): Promise<{ commits: number; rows: number }> {
  const r = await db.query<{ commits: string; rows: string }>(
    `SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS rows
       FROM pg_stat_database WHERE datname = $1`,
    [name],
  );
  return { commits: Number(r.rows[0].commits), rows: Number(r.rows[0].rows) };
}

function peak(pid: () => number | undefined): { stop: () => number } {
  let max = 0;
  const timer = setInterval(() => {
    const p = pid();
    if (p !== undefined) max = Math.max(max, rss(p));
  }, 250);
  return { stop: () => (clearInterval(timer), max) };
}

async function main() {
  const env = loadEnv();
  const id = randomBytes(4).toString('hex');
  const prefix = `vigil-bench-${id}`;
  const dbName = `vigil_bench_${id}`;
  const dbUrl = new URL(env.DATABASE_URL);
  dbUrl.pathname = `/${dbName}`;
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const common = {
    DATABASE_URL: dbUrl.toString(),
    VIGIL_REDIS_PREFIX: prefix,
    VIGIL_ADMIN_TOKEN: token,
    ...(opts['max-body-mb']
      ? { VIGIL_MAX_BODY_BYTES: String(Number(opts['max-body-mb']) * 1024 * 1024) }
      : {}),
  };
  const procs: Proc[] = [];
  const fleetPorts = Array.from({ length: IDCS.length * PORTS_PER_IDC }, (_, i) => String(PORTS.fleet + i));
  const fleet = fork(join(__dirname, 'scale-fleet.js'), [HOST, ...fleetPorts]);
  const stopAll = async () => {
    stopping = true;
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(
      procs.map((p) =>
        p.child.exitCode === null && p.child.signalCode === null ? once(p.child, 'exit') : undefined,
      ),
    );
    fleet.disconnect();
    await dropBenchState(env, dbName, prefix);
  };
  try {
    const [fleetReady] = await once(fleet, 'message');
    if (fleetReady !== 'ready') throw new Error('the fleet did not start');
    // The api first: it creates and migrates the database the others then use.
    const api = startVigil('api', 'api', PORTS.api, common);
    procs.push(api);
    await ready(api);
    const controller = startVigil('controller', 'controller', PORTS.controller, common);
    const probers = PORTS.probers.map((port, i) => startVigil(`prober-${i}`, 'prober', port, common));
    procs.push(controller, ...probers);
    await Promise.all([controller, ...probers].map((p) => ready(p)));

    // 1. Apply the config.
    const body = JSON.stringify(config());
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const controllerRss = peak(() => controller.child.pid);
    const applyStart = Date.now();
    const applied = await fetch(`http://${HOST}:${PORTS.api}/api/v1/config`, {
      method: 'PUT',
      headers,
      body,
    });
    const applyMs = Date.now() - applyStart;
    if (!applied.ok)
      throw new Error(`apply failed (${applied.status}): ${(await applied.text()).slice(0, 500)}`);
    const tasks = ENDPOINTS * VANTAGES;
    // Until both probers hold every task (each builds the whole table; the ticks split the work).
    for (const deadline = Date.now() + 300_000; ; await sleep(250)) {
      const figures = await Promise.all(probers.map((p) => proberFigures(p.port, token)));
      if (figures.every((f) => f.tasks === tasks)) break;
      if (Date.now() > deadline)
        throw new Error(`probers hold ${figures.map((f) => f.tasks).join(', ')} tasks`);
    }
    const probersReadyMs = Date.now() - applyStart;

    // 2. Warm up (every endpoint probed a few times, connections open), then measure.
    await sleep(Number(opts.warmup) * 1000);
    const measureMs = Number(opts.measure) * 1000;
    const db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const pids = Object.fromEntries(procs.map((p) => [p.name, p.child.pid!]));
    const cpu0 = Object.fromEntries(procs.map((p) => [p.name, cpuOf(p.child.pid!)]));
    const fleetCpu = async () => {
      fleet.send('cpu');
      const [m] = await once(fleet, 'message');
      return m as { cpuSeconds: number; requests: number };
    };
    const fleet0 = await fleetCpu();
    const before = await Promise.all(probers.map((p) => proberFigures(p.port, token)));
    const writes0 = await pgWrites(db, dbName);
    const rssAll = procs.map((p) => ({ name: p.name, peak: peak(() => pids[p.name]) }));
    const cannon = spawn(
      process.execPath,
      [
        require.resolve('autocannon/autocannon.js'),
        '-j',
        '-c',
        opts['status-connections'],
        '-R',
        opts['status-rate'],
        '-d',
        String(Number(opts.measure)),
        '-H',
        `authorization=Bearer ${token}`,
        '-H',
        'accept-encoding=gzip',
        `http://${HOST}:${PORTS.api}/api/v1/status`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const started = Date.now();
    let cannonOut = '';
    cannon.stdout!.on('data', (d: Buffer) => (cannonOut += d.toString()));
    await once(cannon, 'exit');
    await sleep(Math.max(0, measureMs - (Date.now() - started)));
    const elapsedS = (Date.now() - started) / 1000;
    const after = await Promise.all(probers.map((p) => proberFigures(p.port, token)));
    const writes1 = await pgWrites(db, dbName);
    const fleet1 = await fleetCpu();
    const cpu1 = Object.fromEntries(procs.map((p) => [p.name, cpuOf(p.child.pid!)]));
    const peaks = Object.fromEntries(rssAll.map((r) => [r.name, round(r.peak.stop() / 2 ** 20, 0)]));
    const controllerPeakMb = round(controllerRss.stop() / 2 ** 20, 0);
    const statusSample = await fetch(`http://${HOST}:${PORTS.api}/api/v1/status`, { headers });
    const statusBytes = (await statusSample.arrayBuffer()).byteLength;
    await db.end();

    const load = JSON.parse(cannonOut) as {
      latency: { p50: number; p99: number; max: number };
      requests: { total: number; average: number };
      non2xx: number;
      errors: number;
    };
    const sum = (f: ProberFigures[], k: 'probes' | 'errors') => f.reduce((n, x) => n + x[k], 0);
    const merge = (f: ProberFigures[]) => {
      const m = new Map<number, number>();
      for (const x of f) for (const [b, v] of x.lateness) m.set(b, (m.get(b) ?? 0) + v);
      return m;
    };
    const probesPerSecond = (sum(after, 'probes') - sum(before, 'probes')) / elapsedS;
    const lateBefore = merge(before);
    const lateAfter = merge(after);
    const latenessP99 = quantile(lateBefore, lateAfter, 0.99);
    const target = (ENDPOINTS * VANTAGES * 1000) / parseDuration(opts.interval);
    const report = {
      benchmark: 'scale',
      machine: { cpus: cpus().length, node: process.version },
      setup: {
        endpoints: ENDPOINTS,
        idcs: IDCS.length,
        services: Math.ceil(ENDPOINTS / PER_SERVICE),
        vantagesPerEndpoint: VANTAGES,
        interval: opts.interval,
        connection: 'keepalive',
        probers: probers.length,
        processes: 'api, controller, 2 probers, fleet, autocannon: one process each',
        fleetPorts: fleetPorts.length,
        configBytes: Buffer.byteLength(body),
        maxBodyBytes: Number(common.VIGIL_MAX_BODY_BYTES ?? env.VIGIL_MAX_BODY_BYTES),
        warmupS: Number(opts.warmup),
        measureS: round(elapsedS, 1),
      },
      config: { applyMs, probersReadyMs },
      controller: { peakRssMb: controllerPeakMb },
      status: {
        load: `autocannon, ${opts['status-connections']} connections, ${opts['status-rate']} req/s, gzip`,
        requests: load.requests.total,
        latencyMs: { p50: load.latency.p50, p99: load.latency.p99, max: load.latency.max },
        non2xx: load.non2xx,
        errors: load.errors,
        bodyBytes: statusBytes,
      },
      probes: {
        targetPerSecond: round(target, 0),
        perSecond: round(probesPerSecond, 0),
        errors: sum(after, 'errors') - sum(before, 'errors'),
        errorsByKind: kindDelta(before, after),
        fleetRequestsPerSecond: round((fleet1.requests - fleet0.requests) / elapsedS, 0),
        latenessMs: {
          p50: round(quantile(lateBefore, lateAfter, 0.5), 1),
          p99: round(latenessP99, 1),
          within250ms: round(within(lateBefore, lateAfter, 0.25), 5),
          source: 'vigil_probe_lateness_seconds histogram, interpolated in its bucket',
        },
      },
      postgres: {
        commitsPerSecond: round((writes1.commits - writes0.commits) / elapsedS, 1),
        rowsWrittenPerSecond: round((writes1.rows - writes0.rows) / elapsedS, 1),
      },
      cpuSeconds: {
        ...Object.fromEntries(procs.map((p) => [p.name, round(cpu1[p.name] - cpu0[p.name], 1)])),
        fleet: round(fleet1.cpuSeconds - fleet0.cpuSeconds, 1),
      },
      peakRssMb: peaks,
      targets: { applyMs: 10_000, controllerRssMb: 1536, statusP99Ms: 50, latenessP99Ms: 250 },
      met: {
        apply: applyMs < 10_000,
        controllerRss: controllerPeakMb < 1536,
        statusP99: load.latency.p99 < 50 && load.non2xx === 0 && load.errors === 0,
        probeRate: probesPerSecond >= target * 0.98,
        latenessP99: latenessP99 < 250,
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:scale failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
