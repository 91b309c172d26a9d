/**
 * `npm run bench:failover -- --injections 20`
 *
 * Vigil with every role (in this process), a simulated fleet of 3 IDCs and a fake traffic manager
 * (GSLB). Check interval 1 s, unhealthyThreshold 3, a rule `idc.state == "UNHEALTHY"` with `for: 0s`
 * in enforce mode. Each injection takes one IDC down (its listeners close) and measures the time
 * from the fault to the IDC's UNHEALTHY event (detection) and to the first shift call the traffic
 * manager receives; then brings it back and waits for the failback. Prints JSON with p50 / p99.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import Redis from 'ioredis';
import { Client } from 'pg';
import { roleModules } from '@apps/api';
import { loadEnv, type ConfigInput } from '@libs/config';
import { fleetConfig, startFleet, startTrafficManager } from '@libs/fleet';
import { createVigilApp } from '@libs/runtime';
import { flags, latencySummary, round } from './stats';

const opts = flags({ injections: '20', endpoints: '10' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

async function main() {
  const id = randomBytes(4).toString('hex');
  const secret = `bench-${id}`;
  process.env.VIGIL_BENCH_GSLB_SECRET = secret;
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
  });
  const idcs = ['sha', 'bjs', 'szx'];
  const fleet = await startFleet({ idcs, endpointsPerIdc: Number(opts.endpoints), basePort: 25000 });
  const gslb = await startTrafficManager({ secret });
  const app = await createVigilApp(env, roleModules(env));
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const pg = new Client({ connectionString: env.DATABASE_URL });
  await pg.connect();
  const detect: number[] = [];
  const shift: number[] = [];
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
        // Injections come back to back: they are not the flapping that damping is for.
        flapping: { maxTransitions: 1000, window: '1m', hold: '1s' },
      },
    }) as ConfigInput & { rules?: unknown[] };
    doc.services![0].trafficManager = {
      type: 'webhook',
      url: gslb.url,
      secret: { secretRef: 'VIGIL_BENCH_GSLB_SECRET' },
      timeout: '2s',
    };
    doc.rules = [
      {
        name: 'idc-down',
        when: 'idc.state == "UNHEALTHY"',
        for: '0s',
        cooldown: '1s', // injections follow each other; the default (5m) would let one act per IDC
        mode: 'enforce',
        actions: [{ type: 'shift-away' }],
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
  const d = latencySummary(detect);
  const s = latencySummary(shift);
  const report = {
    benchmark: 'failover',
    machine: { cpus: cpus().length, node: process.version },
    setup: {
      injections: detect.length,
      idcs: 3,
      endpointsPerIdc: Number(opts.endpoints),
      interval: '1s',
      unhealthyThreshold: 3,
      for: '0s',
    },
    detectionMs: d,
    firstShiftMs: s,
    targets: { firstShiftP99Ms: 4500 },
    met: { firstShiftP99: s.p99 <= 4500 },
    samples: { detectionMs: detect, firstShiftMs: shift.map((x) => round(x, 0)) },
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
