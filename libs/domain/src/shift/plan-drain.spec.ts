import type { HealthState } from '../health/types';
import {
  endpointsToUndrain,
  planDrain,
  planUndrain,
  type DrainPlan,
  type EndpointSituation,
} from './plan-drain';
import { context, idc, NOW, POLICY } from './testing/fixtures';
import type { Guardrail, ShiftContext, ShiftGuards, ShiftRefusal } from './types';

/**
 * Every IDC HEALTHY, load 40 at baseline (bjs 40, sha 40, szx 20): sha carries 16 capacity units. sha's
 * endpoints a1 (20), a2 (10), a3 (10); bjs's b1 (40).
 */
const ctxOf = (overrides: Partial<ShiftContext> = {}) =>
  context({ idcs: [idc('sha', 'HEALTHY'), idc('bjs', 'HEALTHY'), idc('szx', 'HEALTHY')], ...overrides });
const guards = (g: Partial<ShiftGuards>): ShiftGuards => ({ ...ctxOf().guards, ...g });

const CAPACITY: Record<string, number> = { a1: 20, a2: 10, a3: 10, b1: 40 };
const IDC_OF: Record<string, string> = { a1: 'sha', a2: 'sha', a3: 'sha', b1: 'bjs' };
/** The four endpoints, HEALTHY since an hour ago unless `states` says otherwise. */
const endpoints = (states: Record<string, HealthState> = {}, since = NOW - 3_600_000): EndpointSituation[] =>
  Object.keys(CAPACITY).map((name) => ({
    name,
    idc: IDC_OF[name],
    state: states[name] ?? 'HEALTHY',
    capacity: CAPACITY[name],
    since,
  }));

const SHARED: Guardrail[] = ['kill-switch', 'freeze', 'manual-override', 'rate-limit', 'stale', 'panic'];

function expectPlan(result: DrainPlan | ShiftRefusal): DrainPlan {
  if (result.kind !== 'drain-plan') throw new Error(`refused: ${result.guardrail}: ${result.reason}`);
  return result;
}
function expectRefusal(result: DrainPlan | ShiftRefusal): ShiftRefusal {
  if (result.kind !== 'refused') throw new Error(`planned: ${JSON.stringify(result)}`);
  return result;
}

describe('planDrain', () => {
  it('takes the endpoint out of rotation and leaves the weights in force as they are', () => {
    const ctx = ctxOf({ current: { szx: 20, sha: 30, bjs: 50 } });
    expect(planDrain(ctx, endpoints(), ['b1', 'b1'], 'a2')).toEqual({
      kind: 'drain-plan',
      direction: 'drain',
      endpoint: 'a2',
      idc: 'sha',
      drainedBefore: ['b1'],
      drainedAfter: ['a2', 'b1'],
      weights: { bjs: 50, sha: 30, szx: 20 },
      guardrailsChecked: [...SHARED, 'nothing-to-move', 'capacity'],
    });
  });

  it.each<[string, Partial<ShiftContext>, Record<string, HealthState>, string[], string]>([
    // a2 + a3 = 20 units left; 0.8 x 20 = 16 = sha's 40% of 40: exactly at the limit.
    ['what is left carries the share exactly at maxUtilization', {}, {}, [], 'a1'],
    // Down or unknown endpoints serve nothing: draining them takes no capacity away, even the last one.
    ['an UNHEALTHY endpoint, all its peers drained', {}, { a1: 'UNHEALTHY' }, ['a2', 'a3'], 'a1'],
    [
      'an UNKNOWN endpoint, all its peers down',
      {},
      { a1: 'UNKNOWN', a2: 'UNHEALTHY', a3: 'UNHEALTHY' },
      [],
      'a1',
    ],
    ['an UNHEALTHY endpoint with no headroom left', { load: 1000 }, { a2: 'UNHEALTHY' }, [], 'a2'],
    // sha carries nothing: its last endpoint may go.
    [
      'the last endpoint of an IDC at weight 0',
      { current: { bjs: 60, sha: 0, szx: 40 } },
      {},
      ['a2', 'a3'],
      'a1',
    ],
    ['no weight in force at all', { current: { bjs: 0, sha: 0, szx: 0 } }, {}, ['a2', 'a3'], 'a1'],
    // The cooldown is the rule's, applied by the caller: a recent action on the service does not hold.
    [
      'an action on the service a second ago',
      { guards: guards({ lastAction: { kind: 'shift-away', idc: 'bjs', at: NOW - 1000 } }) },
      {},
      [],
      'a2',
    ],
  ])('drains: %s', (_name, overrides, states, drained, endpoint) => {
    const plan = expectPlan(planDrain(ctxOf(overrides), endpoints(states), drained, endpoint));
    expect(plan.drainedAfter).toEqual([...new Set([...drained, endpoint])].sort());
  });

  it.each<[string, Partial<ShiftContext>, Record<string, HealthState>, string[], string, boolean, string]>([
    [
      'too little left at maxUtilization',
      {},
      {},
      ['a1'],
      'a2',
      false,
      'Draining a2 (HEALTHY) would leave sha 10 capacity units of checkout in rotation (1 endpoint); at 80% ' +
        'utilization they carry 8, less than its 40% share of the load (16).',
    ],
    // DEGRADED: a failing endpoint stays in rotation, so a human must look.
    [
      'a failing (DEGRADED) endpoint that cannot be spared',
      { load: 42 },
      { a1: 'DEGRADED' },
      [],
      'a1',
      true,
      'Draining a1 (DEGRADED) would leave sha 20 capacity units of checkout in rotation (2 endpoints); at 80% ' +
        'utilization they carry 16, less than its 40% share of the load (16.8).',
    ],
    // Peers that are down do not count.
    [
      'the last serving endpoint, its peers UNHEALTHY',
      { load: 0 },
      { a2: 'UNHEALTHY', a3: 'UNHEALTHY' },
      [],
      'a1',
      false,
      'Draining a1 (HEALTHY) would leave sha with no endpoint of checkout in rotation while it carries 40% of ' +
        'the traffic.',
    ],
    // Load unknown: sized N+1, 0.8 x (100 - 40) = 48; sha's 40% is 19.2 > 0.8 x 20.
    [
      'the assumed N+1 load',
      { load: undefined },
      {},
      [],
      'a1',
      false,
      'Draining a1 (HEALTHY) would leave sha 20 capacity units of checkout in rotation (2 endpoints); at 80% ' +
        'utilization they carry 16, less than its 40% share of the load (19.2).',
    ],
    // Relative weights: sha's share is 1 / 3 of 40.
    [
      'relative weights',
      { current: { bjs: 1, sha: 1, szx: 1 }, load: 60 },
      {},
      ['a1'],
      'a2',
      false,
      'Draining a2 (HEALTHY) would leave sha 10 capacity units of checkout in rotation (1 endpoint); at 80% ' +
        'utilization they carry 8, less than its 33.3% share of the load (20).',
    ],
  ])('refuses for capacity: %s', (_name, overrides, states, drained, endpoint, page, reason) => {
    expect(planDrain(ctxOf(overrides), endpoints(states), drained, endpoint)).toEqual({
      kind: 'refused',
      guardrail: 'capacity',
      reason,
      page,
    });
  });

  it('drains a DEGRADED endpoint its peers can spare (the refused case above at load 40: 16 on sha)', () => {
    expect(planDrain(ctxOf(), endpoints({ a1: 'DEGRADED' }), [], 'a1').kind).toBe('drain-plan');
  });

  it.each<[string, Partial<ShiftContext>, string[], string, Guardrail, string]>([
    ['kill switch', { guards: guards({ killSwitch: true }) }, [], 'a1', 'kill-switch', 'kill switch is on'],
    ['freeze', { guards: guards({ frozen: true }) }, [], 'a1', 'freeze', 'freeze window'],
    [
      'manual override',
      { guards: guards({ manualOverride: true }) },
      [],
      'a1',
      'manual-override',
      'override',
    ],
    ['rate limit', { guards: guards({ actionsInLastHour: 6 }) }, [], 'a1', 'rate-limit', '6 actions'],
    ['stale data', { stale: true }, [], 'a1', 'stale', 'stale'],
    ['suspect vantages', { suspectVantages: 2, liveVantages: 3 }, [], 'a1', 'panic', '2 of 3 live vantages'],
    [
      'two IDCs UNHEALTHY',
      { idcs: [idc('sha', 'HEALTHY'), idc('bjs', 'UNHEALTHY'), idc('szx', 'UNHEALTHY')] },
      [],
      'a1',
      'panic',
      '2 IDCs are UNHEALTHY',
    ],
    ['already drained', {}, ['a1'], 'a1', 'nothing-to-move', 'a1 of checkout is already drained.'],
    ['unknown endpoint', {}, [], 'zz', 'nothing-to-move', 'checkout has no endpoint named zz.'],
    // Order: the shared guardrails first, then stale before panic, then the endpoint.
    [
      'kill switch before freeze',
      { guards: guards({ killSwitch: true, frozen: true }) },
      [],
      'a1',
      'kill-switch',
      '',
    ],
    [
      'manual override before rate limit',
      { guards: guards({ manualOverride: true, actionsInLastHour: 9 }) },
      [],
      'a1',
      'manual-override',
      '',
    ],
    [
      'rate limit before stale',
      { guards: guards({ actionsInLastHour: 9 }), stale: true },
      [],
      'a1',
      'rate-limit',
      '',
    ],
    ['stale before panic', { stale: true, liveVantages: 0 }, [], 'a1', 'stale', ''],
    ['panic before nothing-to-move', { liveVantages: 0 }, ['a1'], 'a1', 'panic', ''],
  ])('refuses: %s', (_name, overrides, drained, endpoint, guardrail, reason) => {
    const refusal = expectRefusal(planDrain(ctxOf(overrides), endpoints(), drained, endpoint));
    expect(refusal.guardrail).toBe(guardrail);
    expect(refusal.reason).toContain(reason);
  });
});

describe('planUndrain', () => {
  const HOLD = POLICY.recoveryHold;
  const AUTO: Guardrail[] = ['kill-switch', 'freeze', 'manual-override', 'stale', 'panic'];

  it('puts a drained endpoint HEALTHY for recoveryHold back, the weights unchanged', () => {
    const plan = planUndrain(ctxOf(), endpoints({}, NOW - HOLD), ['a1', 'b1'], 'a1', { automatic: true });
    expect(plan).toEqual({
      kind: 'drain-plan',
      direction: 'undrain',
      endpoint: 'a1',
      idc: 'sha',
      drainedBefore: ['a1', 'b1'],
      drainedAfter: ['b1'],
      weights: { bjs: 40, sha: 40, szx: 20 },
      guardrailsChecked: [...AUTO, 'recovery-hold', 'nothing-to-move'],
    });
  });

  it.each<[string, Partial<ShiftContext>, HealthState, number, string[], Guardrail, string, number | null]>([
    [
      'HEALTHY for less than recoveryHold',
      {},
      'HEALTHY',
      NOW - 60_000,
      ['a1'],
      'recovery-hold',
      'a1 of checkout has been HEALTHY for 1m; undraining needs recoveryHold 5m (4m left).',
      NOW - 60_000 + HOLD,
    ],
    [
      'not HEALTHY',
      {},
      'DEGRADED',
      NOW - HOLD,
      ['a1'],
      'recovery-hold',
      'a1 of checkout is DEGRADED, not HEALTHY: no undrain.',
      null,
    ],
    [
      'not drained',
      {},
      'HEALTHY',
      NOW - HOLD,
      ['a2'],
      'nothing-to-move',
      'a1 of checkout is not drained: nothing to undrain.',
      null,
    ],
    [
      'kill switch',
      { guards: guards({ killSwitch: true }) },
      'HEALTHY',
      NOW - HOLD,
      ['a1'],
      'kill-switch',
      'kill switch',
      null,
    ],
    ['freeze', { guards: guards({ frozen: true }) }, 'HEALTHY', NOW - HOLD, ['a1'], 'freeze', 'freeze', null],
    [
      'manual override',
      { guards: guards({ manualOverride: true }) },
      'HEALTHY',
      NOW - HOLD,
      ['a1'],
      'manual-override',
      'override',
      null,
    ],
    ['stale data', { stale: true }, 'HEALTHY', NOW - HOLD, ['a1'], 'stale', 'stale', null],
    ['suspect vantages', { liveVantages: 0 }, 'HEALTHY', NOW - HOLD, ['a1'], 'panic', 'suspect', null],
    // Recovery hold before nothing-to-move, as for a failback.
    [
      'within the hold and not drained',
      {},
      'HEALTHY',
      NOW,
      [],
      'recovery-hold',
      'HEALTHY for 0s',
      NOW + HOLD,
    ],
  ])('automatic, refuses: %s', (_name, overrides, state, since, drained, guardrail, reason, retryAt) => {
    const situations = endpoints({ a1: state }, since);
    const refusal = expectRefusal(
      planUndrain(ctxOf(overrides), situations, drained, 'a1', { automatic: true }),
    );
    expect(refusal.guardrail).toBe(guardrail);
    expect(refusal.reason).toContain(reason);
    expect(refusal.retryAt ?? null).toBe(retryAt);
  });

  it.each<[string, Partial<ShiftContext>]>([
    // Putting an endpoint back adds capacity: the hourly cap and a failing picture do not hold it.
    ['at the rate limit', { guards: guards({ actionsInLastHour: 9 }) }],
    [
      'healthy capacity below the panic threshold',
      {
        policy: { ...POLICY, panicThreshold: 0.99 },
        idcs: [idc('sha', 'HEALTHY'), idc('bjs', 'DEGRADED', { healthyCapacity: 20 }), idc('szx', 'HEALTHY')],
      },
    ],
    [
      'two IDCs UNHEALTHY',
      { idcs: [idc('sha', 'HEALTHY'), idc('bjs', 'UNHEALTHY'), idc('szx', 'UNHEALTHY')] },
    ],
  ])('automatic, passes: %s', (_name, overrides) => {
    const ctx = ctxOf(overrides);
    expect(planUndrain(ctx, endpoints({}, NOW - HOLD), ['a1'], 'a1', { automatic: true }).kind).toBe(
      'drain-plan',
    );
  });

  it('manual: only nothing-to-move, whatever the switches and the health', () => {
    const ctx = ctxOf({
      stale: true,
      guards: guards({ killSwitch: true, frozen: true, manualOverride: true }),
    });
    const plan = expectPlan(
      planUndrain(ctx, endpoints({ a1: 'UNHEALTHY' }, NOW), ['a1'], 'a1', { automatic: false }),
    );
    expect(plan.drainedAfter).toEqual([]);
    expect(plan.guardrailsChecked).toEqual(['nothing-to-move']);
    expect(expectRefusal(planUndrain(ctx, endpoints(), ['a2'], 'a1', { automatic: false })).guardrail).toBe(
      'nothing-to-move',
    );
  });

  it('refuses an unknown endpoint, naming it', () => {
    const refusal = expectRefusal(planUndrain(ctxOf(), endpoints(), ['zz'], 'zz', { automatic: false }));
    expect(refusal).toEqual({
      kind: 'refused',
      guardrail: 'nothing-to-move',
      reason: 'checkout has no endpoint named zz.',
      page: false,
    });
  });
});

describe('endpointsToUndrain', () => {
  const HOLD = POLICY.recoveryHold;
  const at = (name: string, state: HealthState, since: number): EndpointSituation => ({
    name,
    idc: IDC_OF[name],
    state,
    capacity: CAPACITY[name],
    since,
  });

  it.each<[string, EndpointSituation[], string[], string[], string[]]>([
    ['HEALTHY for the hold, rule quiet', [at('a1', 'HEALTHY', NOW - HOLD)], ['a1'], [], ['a1']],
    ['HEALTHY for less than the hold', [at('a1', 'HEALTHY', NOW - HOLD + 1)], ['a1'], [], []],
    ['its drain rule still firing', [at('a1', 'HEALTHY', NOW - HOLD)], ['a1'], ['a1'], []],
    ['not HEALTHY', [at('a1', 'DEGRADED', NOW - HOLD)], ['a1'], [], []],
    ['drained by an operator, not automatically', [at('a1', 'HEALTHY', NOW - HOLD)], [], [], []],
    ['gone from the config', [], ['a1'], [], []],
    [
      'several, sorted',
      [at('b1', 'HEALTHY', NOW - HOLD), at('a2', 'HEALTHY', NOW - HOLD), at('a1', 'UNHEALTHY', NOW)],
      ['b1', 'a2', 'a1', 'b1'],
      [],
      ['a2', 'b1'],
    ],
  ])('%s', (_name, situations, autoDrained, firing, expected) => {
    expect(endpointsToUndrain(autoDrained, situations, new Set(firing), NOW, HOLD)).toEqual(expected);
  });
});
