/**
 * `npm run bench:probes -- --endpoints 10000 --interval 5s --duration 60 --vantages 1`
 *
 * Runs a simulated fleet (own process), the real prober (this process: Redis-backed tick scheduling
 * on BullMQ, probes, batched results) and a results sink (own process, as the controller), then the
 * same probes from a bare undici loop at the same rate and connection policy (a new connection per
 * probe). Prints JSON: target and achieved probes/s, lateness, prober CPU per 1,000 probes against
 * the bare loop's, peak RSS and errors.
 *
 * `--probers N`: the prober runs as N replicas of the vantage, each in its own process, against one
 * replica in its own process (like for like), instead of the bare loop. Prints CPU per 1,000 probes
 * summed over the replicas, their split, lateness and errors for both, and the ratio.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { ProberEngine } from '@apps/prober';
import { loadEnv, parseDuration, validateConfig, type StoredConfig } from '@libs/config';
import { fleetConfig, spawnFleet } from '@libs/fleet';
import { compileProbe } from '@libs/probes';
import { bareUndiciLoop } from './bare-undici-loop';
import { cpuSeconds, flags, latencySummary, round } from './stats';

const opts = flags({
  endpoints: '10000',
  interval: '5s',
  duration: '60',
  vantages: '1',
  warmup: '10',
  idcs: '4',
  probers: '0',
});
const endpoints = Number(opts.endpoints);
const intervalMs = parseDuration(opts.interval);
const durationMs = Number(opts.duration) * 1000;
const warmupMs = Number(opts.warmup) * 1000;
const vantageCount = Number(opts.vantages);
const idcCount = Math.max(Number(opts.idcs), vantageCount);
const proberCount = Number(opts.probers);
const TIMEOUT = '2s';

/** Benchmarks run compiled (`npm run bench:*` builds first): ts-node's source maps would skew the CPU figures. */
function startSink(redisUrl: string, prefix: string, vantages: readonly string[]): ChildProcess {
  return fork(join(__dirname, 'results-sink.js'), [redisUrl, prefix, vantages.join(',')]);
}

/** The simulated fleet (own process) and the validated config that probes it. */
async function benchFleet() {
  const fleet = await spawnFleet(
    { idcs: idcCount, endpointsPerIdc: Math.ceil(endpoints / idcCount) },
    { stdio: 'inherit' },
  );
  const targets = fleet.endpoints.slice(0, endpoints);
  const vantages = fleet.idcs.slice(0, vantageCount);
  const validated = validateConfig(
    fleetConfig(
      { ...fleet, endpoints: targets },
      { service: 'bench', interval: opts.interval, timeout: TIMEOUT, vantages },
    ),
  );
  if (!validated.ok) throw new Error(JSON.stringify(validated.details.slice(0, 5)));
  return { fleet, targets, vantages, config: validated.config as StoredConfig };
}

async function ask<T>(child: ChildProcess, message: object): Promise<T> {
  child.send(message);
  const [reply] = await once(child, 'message');
  return reply as T;
}

function peakRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
  return { stop: () => (clearInterval(timer), peak) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SinkReport {
  results: number;
  errors: Record<string, number>;
  lateness: number[];
  byProber: Record<string, number>;
}

/**
 * `count` prober replicas, each in its own process, on a fresh queue prefix: the window's results
 * (as the sink saw them), and the CPU the replicas used in it, summed.
 */
async function childProbers(redisUrl: string, config: StoredConfig, vantages: string[], count: number) {
  const prefix = `vigil-bench-${randomBytes(4).toString('hex')}:bull`;
  const sink = startSink(redisUrl, prefix, vantages);
  const probers = Array.from({ length: count }, () =>
    fork(join(__dirname, 'prober-child.js'), [redisUrl, prefix]),
  );
  const concurrency = loadEnv().VIGIL_PROBE_CONCURRENCY;
  await Promise.all(
    probers.map((p, i) =>
      ask(p, { op: 'start', config, vantages, proberId: `prober-${i + 1}`, concurrency }),
    ),
  );
  await sleep(warmupMs);
  const from = Math.ceil(Date.now() / 1000) * 1000;
  const to = from + durationMs;
  await ask(sink, { op: 'window', from, to });
  await sleep(from - Date.now());
  const cpu0 = await Promise.all(probers.map((p) => ask<NodeJS.CpuUsage>(p, { op: 'cpu' })));
  await sleep(to - Date.now());
  const cpu1 = await Promise.all(probers.map((p) => ask<NodeJS.CpuUsage>(p, { op: 'cpu' })));
  await sleep(Math.max(3000, parseDuration(TIMEOUT) + 1500)); // the window's last probes and batch
  const seen = await ask<SinkReport>(sink, { op: 'report' });
  await Promise.all(probers.map((p) => ask(p, { op: 'stop' })));
  for (const p of probers) p.disconnect();
  sink.disconnect();
  const cpu = cpu0.reduce((sum, c0, i) => sum + cpuSeconds(c0, cpu1[i]), 0);
  const lateness = latencySummary(seen.lateness);
  const errors = Object.values(seen.errors).reduce((a, b) => a + b, 0);
  const fair = seen.results / count;
  const split = Object.fromEntries(Object.entries(seen.byProber).sort());
  return {
    probers: count,
    probesPerSecond: round(seen.results / (durationMs / 1000), 1),
    latenessMs: lateness,
    cpuSecondsPer1000Probes: round((cpu / seen.results) * 1000, 4),
    proberCpuSeconds: round(cpu, 2),
    split,
    /** The largest deviation of a replica's probes from an even split, in percent. */
    splitMaxDeviationPct: round(
      Math.max(...Object.values(split).map((n) => (Math.abs(n - fair) / fair) * 100)),
      1,
    ),
    errors,
    errorsByKind: seen.errors,
  };
}

/** `--probers N`: N replicas in their own processes against one replica in its own process. */
async function replicasBench() {
  const env = loadEnv();
  const { fleet, targets, vantages, config } = await benchFleet();
  const target = (targets.length * vantages.length * 1000) / intervalMs;
  const one = await childProbers(env.REDIS_URL, config, vantages, 1);
  const many = await childProbers(env.REDIS_URL, config, vantages, proberCount);
  await fleet.close();
  const report = {
    benchmark: 'probes',
    mode: `${proberCount} prober processes against 1`,
    machine: { cpus: cpus().length, node: process.version },
    target: {
      endpoints: targets.length,
      interval: opts.interval,
      vantages: vantages.length,
      durationS: durationMs / 1000,
      probesPerSecond: target,
    },
    oneProber: one,
    replicas: many,
    ratio: {
      cpuPerProbeReplicasVsOne: round(many.cpuSecondsPer1000Probes / one.cpuSecondsPer1000Probes, 3),
    },
    targets: { splitMaxDeviationPct: 10, latenessP99Ms: 250, errors: 0 },
    met: {
      rate: many.probesPerSecond >= target * 0.98,
      split: many.splitMaxDeviationPct <= 10,
      latenessP99: many.latenessMs.p99 < 250,
      noErrors: many.errors === 0,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

async function main() {
  if (proberCount > 0) return replicasBench();
  const env = loadEnv();
  const prefix = `vigil-bench-${randomBytes(4).toString('hex')}:bull`;
  const { fleet, targets, vantages, config } = await benchFleet();
  const target = (targets.length * vantages.length * 1000) / intervalMs;

  // --- Vigil's prober ---
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const sink = startSink(env.REDIS_URL, prefix, vantages);
  const engine = new ProberEngine({
    proberId: 'bench',
    serve: vantages,
    connection,
    prefix,
    registry: new Registry(),
    concurrency: env.VIGIL_PROBE_CONCURRENCY,
    compile: (check, endpoint) => compileProbe(check, endpoint, { secret: () => '' }),
  });
  await engine.setConfig(config, 1);
  await engine.start();
  await sleep(warmupMs);
  const from = Math.ceil(Date.now() / 1000) * 1000;
  const to = from + durationMs;
  await ask(sink, { op: 'window', from, to });
  await sleep(from - Date.now());
  const rss = peakRss();
  const cpu0 = process.cpuUsage();
  const fleetCpu0 = await fleet.cpuUsage();
  await sleep(to - Date.now());
  const cpu1 = process.cpuUsage();
  const fleetCpu1 = await fleet.cpuUsage();
  const vigilPeakRss = rss.stop();
  await sleep(Math.max(3000, parseDuration(TIMEOUT) + 1500)); // the window's last probes and batch
  const seen = await ask<SinkReport>(sink, { op: 'report' });
  await engine.stop();
  sink.disconnect();
  await connection.quit();
  const vigilCpu = cpuSeconds(cpu0, cpu1);

  // --- Baseline: a bare undici loop, same probes, same times, same connection policy ---
  const bareFrom = Math.ceil((Date.now() + warmupMs) / 1000) * 1000;
  const bareRss = peakRss();
  const bareCpu0 = process.cpuUsage();
  const bare = await bareUndiciLoop(
    targets.flatMap((t) => vantages.map((v) => ({ id: `bench/healthz/${t.id}`, url: t.url!, vantage: v }))),
    intervalMs,
    bareFrom,
    bareFrom + durationMs,
    parseDuration(TIMEOUT),
  );
  const bareCpu = cpuSeconds(bareCpu0, process.cpuUsage());
  const barePeakRss = bareRss.stop();
  await fleet.close();

  const vigilPer1000 = (vigilCpu / seen.results) * 1000;
  const barePer1000 = (bareCpu / bare.probes) * 1000;
  const lateness = latencySummary(seen.lateness);
  const errorCount = Object.values(seen.errors).reduce((a, b) => a + b, 0);
  const report = {
    benchmark: 'probes',
    machine: { cpus: cpus().length, node: process.version },
    target: {
      endpoints: targets.length,
      interval: opts.interval,
      vantages: vantages.length,
      durationS: durationMs / 1000,
      probesPerSecond: target,
    },
    vigil: {
      probesPerSecond: round(seen.results / (durationMs / 1000), 1),
      latenessMs: lateness,
      cpuSecondsPer1000Probes: round(vigilPer1000, 4),
      proberCpuSeconds: round(vigilCpu, 2),
      fleetCpuSeconds: round(cpuSeconds(fleetCpu0, fleetCpu1), 2),
      peakRssMb: round(vigilPeakRss / 2 ** 20, 1),
      errors: errorCount,
      errorsByKind: seen.errors,
    },
    bareUndiciLoop: {
      probesPerSecond: round(bare.probes / (durationMs / 1000), 1),
      latenessMs: latencySummary(bare.lateness),
      cpuSecondsPer1000Probes: round(barePer1000, 4),
      peakRssMb: round(barePeakRss / 2 ** 20, 1),
      errors: bare.errors,
    },
    ratio: { cpuPerProbeVigilVsBare: round(vigilPer1000 / barePer1000, 3) },
    targets: { latenessP99Ms: 250, errors: 0, cpuRatioMax: 1.1 },
    met: {
      rate: seen.results / (durationMs / 1000) >= target * 0.98,
      latenessP99: lateness.p99 < 250,
      noErrors: errorCount === 0,
      cpuRatio: vigilPer1000 / barePer1000 <= 1.1,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:probes failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
