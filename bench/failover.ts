/**
 * `npm run bench:failover -- --injections 20`
 * `npm run bench:failover:notify -- --injections 20` (`node dist/bench/failover.js --notify`)
 *
 * Vigil with every role (in this process), a simulated fleet of 3 IDCs and a fake traffic manager
 * (GSLB). Check interval 1 s, unhealthyThreshold 3, a rule `idc.state == "UNHEALTHY"` with `for: 0s`
 * in enforce mode. Each injection takes one IDC down (its listeners close) and measures the time
 * from the fault to the IDC's UNHEALTHY event (detection) and to the first shift call the traffic
 * manager receives; then brings it back and waits for the failback. Prints JSON with p50 / p99.
 *
 * `--notify` runs that twice in one invocation, each with a fresh Vigil: first plain (the baseline),
 * then with notification channels as bad as they come (a webhook that answers after 9 s, one and a
 * PagerDuty channel that answer 500 so every notification is retried, a Slack channel whose port
 * refuses connections), groupWait 0s, every event routed to every channel, the rule notifying too,
 * retries 10 ms apart and doubling. It prints both runs, the notification flood (rows, delivery
 * attempts, the queue) and the ratio of the notify run's figures to the baseline's.
 */
import 'reflect-metadata';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import Redis from 'ioredis';
import { Client } from 'pg';
import { roleFeatures } from '@apps/vigil';
import { loadEnv, type ConfigInput } from '@libs/config';
import {
  fleetConfig,
  refusingUrl,
  startFleet,
  startReceiver,
  startTrafficManager,
  type Receiver,
} from '@libs/fleet';
import { bullPrefix, QUEUES } from '@libs/queue';
import { createVigilApp } from '@libs/runtime';

import { flags, latencySummary, round } from './stats';

// `--notify` takes no value, which flags() does not know: take it out first.
const notifyMode = process.argv.includes('--notify');
if (notifyMode) process.argv.splice(process.argv.indexOf('--notify'), 1);
const opts = flags({ injections: '20', endpoints: '10' });
type RuleAction = NonNullable<ConfigInput['rules']>[number]['actions'][number];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The notify run's delivery settings (the env may override them). */
const NOTIFY = {
  hangMs: 9000,
  attempts: process.env.VIGIL_NOTIFY_ATTEMPTS ?? '10',
  backoffMs: process.env.VIGIL_NOTIFY_BACKOFF_MS ?? '10',
};

async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

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
  flood?: Flood;
}

/** One bench run with a fresh Vigil; `receivers` adds the notification channels. */
async function run(receivers?: Receivers): Promise<Run> {
  const id = randomBytes(4).toString('hex');
  const secret = `bench-${id}`;
  process.env.VIGIL_REF_BENCH_GSLB_SECRET = secret;
  if (receivers) {
    process.env.VIGIL_REF_BENCH_SLACK_URL = receivers.slackUrl;
    process.env.VIGIL_REF_BENCH_PD_KEY = `bench-routing-${id}`;
  }
  const base = loadEnv();
  const db = new URL(base.DATABASE_URL);
  db.pathname = `/vigil_bench_${id}`;
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const env = loadEnv({
    ...process.env,
    DATABASE_URL: db.toString(),
    VIGIL_REDIS_PREFIX: `vigil-bench-${id}`,
    VIGIL_ADMIN_TOKEN: token,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    PORT: '0',
    ...(receivers
      ? { VIGIL_NOTIFY_ATTEMPTS: NOTIFY.attempts, VIGIL_NOTIFY_BACKOFF_MS: NOTIFY.backoffMs }
      : {}),
  });
  const idcs = ['sha', 'bjs', 'szx'];
  const fleet = await startFleet({ idcs, endpointsPerIdc: Number(opts.endpoints), basePort: 25000 });
  const gslb = await startTrafficManager({ secret });
  const app = await createVigilApp(env, roleFeatures(env));
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const pg = new Client({ connectionString: env.DATABASE_URL });
  await pg.connect();
  const detect: number[] = [];
  const shift: number[] = [];
  let flood: Flood | undefined;
  try {
    const doc = fleetConfig(fleet, {
      service: 'live',
      interval: '1s',
      timeout: '500ms',
      unhealthyThreshold: 3,
      healthyThreshold: 2,
      policy: {
        maxStepPercent: 100,
        stepInterval: '1s',
        recoveryHold: '2s',
        cooldown: '1s',
        maxActionsPerHour: 1000,
        maxUtilization: 1,
        // Injections come back to back: they are not the flapping that damping (and the failback
        // backoff, held at recoveryHold by maxHold) is for.
        flapping: { maxTransitions: 1000, window: '1m', hold: '1s' },
        failbackBackoff: { maxHold: '2s' },
      },
    }) as ConfigInput;
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
    const put = await fetch(`${url}/api/v1/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(doc),
    });
    if (!put.ok) throw new Error(await put.text());
    const healthyCount = async () =>
      Number(
        (
          await pg.query(
            `SELECT count(*) FROM health_events WHERE kind = 'idc' AND after = 'HEALTHY' AND before = 'UNKNOWN'`,
          )
        ).rows[0].count,
      );
    await until(async () => ((await healthyCount()) === 3 ? true : undefined), 60_000, 'every IDC HEALTHY');

    const started = Date.now();
    for (let i = 0; i < Number(opts.injections); i++) {
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
      detect.push(new Date(event.rows[0].at).getTime() - t0);
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
    await pg.end();
    await app.close();
    await gslb.close();
    await fleet.close();
    const admin = new Client({ connectionString: base.DATABASE_URL.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "vigil_bench_${id}" WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(base.REDIS_URL);
    const keys = await redis.keys(`vigil-bench-${id}:*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    await redis.quit();
  }
  return { detect, shift, ...(flood ? { flood } : {}) };
}

/** Counts the notifications, the attempts and the queue; throws if there was no flood to speak of. */
async function measureFlood(
  pg: Client,
  env: ReturnType<typeof loadEnv>,
  receivers: Receivers,
  seconds: number,
): Promise<Flood> {
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
});
const samples = (r: Run) => ({ detectionMs: r.detect, firstShiftMs: r.shift.map((x) => round(x, 0)) });

async function main() {
  const setup = {
    injections: Number(opts.injections),
    idcs: 3,
    endpointsPerIdc: Number(opts.endpoints),
    interval: '1s',
    unhealthyThreshold: 3,
    for: '0s',
  };
  const machine = { cpus: cpus().length, node: process.version };
  const baseline = await run();
  const b = figures(baseline);
  if (!notifyMode) {
    const report = {
      benchmark: 'failover',
      machine,
      setup: { ...setup, injections: baseline.detect.length },
      ...b,
      targets: { firstShiftP99Ms: 4500 },
      met: { firstShiftP99: b.firstShiftMs.p99 <= 4500 },
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
    notified = await run(receivers);
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
