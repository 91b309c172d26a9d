import { parseDuration } from '@libs/config';
import {
  startFleet,
  startTrafficManager,
  type AppliedChange,
  type FakeTrafficManager,
  type Fleet,
} from '@libs/fleet';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

type Weights = Record<string, number>;

interface IdcStatus {
  idc: string;
  state: string;
  reason: string;
  healthyRatio: number;
  since: number;
  outages?: number[];
}

interface Status {
  generatedAt: number | null;
  services: Array<{ service: string; idcs: IdcStatus[] }>;
}

/** An IDC's entry in the `failback` of GET /services/{name}/traffic. */
interface FailbackHold {
  outages: number;
  holdMs: number;
  explanation: string;
  healthySince?: string;
  failbackAt?: string;
}

/** One sha entry of /status, with the time of the snapshot it came from. */
interface Sample extends IdcStatus {
  at: number;
}

/** The drill's baseline (test/support/failover-config.ts). */
const BASELINE: Weights = { bjs: 40, sha: 40, szx: 20 };
/** policy.failbackBackoff's defaults (window and maxHold 1h): the cap never bites in these cases. */
const MAX_HOLD_MS = 3_600_000;
/**
 * Slack on top of the checks' own detection time before sha must carry no weight: the result reaches
 * the leader, the next evaluation (1 s), the rule tick, the executor's call to the GSLB, all on a busy
 * 2-core machine (another process may keep a core busy). Measured: sha drained 2.9-3.3 s after a
 * hard fault, against a bound of 8.5 s, idle or with one core kept busy.
 */
const SLACK_MS = 5_000;

/**
 * Issue 12 end to end: flap damping damps the way back, never the way out. The fleet (three IDCs of
 * four HTTP endpoints), one Vigil with every role per case (a new database and Redis prefix each, so
 * flapping history, outages and actions never carry over), a fake GSLB that records every signed
 * weight change with its time, and the drill's rule: shift away from an UNHEALTHY IDC.
 *
 * Checks: every 1 s, timeout 500 ms, healthy threshold 2; the unhealthy threshold is set per case
 * (the 3, or the drill's 2). The all-in-one prober probes from all three IDCs, so an endpoint
 * is UNHEALTHY on a quorum of 2 vantages.
 */
describe('flap damping never keeps a dead IDC in rotation (fleet, all roles, fake GSLB)', () => {
  const SECRET = 'gslb-flap-secret';
  const SECRET_ENV = 'VIGIL_REF_TEST_GSLB_FLAP_SECRET';
  let fleet: Fleet;
  let gslb: FakeTrafficManager | undefined;
  let vigil: VigilUnderTest | undefined;
  let doc: Record<string, any>;

  beforeAll(async () => {
    process.env[SECRET_ENV] = SECRET;
    // Fixed ports below the ephemeral range: a port closed for "refused" cannot be taken meanwhile.
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 27200 });
  });
  afterEach(async () => {
    await fleet.set('all', 'up');
    await vigil?.close();
    await gslb?.close();
    vigil = undefined;
    gslb = undefined;
  });
  afterAll(async () => {
    await fleet?.close();
  });

  const api = <T = any>(method: string, path: string, json?: unknown) =>
    call<T>(vigil!.url, method, `/api/v1${path}`, { token: vigil!.adminToken, json });
  const status = async () => (await api<Status>('GET', '/status')).body;
  const idcOf = (s: Status, idc: string) =>
    s.services.find((x) => x.service === 'live')?.idcs.find((i) => i.idc === idc);

  /**
   * A new Vigil and GSLB (on `gslbPort`, fixed like the fleet's: this suite keeps to 27200-27299)
   * with the drill's config, `policy` over the drill's and the
   * check's `unhealthyThreshold`; resolves once every IDC is HEALTHY.
   */
  async function start(gslbPort: number, unhealthyThreshold: number, policy: Record<string, unknown>) {
    gslb = await startTrafficManager({ secret: SECRET, port: gslbPort });
    vigil = await startVigil();
    doc = drillConfig(fleet, { gslbUrl: gslb.url, secretEnv: SECRET_ENV, mode: 'enforce', policy });
    doc.services[0].checks[0].unhealthyThreshold = unhealthyThreshold;
    const applied = await api('PUT', '/config', doc);
    expect(applied.status).toBe(200);
    await everyIdcHealthy(vigil, { service: 'live' });
  }

  /**
   * How long after a hard fault sha may still carry weight: unhealthyThreshold failed probes one
   * interval apart (the last one up to its timeout late), the shift's steps after the first, and
   * SLACK_MS. From the config, so a change of the drill shows here.
   */
  function detectionBound(): number {
    const check = doc.services[0].checks[0];
    const policy = doc.services[0].policy;
    const steps = Math.ceil(BASELINE.sha / policy.maxStepPercent);
    return (
      check.unhealthyThreshold * parseDuration(check.interval) +
      parseDuration(check.timeout) +
      (steps - 1) * parseDuration(policy.stepInterval) +
      SLACK_MS
    );
  }

  /** The weights in force at the GSLB at time `t`: its last change at or before t, else the baseline. */
  const weightsAt = (t: number): Weights =>
    gslb!
      .applied('live')
      .filter((c) => c.at <= t)
      .at(-1)?.weights ?? BASELINE;

  /** The changes sent to the GSLB in (from, to] that gave sha any weight. */
  const shaWeighted = (from: number, to: number): AppliedChange[] =>
    gslb!.applied('live').filter((c) => c.at > from && c.at <= to && (c.weights.sha ?? 0) > 0);

  /**
   * Waits until the leader has published a snapshot generated at or after `until` (epoch ms): its
   * evaluations, not a sleep. Returns the entries of `idcs` in every new snapshot seen meanwhile.
   */
  async function observeUntil(until: number, idcs = ['sha']): Promise<Record<string, Sample[]>> {
    const seen: Record<string, Sample[]> = Object.fromEntries(idcs.map((i) => [i, []]));
    let last = 0;
    await poll(
      async () => {
        const s = await status();
        const at = s.generatedAt ?? 0;
        if (at !== last) {
          last = at;
          for (const idc of idcs) {
            const entry = idcOf(s, idc);
            if (entry) seen[idc].push({ ...entry, at });
          }
        }
        return at >= until ? true : undefined;
      },
      Math.max(0, until - Date.now()) + 15_000,
      `the leader's evaluations up to ${new Date(until).toISOString()}`,
    );
    return seen;
  }

  /** Probes that failed so far, any vantage and error kind (the prober's counter). */
  const failedProbes = async () =>
    (await call(vigil!.url, 'GET', '/metrics', { token: vigil!.adminToken })).text
      .split('\n')
      .filter((line) => line.startsWith('vigil_probes_total{') && !line.includes('result="ok"'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

  it('an IDC flaky for a minute and then hard down is shifted away within the detection time of the hard outage', async () => {
    // The default flap damping (5 changes in 5m, held 2m): the configuration the bug was seen with.
    // The checks: every 1 s, 3 failures to go down (the default threshold).
    await start(27290, 3, { maxStepPercent: 100 });
    expect(doc.services[0].policy.flapping).toBeUndefined();
    const bound = detectionBound();

    await fleet.set({ idc: 'sha' }, { mode: 'flap', p: 0.5 });
    const flakyFrom = Date.now();
    const flaky = (await observeUntil(flakyFrom + 60_000)).sha;
    // The precondition: every sha endpoint changed state often enough to be damped as flapping.
    const changes: Record<string, number> = {};
    for (const n of [1, 2, 3, 4]) {
      const health = await api<{ transitions: number[] }>('GET', `/endpoints/live.sha-${n}/health`);
      expect(health.status).toBe(200);
      changes[`sha-${n}`] = health.body.transitions.filter((t) => t > Date.now() - 5 * 60_000).length;
    }
    expect(Object.entries(changes).filter(([, n]) => n <= 5)).toEqual([]);

    await fleet.set({ idc: 'sha' }, 'refused');
    const downAt = Date.now();
    const down = (await observeUntil(downAt + bound + 10_000)).sha;

    // At the bound: no weight on sha at the GSLB (it may have been drained while flaky already), and
    // down is never damped: sha UNHEALTHY, not DEGRADED 'flapping' at full capacity.
    const late = down.filter((s) => s.at >= downAt + bound);
    expect(late.length).toBeGreaterThanOrEqual(5);
    const { state, reason, healthyRatio } = late[0];
    expect({ weight: weightsAt(downAt + bound).sha, state, reason, healthyRatio }).toMatchObject({
      weight: 0,
      state: 'UNHEALTHY',
    });
    // And so it stays while sha is down: no change gives it weight, no snapshot shows it otherwise.
    expect(shaWeighted(downAt + bound, Date.now())).toEqual([]);
    expect(
      late
        .filter((s) => s.state !== 'UNHEALTHY')
        .map((s) => ({ at: s.at, state: s.state, reason: s.reason, healthyRatio: s.healthyRatio })),
    ).toEqual([]);
    expect(Math.max(...late.map((s) => s.healthyRatio))).toBeLessThan(
      doc.services[0].policy.unhealthyBelow ?? 0.5,
    );

    // While it was only flaky (half its requests reset), sha never looked HEALTHY, nor at full capacity,
    // and its ratio said so: a flapping endpoint that is up counts at its success ratio. The last 20 s:
    // by then the endpoints are flapping (an endpoint that has not changed state five times yet still
    // counts in full when up, so one sample may read 0.9; the mean may not).
    const settled = flaky.filter((s) => s.at >= flakyFrom + 40_000);
    expect(settled.length).toBeGreaterThanOrEqual(12);
    expect(settled.filter((s) => s.state === 'HEALTHY').map((s) => s.at)).toEqual([]);
    const ratios = settled.map((s) => s.healthyRatio);
    expect(Math.max(...ratios)).toBeLessThan(1);
    expect(ratios.reduce((a, b) => a + b, 0) / ratios.length).toBeLessThan(0.8);
  }, 150_000);

  it('three hard outages of one IDC within five minutes: drained at once each time, failback only after a growing hold', async () => {
    // One step per shift, a 4 s recovery hold backed off to 4, 8 and 16 s; the rule's cooldown is the
    // default 5m, which must not keep sha in rotation on its second and third outage. Flap damping
    // counts changes as usual (5 in 5m) but holds 10 s, not 2m, so that the suite stays short: the
    // third outage finds sha flapping, and its way back is damped for those 10 s.
    const RECOVERY_HOLD_MS = 4_000;
    await start(27291, 3, {
      maxStepPercent: 100,
      recoveryHold: `${RECOVERY_HOLD_MS}ms`,
      maxActionsPerHour: 20,
      flapping: { hold: '10s' },
    });
    expect(doc.rules[0].cooldown).toBeUndefined();
    const bound = detectionBound();
    const startedAt = Date.now();
    const holds: number[] = [];
    /** The length of sha's `outages` in /status at each failback. */
    const outages: Array<number | undefined> = [];

    for (const n of [1, 2, 3]) {
      const hold = Math.min(MAX_HOLD_MS, RECOVERY_HOLD_MS * 2 ** (n - 1));
      await fleet.set({ idc: 'sha' }, 'refused');
      const downAt = Date.now();
      // sha stays down well past the detection bound; every snapshot is kept.
      const down = (await observeUntil(downAt + bound + 5_000)).sha;
      const late = down.filter((s) => s.at >= downAt + bound);
      expect({ outage: n, weight: weightsAt(downAt + bound).sha, state: late[0]?.state }).toEqual({
        outage: n,
        weight: 0,
        state: 'UNHEALTHY',
      });
      await fleet.set({ idc: 'sha' }, 'up');
      const upAt = Date.now();
      expect({ outage: n, weighted: shaWeighted(downAt + bound, upAt) }).toEqual({ outage: n, weighted: [] });
      expect({ outage: n, notUnhealthy: late.filter((s) => s.state !== 'UNHEALTHY').length }).toEqual({
        outage: n,
        notUnhealthy: 0,
      });

      // The failback: its first call to the GSLB gives sha weight again. Meanwhile the traffic view
      // says how long sha is held and until when (its last word before the failback is kept).
      let view: FailbackHold | undefined;
      const failback = await poll(
        async () => {
          const traffic = await api<{ failback?: Record<string, FailbackHold> }>(
            'GET',
            '/services/live/traffic',
          );
          const sha = traffic.body.failback?.sha;
          if (sha?.failbackAt) view = sha;
          return shaWeighted(upAt, Date.now())[0];
        },
        hold + 30_000,
        `the failback of sha after outage ${n}`,
      );
      const s = idcOf(await status(), 'sha')!;
      expect({ outage: n, state: s.state }).toEqual({ outage: n, state: 'HEALTHY' });
      // No earlier than the backed-off hold after sha turned HEALTHY (its `since`, unchanged since).
      expect(s.since).toBeGreaterThanOrEqual(upAt);
      const heldFor = failback.at - s.since;
      expect({ outage: n, heldAtLeast: Math.min(heldFor, hold) }).toEqual({ outage: n, heldAtLeast: hold });
      // The traffic view announced that hold, from the same HEALTHY since, and the failback kept to it.
      expect({ outage: n, view }).toEqual({
        outage: n,
        view: expect.objectContaining({
          outages: n,
          holdMs: hold,
          healthySince: new Date(s.since).toISOString(),
          failbackAt: new Date(s.since + hold).toISOString(),
        }),
      });
      holds.push(heldFor);
      outages.push(s.outages?.length);
      await poll(
        async () => (gslb!.weights('live')?.sha === BASELINE.sha ? true : undefined),
        15_000,
        `sha back at its baseline after outage ${n}`,
      );
    }
    // /status counted the outages, the held time grew with each, and all three fell within five minutes.
    expect(outages).toEqual([1, 2, 3]);
    expect(holds[1]).toBeGreaterThan(holds[0]);
    expect(holds[2]).toBeGreaterThan(holds[1]);
    expect(Date.now() - startedAt).toBeLessThan(5 * 60_000);
  }, 240_000);

  it('5% random noise on every IDC for three minutes gives no shift and no IDC UNHEALTHY', async () => {
    // The drill's thresholds (2 failures to go down) and the default flap damping: noisier than the
    // issue's 3, so more endpoints change state, and some flap.
    await start(27292, 2, { maxStepPercent: 100 });
    const failedBefore = await failedProbes();
    await fleet.set('all', { mode: 'flap', p: 0.05 });
    const noiseFrom = Date.now();
    const seen = await observeUntil(noiseFrom + 180_000, ['sha', 'bjs', 'szx']).finally(() =>
      fleet.set('all', 'up'),
    );
    // The noise was real: about 5% of 12 endpoints x 3 vantages x 180 probes.
    expect((await failedProbes()) - failedBefore).toBeGreaterThan(100);
    // No action of any kind, nothing sent to the GSLB.
    const actions = await api<{ items: unknown[] }>('GET', '/actions?service=live&limit=500');
    expect(actions.status).toBe(200);
    expect(actions.body.items).toEqual([]);
    expect(gslb!.requests).toBe(0);
    // No IDC ever UNHEALTHY: not on the timeline, not in any snapshot.
    const events = await api<{ items: Array<{ idc: string; after: string; at: string }> }>(
      'GET',
      '/events?kind=idc&service=live&limit=500',
    );
    expect(events.status).toBe(200);
    expect(events.body.items.filter((e) => e.after === 'UNHEALTHY')).toEqual([]);
    for (const idc of Object.keys(seen)) {
      expect(seen[idc].length).toBeGreaterThanOrEqual(150);
      expect(seen[idc].filter((s) => s.state === 'UNHEALTHY')).toEqual([]);
    }
  }, 240_000);
});
