/**
 * `npm run bench:ingest -- --endpoints 10000 --results 300000 --duration 30`
 *
 * Starts Vigil (compiled; roles api and controller: no prober, so only the test's results arrive) in
 * its own process with a fresh database and Redis prefix, applies a config of `endpoints` endpoints,
 * then floods the results queues (one per vantage) with probe results and measures how fast the controller leader
 * ingests them, while autocannon (a real HTTP load tool, its own process) loads GET /api/v1/status.
 * Prints JSON with the figures and the targets (>= 20,000 results/s; /status p99 < 50 ms).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { loadEnv } from '@libs/config';
import { JOBS, QUEUES, type ProbeResult } from '@libs/queue';
import { flags, round } from './stats';
import { startBenchVigil } from './vigil-child';

const opts = flags({
  endpoints: '10000',
  results: '300000',
  duration: '30',
  idcs: '4',
  services: '10',
  rate: '8000',
});
const ENDPOINTS = Number(opts.endpoints);
const IDCS = ['sha', 'bjs', 'szx', 'hkg', 'sgp', 'fra'].slice(0, Number(opts.idcs));
const SERVICES = Number(opts.services);
const BATCH = 1000;

function config() {
  const perService = Math.ceil(ENDPOINTS / SERVICES);
  return {
    apiVersion: 'vigil/v1',
    idcs: IDCS.map((name) => ({ name, capacity: perService })),
    services: Array.from({ length: SERVICES }, (_, s) => ({
      name: `svc-${s}`,
      endpoints: Array.from({ length: perService }, (_, i) => ({
        idc: IDCS[i % IDCS.length],
        name: `ep-${i}`,
        url: `http://10.${s}.${Math.floor(i / 250)}.${i % 250}:8080/healthz`,
      })),
      checks: [{ name: 'http', type: 'http', interval: '5s', timeout: '2s' }],
    })),
  };
}

async function main() {
  const env = loadEnv();
  const vigil = await startBenchVigil(env, { VIGIL_MAX_BODY_BYTES: String(64 * 1024 * 1024) });
  const { url, token, prefix } = vigil;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  try {
    const applied = await fetch(`${url}/api/v1/config`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(config()),
    });
    if (!applied.ok) throw new Error(`apply failed: ${await applied.text()}`);

    // Results for every endpoint from every IDC as vantage; heartbeats make the vantages live.
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    for (const v of IDCS) await redis.set(`${prefix}:probers:${v}:bench`, 'x', 'PX', 600_000);
    // One results queue per vantage, as the probers send them.
    const queues = new Map(
      IDCS.map((v) => [
        v,
        new Queue(QUEUES.results(v), {
          connection: redis,
          prefix: `${prefix}:bull`,
          defaultJobOptions: { removeOnComplete: true },
        }),
      ]),
    );
    /** Adds the results, one batch per vantage among them, to each vantage's queue. */
    const send = async (results: ProbeResult[]) => {
      const byVantage = new Map<string, ProbeResult[]>();
      for (const r of results) {
        if (!byVantage.has(r.vantage)) byVantage.set(r.vantage, []);
        byVantage.get(r.vantage)!.push(r);
      }
      for (const [v, rs] of byVantage)
        await queues.get(v)!.add(JOBS.resultBatch, { prober: 'bench', configVersion: 1, results: rs });
    };
    // Fill first, then let the controller drain at full speed.
    for (const queue of queues.values()) await queue.pause();
    const perService = Math.ceil(ENDPOINTS / SERVICES);
    let sent = 0;
    /** The next `count` results: endpoints in turn, every IDC as vantage in turn, 2% failures. */
    const batch = (count: number, at: number): ProbeResult[] =>
      Array.from({ length: count }, () => {
        const n = sent++;
        const ep = n % (perService * SERVICES);
        return {
          check: `svc-${Math.floor(ep / perService)}/http`,
          endpoint: `svc-${Math.floor(ep / perService)}.ep-${ep % perService}`,
          vantage: IDCS[Math.floor(n / ENDPOINTS) % IDCS.length],
          type: 'http',
          scheduledAt: at,
          startedAt: at,
          latencyMs: 5 + (n % 20),
          ok: n % 50 !== 0,
        };
      });

    // 1. Ingest: fill the paused queue, then let the leader drain it at full speed.
    const total = Number(opts.results);
    const started = Date.now();
    for (let i = 0; i < total; i += BATCH) {
      await send(batch(BATCH, started + i / 10));
    }
    const t0 = Date.now();
    for (const queue of queues.values()) await queue.resume();
    let drainedAt = 0;
    for (;;) {
      let left = 0;
      for (const queue of queues.values()) left += await queue.getJobCountByTypes('waiting', 'active');
      if (left === 0) {
        drainedAt = Date.now();
        break;
      }
      if (Date.now() - t0 > 300_000) throw new Error('the controller did not drain the queue in 5 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }

    // 2. Status under HTTP load (autocannon, its own process) while results keep arriving at a
    //    steady `rate` (default 8,000/s: 10,000 endpoints from 4 vantages every 5 s).
    const durationS = Number(opts.duration);
    const rate = Number(opts.rate);
    const feeder = setInterval(() => {
      void send(batch(rate / 10, Date.now()));
    }, 100);
    const cannon = spawn(
      process.execPath,
      [
        require.resolve('autocannon/autocannon.js'),
        '-j',
        '-c',
        '10',
        '-d',
        String(durationS),
        '-H',
        `authorization=Bearer ${token}`,
        `${url}/api/v1/status`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let cannonOut = '';
    cannon.stdout!.on('data', (d: Buffer) => (cannonOut += d.toString()));
    await once(cannon, 'exit');
    clearInterval(feeder);
    const load = JSON.parse(cannonOut) as {
      latency: { p50: number; p99: number; max: number };
      requests: { total: number; average: number };
      non2xx: number;
      errors: number;
    };
    const status = (await (await fetch(`${url}/api/v1/status`, { headers })).json()) as {
      services: Array<{ endpoints: Record<string, number> }>;
    };
    const endpointsSeen = status.services.reduce(
      (n, s) => n + Object.values(s.endpoints).reduce((a, b) => a + b, 0),
      0,
    );
    for (const queue of queues.values()) await queue.close();
    await redis.quit();
    const perSecond = total / ((drainedAt - t0) / 1000);
    const report = {
      benchmark: 'ingest',
      machine: { cpus: cpus().length, node: process.version },
      setup: { endpoints: ENDPOINTS, services: SERVICES, idcs: IDCS.length, results: total, batch: BATCH },
      ingest: { resultsPerSecond: round(perSecond, 0), drainSeconds: round((drainedAt - t0) / 1000, 2) },
      status: {
        endpointsInSnapshot: endpointsSeen,
        loadTool: 'autocannon, 10 connections',
        durationS,
        resultsPerSecondMeanwhile: rate,
        requests: load.requests.total,
        requestsPerSecond: load.requests.average,
        latencyMs: { p50: load.latency.p50, p99: load.latency.p99, max: load.latency.max },
        non2xx: load.non2xx,
        errors: load.errors,
      },
      targets: { resultsPerSecond: 20_000, statusP99Ms: 50 },
      met: { ingest: perSecond >= 20_000, statusP99: load.latency.p99 < 50 && load.non2xx === 0 },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await vigil.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:ingest failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
