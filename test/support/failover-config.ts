import { fleetConfig, type Fleet } from '@libs/fleet';

export interface DrillOptions {
  /** The traffic manager's URL and the env variable holding its signature secret. */
  gslbUrl: string;
  secretEnv: string;
  mode: 'enforce' | 'approval' | 'dry-run';
  /** Overrides of the drill policy (steps of 10%, 1 s apart, recovery hold 3 s, cooldown 1 s). */
  policy?: Record<string, unknown>;
  /** Rule cooldown (default: the config's, 5m). */
  ruleCooldown?: string;
}

/**
 * The config of the failover drills: the fleet's service `live` (every IDC capacity 100, endpoints
 * 25 each, weights sha 40 / bjs 40 / szx 20), probed every second with thresholds of 2, steered
 * through a signed webhook to a fake GSLB, with one rule: shift away from an UNHEALTHY IDC.
 */
export function drillConfig(fleet: Fleet, o: DrillOptions): Record<string, any> {
  const doc = fleetConfig(fleet, {
    service: 'live',
    interval: '1s',
    timeout: '500ms',
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    policy: {
      maxStepPercent: 10,
      stepInterval: '1s',
      recoveryHold: '3s',
      cooldown: '1s',
      maxUtilization: 0.9,
      ...o.policy,
    },
  }) as Record<string, any>;
  doc.idcs = doc.idcs.map((i: { name: string }) => ({ ...i, capacity: 100 }));
  const service = doc.services[0];
  service.endpoints = service.endpoints.map((e: object) => ({ ...e, capacity: 25 }));
  service.weights = { sha: 40, bjs: 40, szx: 20 };
  service.trafficManager = {
    type: 'webhook',
    url: o.gslbUrl,
    secret: { secretRef: o.secretEnv },
    timeout: '2s',
  };
  doc.rules = [
    {
      name: 'idc-down',
      when: 'idc.state == "UNHEALTHY"',
      for: '0s',
      ...(o.ruleCooldown ? { cooldown: o.ruleCooldown } : {}),
      mode: o.mode,
      actions: [{ type: 'shift-away' }],
    },
  ];
  return doc;
}
