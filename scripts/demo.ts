/**
 * `npm run demo`: starts Vigil with every role on this machine's Redis and Postgres and a simulated
 * fleet of three IDCs on loopback, then works as an operator would with the `vigil` CLI: plan and
 * apply the config, see the status, watch the probes from every IDC, take one IDC down and see it
 * in the probes, get one signed notification for the outage (not one per endpoint) and its resolve,
 * take it down again (shifted as fast, failback backed off to twice the recovery hold), and see a
 * broken config refused with every bad path named. `--keep` leaves it all running for
 * manual play, and prints the web console's URL and an operator key to sign in with.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '@apps/cli';
import { roleFeatures } from '@apps/vigil';
import { EnvError, loadEnv } from '@libs/config';
import { fleetConfig, startFleet, startTrafficManager } from '@libs/fleet';
import Redis from 'ioredis';
import { Client } from 'pg';
import { createVigilApp } from '@libs/runtime';
import { notifyLine, startNotificationReceiver, type Arrival } from './demo-receiver';

/**
 * The demo keeps to its own database (`vigil_demo` on the server of DATABASE_URL) and Redis prefix,
 * and starts both empty, so it tells the same story every time and never touches real data.
 */
async function freshDemoDatabase(databaseUrl: string): Promise<string> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query('DROP DATABASE IF EXISTS vigil_demo WITH (FORCE)');
  await client.end();
  const demo = new URL(databaseUrl);
  demo.pathname = '/vigil_demo';
  return demo.toString();
}

/**
 * Same for its Redis keys: a run stopped mid-outage would otherwise leave the next one its leases,
 * queues and the notifier's open incidents (an "already notified" szx would send no trigger).
 */
async function freshDemoRedis(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const bold = (text: string) => `\n\x1b[1m${text}\x1b[0m\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Notifications of `event` (and `phase`, if given). */
const count = (items: Array<{ event: string; phase: string }>, event: string, phase?: string) =>
  items.filter((n) => n.event === event && (phase === undefined || n.phase === phase)).length;

/** Probe counts per vantage and result from Vigil's own /metrics. */
function probeTable(metrics: string): string {
  const rows = new Map<string, Map<string, number>>();
  for (const m of metrics.matchAll(
    /^vigil_probes_total\{vantage="([^"]+)",type="[^"]+",result="([^"]+)"\} (\d+)/gm,
  )) {
    const row = rows.get(m[1]) ?? new Map<string, number>();
    row.set(m[2], (row.get(m[2]) ?? 0) + Number(m[3]));
    rows.set(m[1], row);
  }
  const results = [...new Set([...rows.values()].flatMap((r) => [...r.keys()]))].sort();
  const lines = [['VANTAGE', ...results.map((r) => r.toUpperCase())]];
  for (const [vantage, row] of [...rows].sort())
    lines.push([vantage, ...results.map((r) => String(row.get(r) ?? 0))]);
  return lines
    .map((cells) => cells.map((c, i) => (i === 0 ? c.padEnd(9) : c.padStart(9))).join(''))
    .join('\n');
}

interface Status {
  services: Array<{
    service: string;
    idcs: Array<{ idc: string; state: string; score: number; healthyRatio: number; weight: number }>;
  }>;
}

/** Per IDC: state, score and healthy capacity from GET /api/v1/status, and the weight the GSLB has now. */
function statusTable(status: Status, weights?: Record<string, number>): string {
  const lines = [['SERVICE', 'IDC', 'STATE', 'SCORE', 'HEALTHY', 'WEIGHT']];
  for (const s of status.services) {
    for (const i of s.idcs)
      lines.push([
        s.service,
        i.idc,
        i.state,
        String(i.score),
        `${Math.round(i.healthyRatio * 100)}%`,
        `${weights ? (weights[i.idc] ?? 0) : i.weight}%`,
      ]);
  }
  return lines.map((cells) => cells.map((c) => c.padEnd(11)).join('')).join('\n');
}

interface NotificationPage {
  items: Array<{ event: string; phase: string; state: string; labels: Record<string, string> }>;
}

/** Every action whose proposal arrived has its outcome too (executed, failed, held...). */
function actionsSettled(arrivals: readonly Arrival[]): boolean {
  const proposed = arrivals.filter((a) => a.notice.event === 'action.proposed');
  return proposed.every(({ notice }) =>
    arrivals.some(
      (a) => a.notice.labels.action === notice.labels.action && a.notice.event !== 'action.proposed',
    ),
  );
}

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const token = process.env.VIGIL_ADMIN_TOKEN ?? `demo-${randomBytes(16).toString('hex')}`;
  const base = loadEnv({ LOG_LEVEL: 'error', ...process.env, VIGIL_ADMIN_TOKEN: token });
  const env = loadEnv({
    LOG_LEVEL: 'error',
    ...process.env,
    VIGIL_ADMIN_TOKEN: token,
    VIGIL_REDIS_PREFIX: 'vigil-demo',
    DATABASE_URL: await freshDemoDatabase(base.DATABASE_URL),
  });
  await freshDemoRedis(env.REDIS_URL, env.VIGIL_REDIS_PREFIX);
  const url = `http://127.0.0.1:${env.PORT}`;
  let downAt = 0;
  const since = () => (downAt ? `+${((Date.now() - downAt) / 1000).toFixed(1)}s ` : '');
  // The on-call side: a signed webhook that checks every signature (the secret reaches Vigil by secretRef).
  const hookSecret = randomBytes(16).toString('hex');
  process.env.VIGIL_REF_DEMO_HOOK_SECRET = hookSecret;
  const receiver = await startNotificationReceiver(hookSecret, {
    arrived: (arrival) => process.stdout.write(`\n${since()}${notifyLine(arrival)}\n`),
    refused: (reason) => process.stdout.write(`\n${since()}notify  REFUSED: ${reason}\n`),
  });
  // Fixed ports below the ephemeral range: a port closed for "refused" cannot be taken meanwhile.
  const fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 24100 });
  const app = await createVigilApp(env, roleFeatures(env));
  await app.listen(env.PORT, '127.0.0.1');
  const io = { env: { ...process.env, VIGIL_URL: url, VIGIL_TOKEN: token } };
  const vigil = async (title: string, ...args: string[]) => {
    process.stdout.write(bold(`$ vigil ${args.join(' ')}   # ${title}`));
    return run(['node', 'vigil', ...args], io);
  };
  const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const metrics = async () => (await get('/metrics')).text();
  const status = async () => (await (await get('/api/v1/status')).json()) as Status;

  const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  const file = join(dir, 'fleet.yaml');
  // The GSLB that Vigil steers: a fake one on loopback that checks signatures and dedupes steps.
  const gslbSecret = randomBytes(16).toString('hex');
  process.env.VIGIL_REF_DEMO_GSLB_SECRET = gslbSecret;
  const gslb = await startTrafficManager({ secret: gslbSecret });
  const config = {
    ...fleetConfig(fleet, {
      service: 'live-edge',
      interval: '1s',
      timeout: '500ms',
      unhealthyThreshold: 3,
      policy: {
        maxStepPercent: 10,
        stepInterval: '1s',
        recoveryHold: '5s',
        cooldown: '5s',
        maxUtilization: 0.9,
        // Two drills within a minute are not the flapping that damping is for (the backoff counts them).
        flapping: { maxTransitions: 10 },
      },
    }),
    rules: [
      {
        name: 'idc-down',
        description: 'Move live traffic out of an IDC whose edges are failing.',
        when: 'idc.state == "UNHEALTHY"',
        for: '0s',
        mode: 'enforce',
        actions: [{ type: 'shift-away' }],
      },
    ],
    channels: [
      {
        name: 'on-call',
        type: 'webhook',
        url: receiver.url,
        secret: { secretRef: 'VIGIL_REF_DEMO_HOOK_SECRET' },
      },
    ],
    // A short groupWait keeps the demo quick; endpoints failing together still send one notice.
    notifications: { groupWait: '3s', routes: [{ channels: ['on-call'] }] },
  };
  const service = config.services![0];
  service.weights = { sha: 40, bjs: 40, szx: 20 };
  service.trafficManager = {
    type: 'webhook',
    url: gslb.url,
    secret: { secretRef: 'VIGIL_REF_DEMO_GSLB_SECRET' },
  };
  writeFileSync(file, stringify(config));

  let failed = 0;
  // `plan` exits 3 when applying would change something, which it must here.
  failed += (await vigil('what would change', 'plan', '-f', file)) === 3 ? 0 : 1;
  failed += await vigil('apply it as a new version', 'apply', '-f', file, '-m', 'demo fleet');
  failed += await vigil('what Vigil now watches', 'status');

  await sleep(4000);
  process.stdout.write(bold('Probes so far: every endpoint, every second, from every IDC'));
  process.stdout.write(`${probeTable(await metrics())}\n`);
  process.stdout.write(bold('Health (GET /api/v1/status)'));
  process.stdout.write(`${statusTable(await status())}\n`);

  // Take szx down and watch Vigil detect it, shift its traffic away step by step, and fail back.
  downAt = Date.now();
  await fleet.set({ idc: 'szx' }, 'refused');
  process.stdout.write(bold('szx goes down (its listeners close)...'));
  const shown = new Set<string>();
  const watch = async (until: () => boolean, maxMs: number) => {
    for (const end = Date.now() + maxMs; Date.now() < end && !until();) {
      await sleep(500);
      const table = statusTable(await status(), gslb.weights('live-edge'));
      if (!shown.has(table)) {
        shown.add(table);
        process.stdout.write(`\n+${((Date.now() - downAt) / 1000).toFixed(1)}s\n${table}\n`);
      }
    }
  };
  const szxNotice = (phase: string) =>
    receiver.arrivals.find(
      ({ notice }) => notice.event === 'idc.state' && notice.phase === phase && notice.labels.idc === 'szx',
    );
  // Heard, or no use waiting: a refused signature fails the delivery for good.
  const heard = (phase: string) => szxNotice(phase) !== undefined || receiver.refused.length > 0;
  // szx stays down until its notification is out (groupWait after detection), else it would be a blip.
  await watch(() => gslb.weights('live-edge')?.szx === 0 && heard('trigger'), 30_000);
  const shiftedAt = gslb.applied('live-edge')[0]?.at;
  const upAt = Date.now();
  await fleet.set({ idc: 'szx' }, 'up');
  process.stdout.write(
    bold('szx comes back; Vigil waits for the recovery hold (5s), then fails back in steps...'),
  );
  await watch(() => gslb.weights('live-edge')?.szx === 20 && heard('resolve'), 40_000);
  const backAt = Date.now();
  // The last action notices follow the last step by a notifier tick: wait for them, and for delivery.
  const notifications = async () =>
    (await (await get('/api/v1/notifications?channel=on-call&limit=1000')).json()) as NotificationPage;
  for (const end = Date.now() + 10_000; Date.now() < end; await sleep(250)) {
    const page = await notifications();
    if (actionsSettled(receiver.arrivals) && page.items.every((n) => n.state !== 'pending')) break;
  }
  const sent = (await notifications()).items;
  const endpointChanges = (
    (await (
      await get(`/api/v1/events?kind=endpoint&idc=szx&limit=1000&from=${new Date(downAt).toISOString()}`)
    ).json()) as { items: unknown[] }
  ).items.length;
  const events = (await (await get('/api/v1/events?kind=idc&idc=szx&limit=10')).json()) as {
    items: Array<{ after: string; at: string }>;
  };
  const detectedAt = events.items
    .map((e) => ({ ...e, t: new Date(e.at).getTime() }))
    .filter((e) => e.after === 'UNHEALTHY' && e.t >= downAt)
    .at(-1)?.t;
  const steps = gslb.applied('live-edge');
  process.stdout.write(
    bold('Summary') +
      [
        `time to detection:     ${detectedAt ? ((detectedAt - downAt) / 1000).toFixed(1) : '?'} s (interval 1s x unhealthyThreshold 3)`,
        `time to first shift:   ${shiftedAt ? ((shiftedAt - downAt) / 1000).toFixed(1) : '?'} s`,
        `steps sent to the GSLB: ${steps.length} (${steps.map((c) => `szx ${c.weights.szx}%`).join(' -> ')})`,
        `failback completed:    ${((backAt - upAt) / 1000).toFixed(1)} s after szx came back`,
        `storm control:         ${endpointChanges} endpoint changes -> ${count(sent, 'idc.state', 'trigger')} IDC notification + ${count(sent, 'idc.state', 'resolve')} resolve (${count(sent, 'endpoint.state')} per endpoint)`,
        `notifications sent:    ${sent.length} to on-call (${sent.filter((n) => n.event.startsWith('action.')).length} action notices), ${sent.filter((n) => n.state === 'delivered').length} delivered`,
        `signatures:            ${receiver.refused.length ? `${receiver.refused.length} of ${receiver.requests} requests REFUSED (${receiver.refused[0]})` : `all ${receiver.requests} requests verified`}`,
      ].join('\n') +
      '\n',
  );
  if (gslb.weights('live-edge')?.szx !== 20) failed += 1;
  if (receiver.refused.length || !szxNotice('trigger') || !szxNotice('resolve')) failed += 1;
  failed += await secondOutage();
  failed += await vigil('the state after the drill', 'status');

  /**
   * szx fails again within the hour. Damping delays the way back, never the way out: the shift comes
   * as fast as the first one (no cooldown holds it), and the failback waits twice the recovery hold.
   */
  async function secondOutage(): Promise<number> {
    downAt = Date.now();
    const downAgainAt = downAt;
    await fleet.set({ idc: 'szx' }, 'refused');
    process.stdout.write(bold('szx fails again: the way out is never damped...'));
    await watch(() => gslb.weights('live-edge')?.szx === 0, 30_000);
    const shifted = gslb.applied('live-edge').find((c) => c.at >= downAgainAt)?.at;
    const upAgainAt = Date.now();
    await fleet.set({ idc: 'szx' }, 'up');
    process.stdout.write(bold('szx comes back: its failback now backs off (second outage within 1h)...'));
    type Hold = { holdMs: number; explanation: string; healthySince?: string };
    const hold = async () =>
      ((await (await get('/api/v1/services/live-edge/traffic')).json()) as { failback: Record<string, Hold> })
        .failback.szx;
    let held: Hold | undefined;
    for (const end = Date.now() + 20_000; Date.now() < end && !held?.healthySince; await sleep(250))
      held = await hold();
    process.stdout.write(`
GET /api/v1/services/live-edge/traffic: szx ${JSON.stringify(held)}
`);
    await watch(() => gslb.weights('live-edge')?.szx === 20, 60_000);
    // The status snapshot follows the last step within a second: let `vigil status` show the end.
    for (const end = Date.now() + 5_000; Date.now() < end; await sleep(250)) {
      const szx = (await status()).services[0]?.idcs.find((i) => i.idc === 'szx');
      if (szx?.weight === 20) break;
    }
    const back = gslb.applied('live-edge').find((c) => c.at >= upAgainAt && c.weights.szx > 0)?.at;
    const healthySince = held?.healthySince ? new Date(held.healthySince).getTime() : undefined;
    process.stdout.write(
      bold('Second outage') +
        [
          `time to first shift:   ${shifted ? ((shifted - downAgainAt) / 1000).toFixed(1) : '?'} s (as fast as the first: no damping on the way out)`,
          `failback hold:         ${held ? `${held.holdMs / 1000} s (${held.explanation})` : '?'}`,
          `failback started:      ${back && healthySince ? ((back - healthySince) / 1000).toFixed(1) : '?'} s after szx was HEALTHY again`,
        ].join('\n') +
        '\n',
    );
    const ok =
      shifted !== undefined &&
      held?.holdMs === 10_000 &&
      back !== undefined &&
      healthySince !== undefined &&
      back - healthySince >= held.holdMs &&
      gslb.weights('live-edge')?.szx === 20;
    return ok ? 0 : 1;
  }

  const broken = structuredClone(config) as {
    services: Array<{ endpoints: Array<{ idc: string }>; checks: Array<{ timeout?: string }> }>;
  };
  broken.services[0].endpoints[2].idc = 'shx';
  broken.services[0].checks[0].timeout = '10s';
  const brokenFile = join(dir, 'broken.yaml');
  writeFileSync(brokenFile, stringify(broken));
  if ((await vigil('a broken copy is refused, nothing changes', 'apply', '-f', brokenFile)) === 0)
    failed += 1;
  failed += await vigil('history', 'versions');

  if (keep) {
    // The bootstrap admin token cannot sign in to the console: a named operator key can.
    const created = await fetch(`${url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'demo-operator', role: 'operator' }),
    });
    if (created.status !== 201) throw new Error(`creating the console key: ${created.status}`);
    const { token: consoleKey } = (await created.json()) as { token: string };
    process.stdout.write(
      `\nVigil is running at ${url} (OpenAPI: ${url}/docs), probing a simulated fleet.\n` +
        `Console: ${url}/ (sign in with the operator API key ${consoleKey})\n` +
        `export VIGIL_URL=${url} VIGIL_TOKEN=${token}\nPress Ctrl-C to stop.\n`,
    );
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await app.close();
  await receiver.close();
  await gslb.close();
  await fleet.close();
  process.stdout.write(failed === 0 ? '\nDemo finished.\n' : '\nDemo finished with errors.\n');
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `demo: ${err instanceof EnvError ? err.message : ((err as Error).stack ?? String(err))}\n`,
    );
    process.exit(1);
  },
);
