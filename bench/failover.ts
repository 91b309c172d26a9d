/**
 * `npm run bench:failover -- --injections 20`
 * `npm run bench:failover:notify -- --injections 20` (`node dist/bench/failover.js --notify`)
 *
 * Vigil with every role (in this process), a simulated fleet of 3 IDCs and a fake traffic manager
 * (GSLB). Check interval 1 s, unhealthyThreshold 3, a rule `idc.state == "UNHEALTHY"` with `for: 0s`
 * in enforce mode. Each injection takes one IDC down (its listeners close) and measures the time
 * from the fault to the IDC's UNHEALTHY event (detection) and to the first shift call the traffic
 * manager receives; then brings it back and waits for the failback. Prints JSON with p50 / p99.
 * Per injection it also finds the failed probe that crossed the threshold (detection-floor.ts): when
 * it started (the floor: Vigil cannot know sooner) and Vigil's overhead from its result to the first
 * shift. Before the injections it measures the process's CPU over a quiet window (`--quiet-s`).
 *
 * `--notify` runs that twice in one invocation, each with a fresh Vigil: first plain (the baseline),
 * then with notification channels as bad as they come (a webhook that answers after 9 s, one and a
 * PagerDuty channel that answer 500 so every notification is retried, a Slack channel whose port
 * refuses connections), groupWait 0s, every event routed to every channel, the rule notifying too,
 * retries 10 ms apart and doubling. It prints both runs, the notification flood (rows, delivery
 * attempts, the queue) and the ratio of the notify run's figures to the baseline's.
 *
 * `--adapter haproxy` is the same outage seen by clients through a real HAProxy, HAProxy's own checks
 * against Vigil moving its weights: see failover-haproxy.ts.
 */
import 'reflect-metadata';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { HealthService } from '@apps/controller';
import Redis from 'ioredis';
import type { Client } from 'pg';
import type { ConfigInput, Env } from '@libs/config';
import { refusingUrl, startFleet, startReceiver, startTrafficManager, type Receiver } from '@libs/fleet';
import { bullPrefix, QUEUES } from '@libs/queue';

import { FailureTap } from './detection-floor';
import { haproxyBenchmark } from './failover-haproxy';
import { cpuSeconds, flags, latencySummary, round } from './stats';
import { benchConfig, sleep, startInProcessVigil, until } from './vigil-in-process';

// `--notify` takes no value, which flags() does not know: take it out first. `--adapter haproxy` is
// another benchmark (failover-haproxy.ts) with flags of its own.
const notifyMode = process.argv.includes('--notify');
if (notifyMode) process.argv.splice(process.argv.indexOf('--notify'), 1);
const adapterAt = process.argv.indexOf('--adapter');
const adapter = adapterAt >= 0 ? process.argv.splice(adapterAt, 2)[1] : 'webhook';
type RuleAction = NonNullable<ConfigInput['rules']>[number]['actions'][number];

/** The notify run's delivery settings (the env may override them). */
const NOTIFY = {
  hangMs: 9000,
  attempts: process.env.VIGIL_NOTIFY_ATTEMPTS ?? '10',
  backoffMs: process.env.VIGIL_NOTIFY_BACKOFF_MS ?? '10',
};

/** The bad receivers of a notify run. */
interface Receivers {
  hang: Receiver;
  error: Receiver;
  slackUrl: string;
}

/** What the notifier and the delivery worker did during the injections. */
interface Flood {
  /** Rows of `notifications`, by channel and state. */
  notifications: {
    total: number;
    byChannel: Record<string, Record<string, number>>;
    byEvent: Record<string, number>;
  };
  /** Attempts finished (the rows' `attempts`) and requests the receivers got. */
  deliveryAttempts: { recorded: number; perSecond: number; hangReceived: number; errorReceived: number };
  /** The notifications queue when the last injection was done. */
  queue: Record<string, number>;
}

interface Run {
  detect: number[];
  shift: number[];
  /** From the fault to the start of the failed probe that crossed the threshold, and to its result. */
  probeStart: number[];
  probeKnown: number[];
  /** From that probe's result to the IDC's UNHEALTHY event, and to the first shift. */
  detectOverhead: number[];
  overhead: number[];
  /** Process CPU over a quiet window (every IDC healthy, no injection). */
  steadyCpu: { windowS: number; cpuSeconds: number; percentOfOneCore: number };
  flood?: Flood;
}

/** One bench run with a fresh Vigil; `receivers` adds the notification channels. */
async function run(
  opts: { injections: number; endpoints: number; quietS: number },
  receivers?: Receivers,
): Promise<Run> {
  const id = randomBytes(4).toString('hex');
  const secret = `bench-${id}`;
  process.env.VIGIL_REF_BENCH_GSLB_SECRET = secret;
  if (receivers) {
    process.env.VIGIL_REF_BENCH_SLACK_URL = receivers.slackUrl;
    process.env.VIGIL_REF_BENCH_PD_KEY = `bench-routing-${id}`;
  }
  const idcs = ['sha', 'bjs', 'szx'];
  const fleet = await startFleet({ idcs, endpointsPerIdc: opts.endpoints, basePort: 25000 });
  const gslb = await startTrafficManager({ secret });
  const vigil = await startInProcessVigil(
    receivers ? { VIGIL_NOTIFY_ATTEMPTS: NOTIFY.attempts, VIGIL_NOTIFY_BACKOFF_MS: NOTIFY.backoffMs } : {},
  );
  const { env, pg } = vigil;
  const tap = new FailureTap(vigil.app.get(HealthService, { strict: false }));
  const detect: number[] = [];
  const shift: number[] = [];
  const probeStart: number[] = [];
  const probeKnown: number[] = [];
  const detectOverhead: number[] = [];
  const overhead: number[] = [];
  let steadyCpu: Run['steadyCpu'] | undefined;
  // The IDC is down once more than (1 - unhealthyBelow) of its endpoints are (equal capacities); an
  // endpoint once a majority of the 3 vantages see it down; a track after 3 failures (benchConfig).
  const crossingRule = { unhealthyThreshold: 3, quorum: 2, down: Math.floor(opts.endpoints * 0.5) + 1 };
  let flood: Flood | undefined;
  try {
    const doc = benchConfig(fleet);
    doc.services![0].trafficManager = {
      type: 'webhook',
      url: gslb.url,
      secret: { secretRef: 'VIGIL_REF_BENCH_GSLB_SECRET' },
      timeout: '2s',
    };
    const actions: RuleAction[] = [{ type: 'shift-away' }];
    if (receivers) {
      // No rate limit worth the name: every notice to every channel is recorded and sent.
      const rateLimit = { max: 10_000, per: '1s' };
      doc.channels = [
        { name: 'hang', type: 'webhook', url: `${receivers.hang.url}/hook`, rateLimit },
        { name: 'error', type: 'webhook', url: `${receivers.error.url}/hook`, rateLimit },
        {
          name: 'pd',
          type: 'pagerduty',
          url: `${receivers.error.url}/v2/enqueue`,
          routingKey: { secretRef: 'VIGIL_REF_BENCH_PD_KEY' },
          rateLimit,
        },
        { name: 'slack', type: 'slack', webhookUrl: { secretRef: 'VIGIL_REF_BENCH_SLACK_URL' }, rateLimit },
      ];
      doc.notifications = { groupWait: '0s', routes: [{ channels: ['hang', 'error', 'pd', 'slack'] }] };
      actions.push({ type: 'notify', channels: ['hang', 'error', 'pd', 'slack'] });
    }
    doc.rules = [
      {
        name: 'idc-down',
        when: 'idc.state == "UNHEALTHY"',
        for: '0s',
        cooldown: '1s', // injections follow each other; the default (5m) would let one act per IDC
        mode: 'enforce',
        actions,
      },
    ];
    await vigil.putConfig(doc);
    await vigil.allHealthy(3, 60_000);
    await sleep(3000); // past the start: every track UP, the prober in its steady state
    const cpuBefore = process.cpuUsage();
    const quietStart = Date.now();
    await sleep(opts.quietS * 1000);
    const windowS = (Date.now() - quietStart) / 1000;
    const cpu = cpuSeconds(cpuBefore, process.cpuUsage());
    steadyCpu = {
      windowS: round(windowS, 1),
      cpuSeconds: round(cpu, 3),
      percentOfOneCore: round((100 * cpu) / windowS, 1),
    };

    const started = Date.now();
    for (let i = 0; i < opts.injections; i++) {
      const idc = idcs[i % idcs.length];
      const sent = gslb.applied('live').length;
      const t0 = Date.now();
      await fleet.set({ idc }, 'refused');
      const shifted = await until(
        () =>
          gslb
            .applied('live')
            .slice(sent)
            .find((c) => c.weights[idc] === 0),
        30_000,
        'the shift',
      );
      shift.push(shifted.at - t0);
      const event = await pg.query(
        `SELECT at FROM health_events WHERE kind = 'idc' AND idc = $1 AND after = 'UNHEALTHY' AND at >= $2 ORDER BY at LIMIT 1`,
        [idc, new Date(t0)],
      );
      const detectedAt = new Date(event.rows[0].at).getTime();
      detect.push(detectedAt - t0);
      const ids = new Set(
        doc.services![0].endpoints.filter((e) => e.idc === idc).map((e) => `live.${e.name}`),
      );
      const crossing = tap.crossing(ids, t0, crossingRule);
      if (crossing) {
        probeStart.push(crossing.startedAt - t0);
        probeKnown.push(Math.round(crossing.knownAt - t0));
        detectOverhead.push(Math.round(detectedAt - crossing.knownAt));
        overhead.push(Math.round(shifted.at - crossing.knownAt));
      } else {
        const events = await pg.query(
          `SELECT kind, endpoint, vantage, before, after, reason, at FROM health_events WHERE at >= $1 ORDER BY id`,
          [new Date(t0 - 10_000)],
        );
        const failures = tap.last.map((r) => `${r.endpoint}@${r.vantage}:${r.startedAt - t0}:${r.errorKind}`);
        process.stderr.write(
          `no threshold crossing found for ${idc} (injection ${i}, detection ${detectedAt - t0} ms): ` +
            `${JSON.stringify({ failures, events: events.rows.map((e) => ({ ...e, at: new Date(e.at).getTime() - t0 })) })}\n`,
        );
      }
      await fleet.set({ idc }, 'up');
      await until(() => ((gslb.weights('live')?.[idc] ?? 0) > 0 ? true : undefined), 60_000, 'the failback');
      await until(
        async () => {
          const open = await pg.query(
            `SELECT count(*) FROM actions WHERE state IN ('executing', 'awaiting-approval', 'held')`,
          );
          return Number(open.rows[0].count) === 0 ? true : undefined;
        },
        30_000,
        'no open action',
      );
      await sleep(1500); // past the cooldown
    }
    if (receivers) flood = await measureFlood(pg, env, receivers, (Date.now() - started) / 1000);
  } finally {
    await vigil.close();
    await gslb.close();
    await fleet.close();
  }
  if (!steadyCpu) throw new Error('no steady-state window');
  return {
    detect,
    shift,
    probeStart,
    probeKnown,
    detectOverhead,
    overhead,
    steadyCpu,
    ...(flood ? { flood } : {}),
  };
}

/** Counts the notifications, the attempts and the queue; throws if there was no flood to speak of. */
async function measureFlood(pg: Client, env: Env, receivers: Receivers, seconds: number): Promise<Flood> {
  const rows = await pg.query<{ channel: string; state: string; n: string; attempts: string }>(
    `SELECT channel, state, count(*) AS n, sum(attempts) AS attempts FROM notifications GROUP BY channel, state`,
  );
  const events = await pg.query<{ event: string; n: string }>(
    `SELECT event, count(*) AS n FROM notifications GROUP BY event ORDER BY event`,
  );
  const byChannel: Record<string, Record<string, number>> = {};
  let total = 0;
  let attempts = 0;
  for (const r of rows.rows) {
    (byChannel[r.channel] ??= {})[r.state] = Number(r.n);
    total += Number(r.n);
    attempts += Number(r.attempts);
  }
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.notifications, { connection, prefix: bullPrefix(env) });
  const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'completed', 'failed');
  await queue.close();
  await connection.quit();
  const flood: Flood = {
    notifications: {
      total,
      byChannel,
      byEvent: Object.fromEntries(events.rows.map((r) => [r.event, Number(r.n)])),
    },
    deliveryAttempts: {
      recorded: attempts,
      perSecond: round(attempts / seconds, 1),
      hangReceived: receivers.hang.requests.length,
      errorReceived: receivers.error.requests.length,
    },
    queue: counts,
  };
  const channels = ['hang', 'error', 'pd', 'slack'];
  if (total < 10 || channels.some((c) => !byChannel[c]) || receivers.hang.requests.length === 0)
    throw new Error(`no notification flood: ${JSON.stringify(flood)}`);
  return flood;
}

const figures = (r: Run) => ({
  detectionMs: latencySummary(r.detect),
  firstShiftMs: latencySummary(r.shift),
  /** The floor: the start of the failed probe that crossed the threshold, and when its result was known. */
  crossingProbeStartMs: latencySummary(r.probeStart),
  crossingProbeKnownMs: latencySummary(r.probeKnown),
  /** Vigil's own pipeline after that result: to the UNHEALTHY event, and to the first shift. */
  detectionOverheadMs: latencySummary(r.detectOverhead),
  overheadMs: latencySummary(r.overhead),
  steadyCpu: r.steadyCpu,
});
const samples = (r: Run) => ({
  detectionMs: r.detect,
  firstShiftMs: r.shift.map((x) => round(x, 0)),
  crossingProbeStartMs: r.probeStart,
  overheadMs: r.overhead,
});

async function main() {
  if (adapter === 'haproxy') {
    if (notifyMode) throw new Error('--notify and --adapter haproxy are separate benchmarks');
    process.stdout.write(`${JSON.stringify(await haproxyBenchmark(), null, 2)}\n`);
    return;
  }
  if (adapter !== 'webhook')
    throw new Error(`--adapter must be webhook (the default) or haproxy, got ${adapter}`);
  const opts = flags({ injections: '20', endpoints: '10', 'quiet-s': '20' });
  const runOpts = {
    injections: Number(opts.injections),
    endpoints: Number(opts.endpoints),
    quietS: Number(opts['quiet-s']),
  };
  const setup = {
    injections: Number(opts.injections),
    idcs: 3,
    endpointsPerIdc: Number(opts.endpoints),
    interval: '1s',
    unhealthyThreshold: 3,
    for: '0s',
  };
  const machine = { cpus: cpus().length, node: process.version };
  const baseline = await run(runOpts);
  const b = figures(baseline);
  if (!notifyMode) {
    const report = {
      benchmark: 'failover',
      machine,
      setup: { ...setup, injections: baseline.detect.length },
      ...b,
      targets: {
        firstShiftP99Ms: 4500,
        firstShiftP50Ms: 2700,
        firstShiftP99FloorMs: 3200,
        overheadP99Ms: 150,
      },
      met: {
        firstShiftP99: b.firstShiftMs.p99 <= 4500,
        firstShiftP50Floor: b.firstShiftMs.p50 <= 2700,
        firstShiftP99Floor: b.firstShiftMs.p99 <= 3200,
        overheadP99: b.overheadMs.p99 <= 150,
      },
      samples: samples(baseline),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }

  const receivers: Receivers = {
    hang: await startReceiver({ status: 200, delayMs: NOTIFY.hangMs }),
    error: await startReceiver({ status: 500 }),
    slackUrl: `${await refusingUrl()}/services/T000/B000/bench`,
  };
  let notified: Run;
  try {
    notified = await run(runOpts, receivers);
  } finally {
    await receivers.hang.close();
    await receivers.error.close();
  }
  const n = figures(notified);
  const ratio = (a: number, z: number) => round(a / z, 3);
  const report = {
    benchmark: 'failover-notify',
    machine,
    setup: {
      ...setup,
      notify: {
        channels: {
          hang: `webhook answering 200 after ${NOTIFY.hangMs} ms`,
          error: 'webhook answering 500',
          pd: 'pagerduty answering 500',
          slack: 'slack, connection refused',
        },
        groupWait: '0s',
        routes: 'every event to every channel, and the rule notifies them too',
        rateLimit: '10000 per 1s',
        VIGIL_NOTIFY_ATTEMPTS: Number(NOTIFY.attempts),
        VIGIL_NOTIFY_BACKOFF_MS: Number(NOTIFY.backoffMs),
      },
    },
    baseline: b,
    notify: n,
    ratioNotifyToBaseline: {
      detectionP50: ratio(n.detectionMs.p50, b.detectionMs.p50),
      detectionP99: ratio(n.detectionMs.p99, b.detectionMs.p99),
      firstShiftP50: ratio(n.firstShiftMs.p50, b.firstShiftMs.p50),
      firstShiftP99: ratio(n.firstShiftMs.p99, b.firstShiftMs.p99),
    },
    flood: notified.flood,
    targets: { firstShiftP99Ms: 4500 },
    met: {
      baselineFirstShiftP99: b.firstShiftMs.p99 <= 4500,
      notifyFirstShiftP99: n.firstShiftMs.p99 <= 4500,
    },
    samples: { baseline: samples(baseline), notify: samples(notified) },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:failover failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
