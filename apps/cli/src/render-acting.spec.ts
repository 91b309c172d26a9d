import {
  describeAction,
  formatGuardrails,
  formatWeights,
  freezeState,
  renderAction,
  renderActions,
  renderAutomation,
  renderDecision,
  renderDrain,
  renderEndpointHealth,
  renderEventLine,
  renderEvents,
  renderFreezeEnded,
  renderFreezes,
  renderReleased,
  renderRollback,
  renderServiceTraffic,
  renderSetWeights,
  type Action,
  type EndpointHealth,
  type Freeze,
  type HealthEvent,
  type ServiceTraffic,
  type SetWeightsResult,
} from './render-acting';

const now = new Date('2026-05-01T10:05:00Z');
const ID = '0b6d2f3e-8a1c-4c1e-9a7e-2b9b1f0c4d11';

const action: Action = {
  id: ID,
  service: 'web',
  rule: 'sha-down',
  kind: 'shift-away',
  idc: 'sha',
  mode: 'approval',
  state: 'awaiting-approval',
  reason: 'sha is UNHEALTHY',
  stepsDone: 0,
  stepsTotal: 2,
  decidedBy: null,
  error: null,
  createdAt: '2026-05-01T10:00:00.000Z',
  updatedAt: '2026-05-01T10:00:00.000Z',
  guardrails: ['kill-switch', 'freeze'],
  weightsBefore: { sha: 75, bjs: 25 },
  steps: [
    { index: 0, weights: { bjs: 50, sha: 50 }, state: 'pending', attempts: 0, finishedAt: null },
    { index: 1, weights: { bjs: 100, sha: 0 }, state: 'pending', attempts: 0, finishedAt: null },
  ],
};

describe('formatWeights and describeAction', () => {
  it('prints weights by IDC name as idc=weight, - when none', () => {
    expect(formatWeights({ sha: 75, bjs: 25 })).toBe('bjs=25 sha=75');
    expect(formatWeights(null)).toBe('-');
  });

  it('names the kind, the service and the IDC it moves traffic from (or back to)', () => {
    expect(describeAction(action)).toBe('shift-away of web from sha');
    expect(describeAction({ ...action, kind: 'failback' })).toBe('failback of web to sha');
    expect(describeAction({ ...action, kind: 'set-weights', idc: null })).toBe('set-weights of web');
  });

  it('shows passed guardrails by name and a refusal with its reason', () => {
    expect(formatGuardrails(['kill-switch', 'freeze'])).toBe('kill-switch, freeze');
    expect(formatGuardrails([{ guardrail: 'cooldown', reason: 'last shift 2m ago' }])).toBe(
      'cooldown (last shift 2m ago)',
    );
    expect(formatGuardrails([])).toBe('-');
  });
});

describe('renderActions', () => {
  it('is a table with the id to act on, and the next-page hint', () => {
    const text = renderActions({ items: [action], next: 'abc' }, {}, now);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^ID\s+SERVICE\s+KIND\s+IDC\s+MODE\s+STATE\s+STEPS\s+AGE\s+BY\s+REASON$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${ID}\\s+web\\s+shift-away\\s+sha\\s+approval\\s+awaiting-approval\\s+0/2\\s+5m\\s+rule sha-down\\s+sha is UNHEALTHY$`,
      ),
    );
    expect(lines[2]).toBe('(more: add --cursor abc)');
  });

  it('says when none match the filters', () => {
    expect(renderActions({ items: [], next: null }, { state: 'held' })).toBe('No actions with state=held.');
  });
});

describe('renderAction', () => {
  it('shows the action, its weights before, its guardrails, its steps and what to do next', () => {
    const text = renderAction(action, now);
    expect(text).toContain(`Action ${ID}: shift-away of web from sha\n`);
    expect(text).toContain('  state:      awaiting-approval (0/2 steps applied)\n');
    expect(text).toContain('  mode:       approval (rule sha-down)\n');
    expect(text).toContain('  before:     bjs=25 sha=75\n');
    expect(text).toContain('  guardrails: kill-switch, freeze\n');
    expect(text).toMatch(/^STEP\s+STATE\s+WEIGHTS\s+ATTEMPTS\s+FINISHED$/m);
    expect(text).toMatch(/^\s+1\s+pending\s+bjs=50 sha=50\s+0\s+-$/m);
    expect(text).toContain(`Awaiting approval: vigil actions approve ${ID} (or reject ${ID}).`);
  });

  it('offers a rollback once steps were applied, and shows who decided and the error', () => {
    const done: Action = {
      ...action,
      state: 'failed',
      stepsDone: 1,
      decidedBy: 'ops-alice',
      error: 'HTTP 503',
    };
    const text = renderAction(done, now);
    expect(text).toContain('  decided by: ops-alice\n');
    expect(text).toContain('  error:      HTTP 503\n');
    expect(text).toContain(`To undo it: vigil actions rollback ${ID} -r <why>.`);
  });
});

describe('drain actions', () => {
  const drain: Action = {
    ...action,
    rule: null,
    kind: 'drain-endpoint',
    endpoint: 'sha-1',
    mode: 'manual',
    state: 'executing',
    reason: '5xx under load',
    stepsTotal: 1,
    decidedBy: 'ops-alice',
    guardrails: [],
    weightsBefore: { bjs: 25, sha: 75 },
    steps: [
      { index: 0, weights: { bjs: 25, sha: 75 }, drained: ['bjs-2', 'sha-1'], state: 'pending', attempts: 0 },
    ],
  };

  it('names the endpoint as <service>.<name> with its IDC', () => {
    expect(describeAction(drain)).toBe('drain-endpoint of web.sha-1 (sha)');
    expect(describeAction({ ...drain, kind: 'undrain-endpoint', idc: null })).toBe(
      'undrain-endpoint of web.sha-1',
    );
  });

  it("shows the step's drained endpoints, and no such column for other actions", () => {
    const text = renderAction(drain, now);
    expect(text).toContain(`Action ${ID}: drain-endpoint of web.sha-1 (sha)\n`);
    expect(text).toMatch(/^STEP\s+STATE\s+WEIGHTS\s+DRAINED\s+ATTEMPTS\s+FINISHED$/m);
    expect(text).toMatch(/^\s+1\s+pending\s+bjs=25 sha=75\s+bjs-2,sha-1\s+0\s+-$/m);
    const undrained = renderAction({ ...drain, steps: [{ ...drain.steps[0], drained: [] }] }, now);
    expect(undrained).toMatch(/^\s+1\s+pending\s+bjs=25 sha=75\s+none\s+0\s+-$/m);
    expect(renderAction({ ...action, steps: [{ ...action.steps[0], drained: null }] }, now)).not.toContain(
      'DRAINED',
    );
  });

  it('confirms a drain and an undrain with the action, how to follow it and how to undo it', () => {
    expect(renderDrain('drain', drain)).toBe(
      `Draining endpoint sha-1 of web (sha): action ${ID} is executing;\n` +
        '  once applied, its traffic manager sends it no new requests; the weights stay as they are.\n' +
        `Follow it with: vigil actions show ${ID}\n` +
        'Undo with: vigil undrain web sha-1 -r <why>',
    );
    const undrain: Action = { ...drain, kind: 'undrain-endpoint', idc: null };
    expect(renderDrain('undrain', undrain)).toBe(
      `Undraining endpoint sha-1 of web: action ${ID} is executing;\n` +
        '  once applied, it receives requests again at the weights in force.\n' +
        `Follow it with: vigil actions show ${ID}\n` +
        'Undo with: vigil drain web sha-1 -r <why>',
    );
  });
});

describe('renderDecision and renderRollback', () => {
  it('says what became of the action, with the API note', () => {
    expect(renderDecision('approve', { ...action, state: 'executing' })).toBe(
      `Approved action ${ID} (shift-away of web from sha): it is executing.`,
    );
    expect(renderDecision('reject', { ...action, state: 'rejected' })).toBe(
      `Rejected action ${ID} (shift-away of web from sha): nothing was applied.`,
    );
    expect(renderDecision('cancel', { ...action, state: 'cancelled', note: '1 step stays applied' })).toBe(
      `Cancelled action ${ID} (shift-away of web from sha): no further step is sent.\n1 step stays applied`,
    );
  });

  it('names the rollback action and the weights it restores', () => {
    const rollback: Action = {
      ...action,
      id: 'r1',
      kind: 'rollback',
      state: 'executing',
      steps: [{ index: 0, weights: { bjs: 25, sha: 75 }, state: 'pending', attempts: 0 }],
    };
    expect(renderRollback(ID, rollback)).toBe(
      `Rolling back action ${ID}: rollback action r1 is executing, restoring bjs=25 sha=75.`,
    );
  });
});

describe('freezes', () => {
  const freeze: Freeze = {
    id: 'f1',
    services: [],
    idcs: ['sha'],
    until: '2026-05-01T12:05:00.000Z',
    reason: 'CHG-1234',
    createdBy: 'ops-alice',
    createdAt: '2026-05-01T10:00:00.000Z',
    liftedAt: null,
    active: true,
  };

  it('is active, lifted or expired', () => {
    expect(freezeState(freeze)).toBe('active');
    expect(freezeState({ ...freeze, active: false, liftedAt: '2026-05-01T10:01:00Z' })).toBe('lifted');
    expect(freezeState({ ...freeze, active: false })).toBe('expired');
  });

  it('lists them with their scope (all when empty) and end', () => {
    const lines = renderFreezes([freeze], 'freezes', now).split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATE\s+SERVICES\s+IDCS\s+UNTIL\s+BY\s+REASON$/);
    expect(lines[1]).toMatch(
      /^f1\s+active\s+all\s+sha\s+2026-05-01 12:05:00Z \(in 2h\)\s+ops-alice\s+CHG-1234$/,
    );
    expect(renderFreezes([], 'active freezes')).toBe('No active freezes.');
  });

  it('says what an ended freeze lets run again', () => {
    expect(renderFreezeEnded(freeze)).toBe(
      'Ended freeze f1 (services all, IDCs sha): automatic actions may run there again.',
    );
  });
});

describe('renderAutomation', () => {
  it('says loudly when the kill switch is on, by whom, since when and why', () => {
    expect(
      renderAutomation(
        { paused: true, by: 'ops-alice', reason: 'incident 4711', since: '2026-05-01T10:00:00.000Z' },
        now,
      ),
    ).toBe(
      'Automation is PAUSED (kill switch) by ops-alice since 2026-05-01 10:00:00Z (5m ago): incident 4711\n' +
        'Resume with: vigil automation resume',
    );
  });

  it('says it is running, and who resumed it', () => {
    expect(renderAutomation({ paused: false, reason: null, by: null, since: null })).toBe(
      'Automation is running (never paused).',
    );
    expect(
      renderAutomation({ paused: false, by: 'bob', reason: null, since: '2026-05-01T10:04:00.000Z' }, now),
    ).toBe('Automation is running (resumed by bob since 2026-05-01 10:04:00Z (1m ago)).');
  });
});

describe('weights', () => {
  const traffic: ServiceTraffic = {
    service: 'web',
    baseline: { sha: 75, bjs: 25 },
    desired: { sha: 0, bjs: 100 },
    applied: null,
    appliedAt: null,
    override: {
      weights: { sha: 0, bjs: 100 },
      reason: 'sha maintenance',
      by: 'ops-alice',
      at: '2026-05-01T10:00:00Z',
    },
    latestAction: {
      ...action,
      kind: 'set-weights',
      idc: null,
      state: 'executing',
      mode: 'manual',
      rule: null,
    },
    failback: { sha: { outages: 3, holdMs: 40_000, explanation: 'recoveryHold 10s × 2^2' } },
    drained: [],
    trafficManager: { type: 'webhook', readsBack: false, drainsEndpoints: true },
    actual: null,
    drift: null,
  };

  it('shows per IDC the baseline, desired and applied weights and the failback hold, then the override', () => {
    const text = renderServiceTraffic(traffic, now);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Weights of web (not yet confirmed by the traffic manager)');
    expect(lines[1]).toMatch(/^IDC\s+BASELINE\s+DESIRED\s+APPLIED\s+IN FORCE\s+FAILBACK$/);
    expect(lines[2]).toMatch(/^bjs\s+25\s+100\s+-\s+-\s+-$/);
    expect(lines[3]).toMatch(/^sha\s+75\s+0\s+-\s+-\s+hold 40s \(recoveryHold 10s × 2\^2\)$/);
    expect(text).toContain('Traffic manager: webhook; cannot be read back');
    expect(text).toContain(
      'Manual override: bjs=100 sha=0 by ops-alice at 2026-05-01 10:00:00Z (5m ago): sha maintenance',
    );
    expect(text).toContain('release with: vigil weights release web');
    expect(text).toContain(`Latest action: ${ID} set-weights of web, executing (0/2 steps, 5m ago)`);
  });

  it("shows the traffic manager's weights beside Vigil's, the drift, the TTL and the drained endpoints", () => {
    const text = renderServiceTraffic(
      {
        ...traffic,
        applied: { sha: 0, bjs: 100 },
        trafficManager: { type: 'powerdns', readsBack: true, drainsEndpoints: false, ttlSeconds: 30 },
        actual: {
          ok: true,
          weights: { sha: 49.99, bjs: 50.01 },
          detail: 'zone example.org.',
          readAt: '2026-05-01T10:04:00Z',
        },
        drift: { reason: 'weights differ: sha 0% applied, 49.99% in force', since: '2026-05-01T10:03:00Z' },
        drained: ['sha-1'],
      },
      now,
    );
    expect(text.split('\n')[3]).toMatch(/^sha\s+75\s+0\s+0\s+49\.99\s+/);
    expect(text).toContain(
      'Traffic manager: powerdns, DNS TTL 30s (a step takes full effect after it); read back',
    );
    expect(text).toContain(
      'DRIFT since 2026-05-01 10:03:00Z (2m ago): weights differ: sha 0% applied, 49.99% in force',
    );
    expect(text).toContain('Drained endpoints: sha-1');
  });

  it('says when there is no override and no action', () => {
    const text = renderServiceTraffic({ ...traffic, override: null, latestAction: null, failback: {} }, now);
    expect(text).toContain('Manual override: none (automation decides)\nLatest action: none');
  });

  it('confirms a manual set and a release', () => {
    const set: SetWeightsResult = {
      ...traffic,
      action: { ...action, state: 'executing', steps: [action.steps[1]] },
      superseded: ['x1'],
    };
    expect(renderSetWeights(set)).toBe(
      `Set the weights of web to bjs=100 sha=0 by hand: action ${ID} is executing.\n` +
        'Automation is paused for web until: vigil weights release web\n' +
        'Superseded (cancelled): x1',
    );
    expect(renderReleased({ ...traffic, override: null })).toBe(
      'Released the manual override of web: automation decides again. The weights stay bjs=100 sha=0 until an action changes them.',
    );
  });
});

describe('events', () => {
  const event: HealthEvent = {
    id: '9',
    at: '2026-05-01T10:00:00.000Z',
    kind: 'idc',
    service: 'web',
    idc: 'sha',
    endpoint: null,
    vantage: null,
    before: 'HEALTHY',
    after: 'UNHEALTHY',
    reason: 'capacity',
  };

  it('lists them, the subject being the endpoint, the vantage or service/idc', () => {
    const lines = renderEvents({
      items: [event, { ...event, kind: 'endpoint', endpoint: 'web.sha-1' }],
      next: null,
    }).split('\n');
    expect(lines[0]).toMatch(/^TIME\s+KIND\s+SUBJECT\s+CHANGE\s+REASON$/);
    expect(lines[1]).toMatch(/^2026-05-01 10:00:00Z\s+idc\s+web\/sha\s+HEALTHY -> UNHEALTHY\s+capacity$/);
    expect(lines[2]).toMatch(/^\S+ \S+\s+endpoint\s+web\.sha-1\s+/);
    expect(renderEvents({ items: [], next: null }, { kind: 'idc' })).toBe('No events with kind=idc.');
  });

  it('prints a streamed event as one line, its time as ISO or epoch ms', () => {
    expect(renderEventLine(event)).toBe('2026-05-01 10:00:00Z  idc  web/sha  HEALTHY -> UNHEALTHY  capacity');
    expect(renderEventLine({ ...event, at: Date.parse('2026-05-01T10:00:00Z'), reason: '' })).toBe(
      '2026-05-01 10:00:00Z  idc  web/sha  HEALTHY -> UNHEALTHY',
    );
  });
});

describe('renderEndpointHealth', () => {
  const t = Date.parse('2026-05-01T10:04:50Z');
  const health: EndpointHealth = {
    id: 'web.sha-1',
    service: 'web',
    idc: 'sha',
    capacity: 100,
    state: 'UNHEALTHY',
    reason: 'down',
    flapping: true,
    score: 12,
    since: Date.parse('2026-05-01T10:00:00Z'),
    vantages: [
      {
        vantage: 'bjs',
        check: 'healthz',
        state: 'DOWN',
        successes: 0,
        failures: 4,
        lastAt: t,
        lastOk: false,
        lastError: 'connect ECONNREFUSED',
      },
    ],
    downFrom: ['bjs'],
    upFrom: [],
    scoreComponents: { availability: 0.1, latency: 0.5, stability: 0.2 },
    transitions: [],
    lastResults: Array.from({ length: 12 }, (_, i) => ({
      vantage: 'bjs',
      check: 'healthz',
      at: t - i * 1000,
      ok: false,
      latencyMs: 1.4,
      errorKind: 'refused',
      detail: 'connect ECONNREFUSED',
    })),
  };

  it('shows state, score, checks per vantage and the newest results', () => {
    const text = renderEndpointHealth(health, now);
    expect(text).toContain('Endpoint web.sha-1 (service web, IDC sha, capacity 100)\n');
    expect(text).toContain('  state:  UNHEALTHY (down), FLAPPING, since 2026-05-01 10:00:00Z (5m ago)\n');
    expect(text).toContain('  score:  12 (availability 0.1, latency 0.5, stability 0.2)\n');
    expect(text).toContain('  down from: bjs; up from: -\n');
    expect(text).toMatch(/^VANTAGE\s+CHECK\s+STATE\s+STREAK\s+LAST\s+ERROR$/m);
    expect(text).toMatch(/^bjs\s+healthz\s+DOWN\s+4 failed\s+10s ago\s+connect ECONNREFUSED$/m);
    expect(text).toContain('Newest results (10 of 12)\n');
    expect(text).toMatch(
      /^2026-05-01 10:04:50Z\s+bjs\s+healthz\s+FAIL\s+1ms\s+-\s+refused: connect ECONNREFUSED$/m,
    );
  });

  it('says when nothing was probed yet', () => {
    const unknown: EndpointHealth = {
      ...health,
      state: 'UNKNOWN',
      reason: 'unknown',
      flapping: undefined,
      since: null,
      vantages: [],
      lastResults: [],
      downFrom: [],
    };
    expect(renderEndpointHealth(unknown, now)).toMatch(
      /state: {2}UNKNOWN \(unknown\)\n[\s\S]*\n\nNo probe results yet\.$/,
    );
  });
});
