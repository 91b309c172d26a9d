/**
 * `npm run bench:failover -- --adapter haproxy [--injections 3] [--fault refused|reset|hang]
 *   [--endpoints 3] [--rate 500] [--connections 10 (hang: = rate)] [--outage 10000]`
 *
 * Client traffic through a real HAProxy in front of a simulated fleet of 3 IDCs (in its own process),
 * while one IDC fails. Two runs, same fleet, same fault:
 * - `haproxy-checks`: Vigil off; HAProxy's own health checks (`check inter 1s fall 3 rise 2`, HTTP);
 * - `vigil`: HAProxy without checks; Vigil (checks every 1 s, unhealthyThreshold 3, the idc-down rule
 *   in enforce) sets the servers' weights through the haproxy adapter (Runtime API).
 * Both: `balance roundrobin`, `retries 2`, `option redispatch`, `timeout server 2s`. HAProxy's checks
 * have Vigil's timeout (500 ms). autocannon (its own process) sends a
 * fixed rate through the frontend; each response names its endpoint, hence its IDC. HAProxy's server
 * counters (`show stat`, every 100 ms) show when streams stop reaching the failed IDC, which a client
 * cannot see when the connection was refused and redispatched.
 */
import { cpus } from 'node:os';
import { spawnFleet, type FleetEndpoint, type ModeInput, type RemoteFleet } from '@libs/fleet';
import { startHaproxy, type HaproxyOptions } from '../test/support/haproxy';
import { failed, startClientLoad, type ClientLoad, type Response } from './client-load';
import { HaproxyWatch, type ServerSample } from './haproxy-watch';
import { flags, latencySummary, percentile, round } from './stats';
import {
  BENCH_POLICY,
  benchConfig,
  sleep,
  startInProcessVigil,
  until,
  type InProcessVigil,
} from './vigil-in-process';

type RunKind = 'haproxy-checks' | 'vigil';
const IDCS = ['sha', 'bjs', 'szx'];
/** Ports: HAProxy's frontend 27600; the fleet's endpoints 27610 + j on each IDC address. */
const FRONTEND_PORT = 27600;
const BASE_PORT = 27610;
const BACKEND = 'be_live';
const FAULTS: Record<string, ModeInput> = { refused: 'refused', reset: 'reset', hang: 'hang' };
/** Settings both runs share (HAProxy's are in haproxyOptions). */
const HAPROXY_COMMON = {
  balance: 'roundrobin',
  retries: 2,
  redispatch: true,
  serverTimeoutMs: 2000,
} as const;
/** HAProxy's checks as Vigil's: every 1 s, 500 ms timeout, 3 to fall, 2 to rise, GET /healthz. */
const HAPROXY_CHECK = { interMs: 1000, fall: 3, rise: 2, httpPath: '/healthz', timeoutMs: 500 } as const;
/** Seconds of steady load before the first fault (the per-second table starts there). */
const LEAD_S = 3;
/** After the IDC answers clients again: the settle before the next fault (past Vigil's 1 s cooldown). */
const SETTLE_MS = 2000;

interface Options {
  injections: number;
  endpoints: number;
  fault: string;
  rate: number;
  connections: number;
  outageMs: number;
}

/** One injection: times are epoch ms. */
interface Injection {
  idc: string;
  t0: number;
  /** HAProxy took every server of the IDC out: DOWN by its checks, or weight 0 from Vigil. */
  out: number;
  up: number;
  /** Every server of the IDC back: UP by its checks, or a weight > 0 from Vigil. */
  back: number;
  end: number;
  /** Vigil only. */
  detected?: number;
  shift?: { appliedAt: number; readBack: 'agreed' | string; actual: unknown };
}

interface RunResult {
  kind: RunKind;
  haproxyConfig: string;
  injections: Injection[];
  responses: Response[];
  watch: HaproxyWatch;
}

function parseOptions(): Options {
  const o = flags({
    injections: '3',
    endpoints: '3',
    fault: 'refused',
    rate: '500',
    connections: 'auto',
    outage: '10000',
  });
  const int = (name: keyof typeof o, min: number, max: number) => {
    const n = Number(o[name]);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${o[name]}`);
    return n;
  };
  if (!(o.fault in FAULTS)) throw new Error(`--fault must be refused, reset or hang, got ${o.fault}`);
  const rate = int('rate', 10, 5000);
  // A hung request holds its connection until `timeout server`: few connections would stall the
  // load (closed loop), so a hang gets one connection per request per second.
  const connections =
    o.connections === 'auto' ? (o.fault === 'hang' ? rate : 10) : int('connections', 1, 5000);
  // autocannon splits the rate over the connections; one with a share of 0 would send unlimited.
  if (connections > rate) throw new Error(`--connections (${connections}) must not exceed --rate (${rate})`);
  return {
    injections: int('injections', 1, 100),
    endpoints: int('endpoints', 1, 40), // ports 27610-27649
    fault: o.fault,
    rate,
    connections,
    outageMs: int('outage', 5000, 120_000),
  };
}

function haproxyOptions(kind: RunKind, endpoints: readonly FleetEndpoint[]): HaproxyOptions {
  return {
    frontendPort: FRONTEND_PORT,
    backend: BACKEND,
    servers: endpoints.map((e) => ({ name: e.id, address: e.address })),
    ...HAPROXY_COMMON,
    ...(kind === 'haproxy-checks' ? { check: HAPROXY_CHECK } : {}),
  };
}

/** Vigil watching the fleet, acting on HAProxy: like the default failover benchmark, adapter haproxy. */
async function startVigil(fleet: RemoteFleet, runtimeApi: string[]): Promise<InProcessVigil> {
  const vigil = await startInProcessVigil();
  try {
    const doc = benchConfig(fleet);
    doc.services![0].trafficManager = { type: 'haproxy', runtimeApi, backend: BACKEND };
    doc.rules = [
      {
        name: 'idc-down',
        when: 'idc.state == "UNHEALTHY"',
        for: '0s',
        cooldown: '1s',
        mode: 'enforce',
        actions: [{ type: 'shift-away' }],
      },
    ];
    await vigil.putConfig(doc);
    await vigil.allHealthy(IDCS.length, 60_000);
    return vigil;
  } catch (error) {
    await vigil.close();
    throw error;
  }
}

/** Vigil's first step that took `idc` to 0 after t0: when the adapter confirmed it, and its read-back. */
async function firstShift(vigil: InProcessVigil, idc: string, t0: number) {
  const row = await until(
    async () =>
      (
        await vigil.pg.query<{
          state: string;
          result: { appliedAt?: number; readBack?: { mismatch?: string } };
        }>(
          `SELECT s.state, s.result FROM action_steps s JOIN actions a ON a.id = s.action_id
           WHERE a.idc = $1 AND a.created_at >= $2 AND (s.weights->>$1)::float = 0
             AND s.state IN ('applied', 'failed') ORDER BY s.started_at LIMIT 1`,
          [idc, new Date(t0)],
        )
      ).rows[0],
    30_000,
    `Vigil's shift away from ${idc}`,
  );
  if (row.result.appliedAt === undefined) throw new Error(`the shift failed: ${JSON.stringify(row.result)}`);
  const actual = (await vigil.pg.query(`SELECT actual FROM service_traffic WHERE service = 'live'`)).rows[0]
    ?.actual as unknown;
  const detected = (
    await vigil.pg.query<{ at: Date }>(
      `SELECT at FROM health_events WHERE kind = 'idc' AND idc = $1 AND after = 'UNHEALTHY' AND at >= $2 ORDER BY at LIMIT 1`,
      [idc, new Date(t0)],
    )
  ).rows[0]?.at;
  return {
    detected: detected ? new Date(detected).getTime() : undefined,
    shift: {
      appliedAt: row.result.appliedAt,
      readBack: row.state === 'applied' ? ('agreed' as const) : (row.result.readBack?.mismatch ?? row.state),
      actual,
    },
  };
}

async function noOpenAction(vigil: InProcessVigil): Promise<void> {
  await until(
    async () => {
      const open = await vigil.pg.query(
        `SELECT count(*) FROM actions WHERE state IN ('executing', 'awaiting-approval', 'held')`,
      );
      return Number(open.rows[0].count) === 0 ? true : undefined;
    },
    30_000,
    'no open action',
  );
}

async function run(kind: RunKind, fleet: RemoteFleet, opts: Options): Promise<RunResult> {
  const haproxy = await startHaproxy(haproxyOptions(kind, fleet.endpoints));
  let vigil: InProcessVigil | undefined;
  let load: ClientLoad | undefined;
  const watch = new HaproxyWatch(haproxy, BACKEND);
  const all = fleet.endpoints.map((e) => e.id);
  const isOut =
    kind === 'vigil' ? (s: ServerSample) => s.weight === 0 : (s: ServerSample) => s.status === 'DOWN';
  const isBack =
    kind === 'vigil' ? (s: ServerSample) => s.weight > 0 : (s: ServerSample) => s.status === 'UP';
  const injections: Injection[] = [];
  try {
    if (kind === 'vigil') vigil = await startVigil(fleet, haproxy.runtimeApi);
    else await watch.until(all, Date.now(), isBack, 30_000, 'every server UP');
    load = await startClientLoad({
      url: haproxy.frontendUrl,
      rate: opts.rate,
      connections: opts.connections,
      timeoutS: HAPROXY_COMMON.serverTimeoutMs / 1000 + 3,
    });
    await sleep(LEAD_S * 1000);
    for (let i = 0; i < opts.injections; i++) {
      const idc = IDCS[i % IDCS.length];
      const servers = fleet.endpoints.filter((e) => e.idc === idc).map((e) => e.id);
      const t0 = Date.now();
      await fleet.set({ idc }, FAULTS[opts.fault]);
      const out = await watch.until(servers, t0, isOut, 30_000, `${idc} out of rotation`);
      const vigilSide = vigil ? await firstShift(vigil, idc, t0) : {};
      // The same outage in both runs; a slow take-out still gets 2 s without traffic to the IDC.
      await sleep(Math.max(t0 + opts.outageMs, out + 2000) - Date.now());
      const up = Date.now();
      await fleet.set({ idc }, 'up');
      const back = await watch.until(servers, up, isBack, 60_000, `${idc} back in rotation`);
      if (vigil) await noOpenAction(vigil);
      const responses = load.responses;
      await until(
        () => (responses.some((r) => r.at > back && servers.includes(r.endpoint)) ? true : undefined),
        10_000,
        `an answer from ${idc}`,
      );
      await sleep(SETTLE_MS);
      injections.push({ idc, t0, out, up, back, end: Date.now(), ...vigilSide });
    }
  } finally {
    await load?.stop();
    await watch.stop();
    await vigil?.close();
    await haproxy.stop();
  }
  return { kind, haproxyConfig: haproxy.config, injections, responses: load!.responses, watch };
}

/** What one injection did to the clients and to HAProxy. */
function measure(r: RunResult, inj: Injection, idcOf: Map<string, string>) {
  const servers = [...idcOf].filter(([, idc]) => idc === inj.idc).map(([id]) => id);
  const within = (a: number, b: number) => r.responses.filter((x) => x.at >= a && x.at < b);
  const fromIdc = (x: Response) => !failed(x) && idcOf.get(x.endpoint) === inj.idc;
  const outage = within(inj.t0, inj.up);
  const recovery = within(inj.up, inj.end);
  const lastAnswer = outage.filter(fromIdc).at(-1)?.at;
  const firstAnswerBack = recovery.find(fromIdc)?.at;
  const reach = r.watch.lastReach(servers, inj.t0, inj.up);
  const p99 = (xs: Response[]) =>
    percentile(
      xs.map((x) => x.ms).sort((a, b) => a - b),
      99,
    );
  return {
    idc: inj.idc,
    clientErrors: outage.filter(failed).length + recovery.filter(failed).length,
    clientErrorsDuringOutage: outage.filter(failed).length,
    clientErrorsDuringRecovery: recovery.filter(failed).length,
    /** By HTTP status; 0: a connection error or timeout. */
    clientErrorsByStatus: countBy([...outage, ...recovery].filter(failed), (x) => String(x.status)),
    requests: outage.length + recovery.length,
    /** Fault -> the last stream HAProxy sent to the IDC (its counters, sampled every 100 ms). */
    timeToDrainMs: reach === undefined ? null : reach - inj.t0,
    /** Fault -> the last successful answer from the IDC a client got. */
    lastAnswerFromIdcMs: lastAnswer === undefined ? null : lastAnswer - inj.t0,
    /** Fault -> every server of the IDC out of rotation in HAProxy (DOWN, or weight 0). */
    outOfRotationMs: inj.out - inj.t0,
    outageMs: inj.up - inj.t0,
    /** IDC up -> every server back in rotation (rise, or Vigil's failback). */
    backInRotationMs: inj.back - inj.up,
    /** IDC up -> the first answer from it a client got. */
    firstAnswerAfterUpMs: firstAnswerBack === undefined ? null : firstAnswerBack - inj.up,
    latencyP99Ms: { before: p99(within(inj.t0 - SETTLE_MS, inj.t0)), outage: p99(outage) },
    ...(inj.shift
      ? {
          detectionMs: inj.detected === undefined ? null : inj.detected - inj.t0,
          firstShiftMs: inj.shift.appliedAt - inj.t0,
          readBack: inj.shift.readBack,
          readBackActual: inj.shift.actual,
        }
      : {}),
  };
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

/** Second by second around the first injection: answers per IDC, failures, p99 latency. */
function perSecond(r: RunResult, inj: Injection, idcOf: Map<string, string>) {
  const rows = [];
  const last = Math.floor((inj.end - inj.t0) / 1000); // whole seconds before the next fault
  const at = (t: number) => Math.floor((t - inj.t0) / 1000);
  const events: Record<string, number> = {
    fault: 0,
    outOfRotation: round((inj.out - inj.t0) / 1000, 1),
    idcUp: round((inj.up - inj.t0) / 1000, 1),
    backInRotation: round((inj.back - inj.t0) / 1000, 1),
  };
  if (inj.shift) events.firstShift = round((inj.shift.appliedAt - inj.t0) / 1000, 1);
  for (let s = -LEAD_S; s < last; s++) {
    const xs = r.responses.filter((x) => at(x.at) === s);
    const byIdc = {
      ...Object.fromEntries(IDCS.map((idc) => [idc, 0])),
      ...countBy(
        xs.filter((x) => !failed(x)),
        (x) => idcOf.get(x.endpoint) ?? '?',
      ),
    };
    rows.push({
      s,
      ...byIdc,
      failed: xs.filter(failed).length,
      p99Ms: xs.length
        ? percentile(
            xs.map((x) => x.ms).sort((a, b) => a - b),
            99,
          )
        : null,
    });
  }
  return { idc: inj.idc, events, rows };
}

const summary = (xs: number[]) => {
  const l = latencySummary(xs);
  return { p50: l.p50, max: l.max };
};

function report(r: RunResult, idcOf: Map<string, string>) {
  const per = r.injections.map((inj) => measure(r, inj, idcOf));
  const shifts = per.flatMap((p) => (p.firstShiftMs === undefined ? [] : [p.firstShiftMs]));
  return {
    figures: {
      clientErrors: {
        total: per.reduce((n, p) => n + p.clientErrors, 0),
        ...summary(per.map((p) => p.clientErrors)),
      },
      requests: per.reduce((n, p) => n + p.requests, 0),
      timeToDrainMs: summary(per.flatMap((p) => (p.timeToDrainMs === null ? [] : [p.timeToDrainMs]))),
      outOfRotationMs: summary(per.map((p) => p.outOfRotationMs)),
      backInRotationMs: summary(per.map((p) => p.backInRotationMs)),
      outageLatencyP99Ms: summary(per.map((p) => p.latencyP99Ms.outage)),
      ...(shifts.length
        ? {
            detectionMs: summary(per.flatMap((p) => (p.detectionMs == null ? [] : [p.detectionMs]))),
            firstShiftMs: latencySummary(shifts),
            readBackAgreed: `${per.filter((p) => p.readBack === 'agreed').length}/${per.length}`,
          }
        : {}),
    },
    injections: per,
    perSecondFirstInjection: r.injections[0] ? perSecond(r, r.injections[0], idcOf) : null,
  };
}

export async function haproxyBenchmark() {
  const opts = parseOptions();
  const fleet = await spawnFleet({ idcs: IDCS, endpointsPerIdc: opts.endpoints, basePort: BASE_PORT });
  const idcOf = new Map(fleet.endpoints.map((e) => [e.id, e.idc]));
  let checks: RunResult;
  let vigil: RunResult;
  try {
    checks = await run('haproxy-checks', fleet, opts);
    vigil = await run('vigil', fleet, opts);
  } finally {
    await fleet.close();
  }
  const c = report(checks, idcOf);
  const v = report(vigil, idcOf);
  const firstShift = v.figures.firstShiftMs!;
  const errors = { vigil: v.figures.clientErrors.total, haproxyChecks: c.figures.clientErrors.total };
  return {
    benchmark: 'failover-haproxy',
    machine: { cpus: cpus().length, node: process.version },
    setup: {
      injections: opts.injections,
      idcs: IDCS.length,
      endpointsPerIdc: opts.endpoints,
      fault: `${opts.fault}: every endpoint of one IDC (sha, bjs, szx in turn)`,
      outageMs: opts.outageMs,
      load: `autocannon, overallRate ${opts.rate}/s over ${opts.connections} keep-alive connections (HAProxy balances each request), GET / through the frontend`,
      haproxy: {
        both: 'balance roundrobin, retries 2, option redispatch, timeout connect 1s, timeout server 2s, mode http',
        haproxyChecks: `check inter 1s fall 3 rise 2, timeout check 500ms, option httpchk GET ${HAPROXY_CHECK.httpPath}`,
        vigil: 'no checks; Vigil sets server weights through the Runtime API (haproxy adapter)',
      },
      vigil: {
        check: 'http GET /healthz every 1s, timeout 500ms, unhealthyThreshold 3, healthyThreshold 2',
        rule: 'idc-down: idc.state == "UNHEALTHY", for 0s, cooldown 1s, enforce, shift-away',
        policy: BENCH_POLICY,
      },
      measured:
        'clientErrors: non-2xx, errors and timeouts from the fault until the IDC is back and answering (+2 s); timeToDrain: fault -> the last stream HAProxy sent to the IDC (show stat stot, sampled every 100 ms); firstShift: fault -> the adapter confirmed the weight-0 step',
    },
    runs: { haproxyChecks: c, vigil: v },
    comparison: {
      clientErrors: {
        ...errors,
        ratio:
          errors.haproxyChecks === 0
            ? errors.vigil === 0
              ? 1
              : null
            : round(errors.vigil / errors.haproxyChecks, 3),
      },
      timeToDrainMs: { vigil: v.figures.timeToDrainMs, haproxyChecks: c.figures.timeToDrainMs },
      outOfRotationMs: { vigil: v.figures.outOfRotationMs, haproxyChecks: c.figures.outOfRotationMs },
      // Both HAProxys start with the same server order; later injections follow rounds of checks
      // (servers rejoin in rise order) or of weights, which moves where a redispatch lands.
      clientErrorsFirstInjection: {
        vigil: v.injections[0]?.clientErrors ?? null,
        haproxyChecks: c.injections[0]?.clientErrors ?? null,
      },
      firstShift: { p50: firstShift.p50, p99: firstShift.p99, bound: 4500 },
      targetsMet: {
        clientErrors: errors.vigil <= errors.haproxyChecks,
        firstShiftP99: firstShift.p99 <= 4500,
      },
    },
    haproxyConfigs: { haproxyChecks: checks.haproxyConfig, vigil: vigil.haproxyConfig },
  };
}
