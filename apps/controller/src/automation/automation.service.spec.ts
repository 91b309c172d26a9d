import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ENV, type StoredConfig } from '@libs/config';
import type { ShiftGuards, Weights } from '@libs/domain';
import type { StatusSnapshot } from '@libs/queue';
import { Registry } from 'prom-client';
import { ConfigFollower, MetricsService, REDIS } from '@libs/runtime';
import { TrafficAdapters } from './traffic-adapters';
import { ControllerLease } from '../controller-lease';
import { ActionTraces } from '../action-traces';
import { HealthService } from '../health/health.service';
import { MaintenanceWindows } from '../maintenance/maintenance-windows';
import { NotifierService } from '../notify/notifier.service';
import { TrafficWeights } from '../traffic-weights';
import { AlertsStore } from './alerts-store';
import { AutomationStore, type NewAction } from './automation-store';
import { AutomationService } from './automation.service';
import { twoIdcConfig } from '../testing/two-idc-config';

const config = twoIdcConfig({
  rules: [
    {
      name: 'drain',
      when: 'idc.state == "UNHEALTHY"',
      for: '0s',
      mode: 'enforce',
      actions: [{ type: 'shift-away' }],
    },
  ],
});

const T0 = 1_800_000_000_000;
/** sha UNHEALTHY (nothing healthy there), bjs HEALTHY: the rule fires for sha. */
const snapshot = (now: number): StatusSnapshot => ({
  generatedAt: now,
  configVersion: 1,
  vantages: { live: ['sha', 'bjs'], suspect: [] },
  services: [
    {
      service: 'live',
      endpoints: { UNKNOWN: 0, HEALTHY: 1, DEGRADED: 0, UNHEALTHY: 1 },
      idcs: (['bjs', 'sha'] as const).map((idc) => {
        const up = idc === 'bjs';
        return {
          idc,
          state: up ? ('HEALTHY' as const) : ('UNHEALTHY' as const),
          reason: up ? 'ok' : 'capacity',
          score: up ? 100 : 0,
          healthyRatio: up ? 1 : 0,
          healthyCapacity: up ? 10 : 0,
          totalCapacity: 10,
          weight: 50,
          since: now - 60_000,
          endpoints: { UNKNOWN: 0, HEALTHY: up ? 1 : 0, DEGRADED: 0, UNHEALTHY: up ? 0 : 1 },
        };
      }),
    },
  ],
});

class FakeLease {
  fencingToken: number | null = null;
  get isLeader(): boolean {
    return this.fencingToken !== null;
  }
  setIfLeader = jest.fn(async (_entries: Readonly<Record<string, string>>, token?: number) => {
    return this.fencingToken !== null && token === this.fencingToken;
  });
  holds = jest.fn(async (token: number) => token === this.fencingToken);
}

async function setup(guards: Partial<ShiftGuards> = {}) {
  const lease = new FakeLease();
  const desired = new Map<string, Weights>([['live', { sha: 50, bjs: 50 }]]);
  const store = {
    allDesired: jest.fn(async () => new Map(desired)),
    activeFreezes: jest.fn(async () => 2),
    desiredWeights: jest.fn(async (service: string) => desired.get(service) ?? null),
    guards: jest.fn(async (): Promise<ShiftGuards> => ({
      killSwitch: false,
      frozen: false,
      manualOverride: false,
      actionsInLastHour: 0,
      ...guards,
    })),
    openActions: jest.fn(async () => []),
    create: jest.fn(async (_action: NewAction) => 'action-1'),
    lastWeightChange: jest.fn(async () => null),
    newestFencingToken: jest.fn(async () => 0),
    executing: jest.fn(async () => []),
    drained: jest.fn(async () => []),
    allDrained: jest.fn(async () => new Map()),
  };
  let evaluated: ((s: StatusSnapshot, now: number) => Promise<void>) | undefined;
  const configListeners: Array<(c: StoredConfig) => void> = [];
  const notifier = { notifyRule: jest.fn(), notifyRuleDisabled: jest.fn() };
  // No Postgres: the alert reads and expiry fail, which the service logs and goes on without.
  const db = {
    query: jest.fn(async () => Promise.reject(new Error('no database here'))),
    manager: { query: jest.fn(async () => Promise.reject(new Error('no database here'))) },
    transaction: jest.fn(async () => Promise.reject(new Error('no database here'))),
  };
  const redis = { get: jest.fn(async () => null), publish: jest.fn(async () => 0) };
  const registry = new Registry();
  const moduleRef = await Test.createTestingModule({
    providers: [
      AutomationService,
      ActionTraces,
      TrafficWeights,
      TrafficAdapters,
      AlertsStore,
      { provide: AutomationStore, useValue: store },
      { provide: MaintenanceWindows, useValue: { freezing: async () => [], inForce: async () => 1 } },
      { provide: ControllerLease, useValue: lease },
      { provide: NotifierService, useValue: notifier },
      {
        provide: HealthService,
        useValue: {
          onEvaluated: (listener: typeof evaluated) => (evaluated = listener),
          endpointStatuses: () => new Map(),
          decisionTrace: () => undefined,
        },
      },
      {
        provide: ConfigFollower,
        useValue: { onConfig: (l: (c: StoredConfig) => void) => configListeners.push(l) },
      },
      { provide: getDataSourceToken(), useValue: db },
      { provide: REDIS, useValue: redis },
      { provide: MetricsService, useValue: { registry } },
      { provide: ENV, useValue: { VIGIL_REDIS_PREFIX: 'vigil', VIGIL_RULE_EVAL_BUDGET_MS: 500 } },
    ],
  })
    .setLogger({ log: () => undefined, warn: () => undefined, error: () => undefined })
    .compile();
  await moduleRef.init();
  for (const listener of configListeners) listener(config);
  const evaluate = (now: number) => evaluated!(snapshot(now), now);
  return { lease, store, redis, desired, evaluate, weights: moduleRef.get(TrafficWeights), registry };
}

describe('AutomationService', () => {
  it('does nothing on an evaluation while it does not lead: no reads, no actions, weights untouched', async () => {
    const { store, redis, evaluate, weights } = await setup();
    await evaluate(T0);
    expect(redis.get).not.toHaveBeenCalled();
    expect(store.allDesired).not.toHaveBeenCalled();
    expect(store.create).not.toHaveBeenCalled();
    expect(store.executing).not.toHaveBeenCalled();
    expect(weights.get().size).toBe(0);
  });

  it('on the leader, shifts traffic away from an UNHEALTHY IDC under its fencing token, and shows the weights in force', async () => {
    const { lease, store, evaluate, weights, registry } = await setup();
    lease.fencingToken = 4;
    // Read before the rules, then after the executor's step: the status shows the latter.
    store.allDesired
      .mockResolvedValueOnce(new Map([['live', { sha: 50, bjs: 50 }]]))
      .mockResolvedValueOnce(new Map([['live', { sha: 25, bjs: 75 }]]));
    await evaluate(T0);
    expect(store.create).toHaveBeenCalledTimes(1);
    expect(store.create.mock.calls[0][0]).toMatchObject({
      service: 'live',
      rule: 'drain',
      kind: 'shift-away',
      idc: 'sha',
      mode: 'enforce',
      state: 'executing',
      fencingToken: 4,
    });
    expect(store.executing).toHaveBeenCalled(); // the executor ran
    const metrics = await registry.metrics();
    expect(metrics).toContain('vigil_actions_total{kind="shift-away",outcome="executing"} 1');
    expect(metrics).toMatch(/^vigil_freezes_active 2$/m);
    expect(metrics).toMatch(/^vigil_maintenance_windows_active 1$/m);
    expect(weights.get()).toEqual(new Map([['live', { sha: 25, bjs: 75 }]]));
    // The rule book is saved for the next leader under the same token.
    expect(lease.setIfLeader).toHaveBeenCalledWith({ 'vigil:rules:book': expect.any(String) }, 4);
  });

  it('moves no traffic while the kill switch is on: the proposal is recorded as refused, once', async () => {
    const { lease, store, evaluate } = await setup({ killSwitch: true });
    lease.fencingToken = 4;
    await evaluate(T0);
    await evaluate(T0 + 1000);
    expect(store.create).toHaveBeenCalledTimes(1);
    expect(store.create.mock.calls[0][0]).toMatchObject({
      kind: 'shift-away',
      state: 'refused',
      guardrails: ['kill-switch'],
      steps: [],
    });
  });

  it('stops acting once the lease is lost', async () => {
    const { lease, store, evaluate } = await setup();
    lease.fencingToken = 4;
    await evaluate(T0);
    const calls = store.allDesired.mock.calls.length;
    lease.fencingToken = null;
    await evaluate(T0 + 120_000);
    expect(store.allDesired).toHaveBeenCalledTimes(calls);
    expect(store.create).toHaveBeenCalledTimes(1);
  });
});
