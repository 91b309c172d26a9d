import { startFleet, startTrafficManager, type FakeTrafficManager, type Fleet } from '@libs/fleet';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

type Weights = Record<string, number>;

interface ActionSummary {
  id: string;
  service: string;
  rule: string | null;
  kind: string;
  idc: string | null;
  mode: string;
  state: string;
  reason: string;
  stepsDone: number;
  stepsTotal: number;
  decidedBy: string | null;
}

interface Action extends ActionSummary {
  plan: { kind: string; steps?: Weights[]; guardrail?: string; rollbackOf?: string };
  weightsBefore: Weights;
  steps: Array<{ index: number; weights: Weights; state: string; idempotencyKey: string }>;
}

interface Status {
  generatedAt: number | null;
  services: Array<{ service: string; idcs: Array<{ idc: string; state: string }> }>;
}

const OPEN = ['awaiting-approval', 'executing', 'held'];

/**
 * The human side of automatic failover, end to end: one Vigil with every role over a fleet of three
 * IDCs and a fake GSLB. Approval, rollback, the kill switch and the manual override each change what
 * reaches the GSLB; probe noise alone never creates an action.
 */
describe('failover operations (fleet, all roles, fake traffic manager)', () => {
  const SECRET = 'gslb-ops-secret';
  const OPERATOR = 'ops-carol';
  const BASELINE = { bjs: 40, sha: 40, szx: 20 };
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let vigil: VigilUnderTest;
  let operator: string;
  /** The approved shift-away of case 1, rolled back in case 2. */
  let approved: Action | undefined;

  const api = <T = any>(method: string, path: string, json?: unknown, token = operator) =>
    call<T>(vigil.url, method, `/api/v1${path}`, { token, json });

  const action = async (id: string) => {
    const res = await api<Action>('GET', `/actions/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const listActions = async (state?: string) => {
    const res = await api<{ items: ActionSummary[] }>(
      'GET',
      `/actions?service=live&limit=500${state ? `&state=${state}` : ''}`,
    );
    expect(res.status).toBe(200);
    return res.body.items;
  };
  /** Actions created since `known` was taken (ids not in it), oldest first. */
  const newActions = async (known: Set<string>) =>
    (await listActions()).filter((a) => !known.has(a.id)).reverse();
  const knownIds = async () => new Set((await listActions()).map((a) => a.id));

  const status = async () => (await api<Status>('GET', '/status')).body;

  /** Probes that failed so far, any vantage and error kind (the prober's counter). */
  const failedProbes = async () => {
    const text = (await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken })).text;
    return text
      .split('\n')
      .filter((line) => line.startsWith('vigil_probes_total{') && !line.includes('result="ok"'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  };

  /** Waits until the leader's snapshot is `seconds` newer than now's: that many evaluations ran. */
  async function evaluations(seconds: number): Promise<void> {
    const from = (await status()).generatedAt ?? 0;
    await poll(
      async () => (((await status()).generatedAt ?? 0) >= from + seconds * 1000 ? true : undefined),
      seconds * 1000 + 15_000,
      `${seconds} s of evaluations`,
    );
  }

  const waitAllHealthy = () => everyIdcHealthy(vigil, { service: 'live' });

  /** Polls for a new action (not in `known`) that `match` accepts. */
  const awaitAction = (known: Set<string>, match: (a: ActionSummary) => boolean, what: string) =>
    poll(async () => (await newActions(known)).find(match), 30_000, what);

  const awaitState = (id: string, state: string, what: string) =>
    poll(
      async () => {
        const a = await action(id);
        return a.state === state ? a : undefined;
      },
      30_000,
      what,
    );

  /** Every IDC up and HEALTHY, the kill switch off, no override, no open action: all through the API. */
  async function reset(): Promise<void> {
    await fleet.set('all', 'up');
    await waitAllHealthy();
    if ((await api('GET', '/automation')).body.paused)
      expect((await api('POST', '/automation/resume', { reason: 'test reset' })).status).toBe(200);
    if ((await api('GET', '/services/live/traffic')).body.override)
      expect((await api('DELETE', '/services/live/weights')).status).toBe(200);
    for (const state of OPEN) {
      for (const open of await listActions(state)) {
        const res = await api('POST', `/actions/${open.id}/cancel`, { reason: 'test reset' });
        expect([200, 409]).toContain(res.status); // 409: it ended meanwhile
      }
    }
    const stillOpen = (await listActions()).filter((a) => OPEN.includes(a.state));
    expect(stillOpen).toEqual([]);
  }

  const config = () =>
    drillConfig(fleet, {
      gslbUrl: gslb.url,
      secretEnv: 'VIGIL_REF_TEST_GSLB_OPS_SECRET',
      mode: 'approval',
      // The drills take the same IDC down again and again: that is not the flapping damping is for.
      policy: { flapping: { maxTransitions: 1000, window: '1m', hold: '1s' } },
      ruleCooldown: '1s', // each case takes an IDC down anew: the rule must fire every time
    });

  beforeAll(async () => {
    process.env.VIGIL_REF_TEST_GSLB_OPS_SECRET = SECRET;
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 23700 });
    gslb = await startTrafficManager({ secret: SECRET });
    vigil = await startVigil();
    const key = await call(vigil.url, 'POST', '/api/v1/api-keys', {
      token: vigil.adminToken,
      json: { name: OPERATOR, role: 'operator' },
    });
    expect(key.status).toBe(201);
    operator = key.body.token;
    const applied = await api('PUT', '/config', config(), vigil.adminToken);
    expect(applied.status).toBe(200);
    await waitAllHealthy();
  });
  afterAll(async () => {
    await vigil?.close();
    await gslb?.close();
    await fleet?.close();
  });

  it('approval mode: an outage waits for an operator, sends nothing, then runs once approved', async () => {
    const known = await knownIds();
    const sentBefore = gslb.requests;
    await fleet.set({ idc: 'szx' }, 'refused');

    const proposed = await awaitAction(
      known,
      (a) => a.state === 'awaiting-approval',
      'a shift-away awaiting approval',
    );
    expect(proposed).toMatchObject({ kind: 'shift-away', idc: 'szx', mode: 'approval', rule: 'idc-down' });
    await evaluations(3);
    expect((await newActions(known)).map((a) => [a.id, a.state])).toEqual([
      [proposed.id, 'awaiting-approval'],
    ]);
    expect(gslb.requests).toBe(sentBefore);

    const decided = await api('POST', `/actions/${proposed.id}/approve`, { reason: 'szx is down, go' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ state: 'executing', decidedBy: OPERATOR });

    const done = await awaitState(proposed.id, 'completed', 'the approved shift to complete');
    const planned = done.plan.steps!;
    expect(planned).toHaveLength(2); // szx's 20% in steps of at most 10%
    expect(planned.at(-1)!.szx).toBe(0);
    expect(done.steps.map((s) => s.state)).toEqual(planned.map(() => 'applied'));
    const sent = gslb.applied('live').filter((c) => c.actionId === proposed.id);
    expect(sent.map((c) => c.weights)).toEqual(planned);
    expect(sent.map((c) => c.step)).toEqual([1, 2]);
    expect(gslb.weights('live')).toEqual(planned.at(-1));
    expect(gslb.unauthorized).toBe(0);

    const audit = await api('GET', '/audit?action=action.approve');
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actor: OPERATOR,
        action: 'action.approve',
        target: `action/${proposed.id}`,
        summary: expect.objectContaining({ from: 'awaiting-approval', to: 'executing' }),
      }),
    ]);
    approved = done;
  });

  it('rollback: a new manual action restores the weights from before the shift', async () => {
    expect(approved).toBeDefined();
    const original = approved!;
    expect(original.weightsBefore).toEqual(BASELINE);
    const known = await knownIds();

    const res = await api<Action>('POST', `/actions/${original.id}/rollback`, { reason: 'drill: undo it' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'rollback', mode: 'manual', decidedBy: OPERATOR });
    expect(res.body.plan.rollbackOf).toBe(original.id);
    expect(res.body.steps.map((s) => s.weights)).toEqual([original.weightsBefore]);

    await awaitState(res.body.id, 'completed', 'the rollback to complete');
    const sent = gslb.applied('live').filter((c) => c.actionId === res.body.id);
    expect(sent.map((c) => c.weights)).toEqual([original.weightsBefore]);
    expect(gslb.weights('live')).toEqual(original.weightsBefore);
    expect((await action(original.id)).state).toBe('rolled-back');
    expect((await newActions(known)).map((a) => a.id)).toEqual([res.body.id]);
  });

  it('kill switch: while paused an outage is refused naming the kill switch, and nothing executes', async () => {
    await reset();
    const known = await knownIds();
    const sentBefore = gslb.requests;
    const paused = await api('POST', '/automation/pause', { reason: 'incident drill: hands off' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, by: OPERATOR });
    try {
      await fleet.set({ idc: 'szx' }, 'refused');
      const refusal = await awaitAction(known, (a) => a.state === 'refused', 'a refusal');
      expect(refusal).toMatchObject({ kind: 'shift-away', idc: 'szx' });
      expect(refusal.reason).toMatch(/^kill-switch:/);
      expect((await action(refusal.id)).plan.guardrail).toBe('kill-switch');
      await evaluations(2);
      expect((await newActions(known)).map((a) => [a.id, a.state])).toEqual([[refusal.id, 'refused']]);
      expect(gslb.requests).toBe(sentBefore);
    } finally {
      await fleet.set({ idc: 'szx' }, 'up');
      await waitAllHealthy();
      const resumed = await api('POST', '/automation/resume', { reason: 'drill over' });
      expect(resumed.status).toBe(200);
      expect(resumed.body.paused).toBe(false);
    }
  });

  it('an outage refused by the kill switch is acted on once automation resumes, if it still holds', async () => {
    await reset();
    const known = await knownIds();
    expect((await api('POST', '/automation/pause', { reason: 'drill' })).status).toBe(200);
    await fleet.set({ idc: 'szx' }, 'refused');
    await awaitAction(known, (a) => a.state === 'refused', 'a refusal');
    expect((await api('POST', '/automation/resume', { reason: 'go ahead' })).status).toBe(200);
    // The rule is in approval mode in this suite: the outage, still there, is proposed again.
    const shift = await awaitAction(
      known,
      (a) => a.kind === 'shift-away' && a.state === 'awaiting-approval',
      'a proposal',
    );
    expect((await api('POST', `/actions/${shift.id}/approve`)).status).toBe(200);
    await awaitState(shift.id, 'completed', 'the shift to complete');
    expect(gslb.weights('live')?.szx).toBe(0);

    // Put things back: szx up, and its failback (same mode as the shift) approved.
    const beforeUp = await knownIds();
    await fleet.set({ idc: 'szx' }, 'up');
    const failback = await awaitAction(beforeUp, (a) => a.kind === 'failback', 'the failback proposal');
    expect((await api('POST', `/actions/${failback.id}/approve`)).status).toBe(200);
    await awaitState(failback.id, 'completed', 'the failback to complete');
    expect(gslb.weights('live')).toEqual(BASELINE);
  });

  it('manual override: the GSLB gets exactly the weights set by hand, and automation stays out until released', async () => {
    await reset();
    const known = await knownIds();
    const appliedBefore = gslb.applied('live').length;
    const weights = { sha: 60, bjs: 30, szx: 10 };

    const set = await api('PUT', '/services/live/weights', { weights, reason: 'drain bjs for maintenance' });
    expect(set.status).toBe(200);
    expect(set.body.override).toMatchObject({ weights, by: OPERATOR });
    expect(set.body.action).toMatchObject({ kind: 'set-weights', mode: 'manual', state: 'executing' });
    const manual = await awaitState(set.body.action.id, 'completed', 'the manual weights to be applied');
    const sent = gslb.applied('live').slice(appliedBefore);
    expect(sent.map((c) => [c.actionId, c.weights])).toEqual([[manual.id, weights]]);
    expect(gslb.weights('live')).toEqual(weights);

    try {
      await fleet.set({ idc: 'bjs' }, 'refused');
      const refusal = await awaitAction(known, (a) => a.state === 'refused', 'a refusal');
      expect(refusal).toMatchObject({ kind: 'shift-away', idc: 'bjs' });
      expect(refusal.reason).toMatch(/^manual-override:/);
      expect((await action(refusal.id)).plan.guardrail).toBe('manual-override');
      await evaluations(2);
      expect((await newActions(known)).map((a) => [a.kind, a.state])).toEqual([
        ['set-weights', 'completed'],
        ['shift-away', 'refused'],
      ]);
      expect(gslb.applied('live').length).toBe(appliedBefore + 1);
      expect(gslb.weights('live')).toEqual(weights);
    } finally {
      await fleet.set({ idc: 'bjs' }, 'up');
      await waitAllHealthy();
    }

    const released = await api('DELETE', '/services/live/weights');
    expect(released.status).toBe(200);
    expect(released.body.override).toBeNull();
    expect(released.body.desired).toEqual(weights); // released, not reverted
  });

  it('noise gives no action: every IDC flapping at p=0.05 for 45 s of evaluations', async () => {
    await reset();
    const known = await knownIds();
    const [{ last }] = await vigil.sql<{ last: string | null }>('SELECT max(id) AS last FROM health_events');
    const sentBefore = gslb.requests;
    const failedBefore = await failedProbes();
    await fleet.set('all', { mode: 'flap', p: 0.05 });
    try {
      await evaluations(45);
    } finally {
      await fleet.set('all', 'up');
    }
    // The noise was real (about 5% of ~1,600 probes failed), and none of it became an action.
    expect((await failedProbes()) - failedBefore).toBeGreaterThan(10);
    expect(await newActions(known)).toEqual([]);
    const unhealthy = await vigil.sql(
      `SELECT * FROM health_events WHERE id > $1 AND kind = 'idc' AND after = 'UNHEALTHY'`,
      [last ?? 0],
    );
    expect(unhealthy).toEqual([]);
    expect(gslb.requests).toBe(sentBefore);
  }, 90_000);
});
