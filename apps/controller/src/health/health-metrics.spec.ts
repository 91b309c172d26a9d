import { Registry } from 'prom-client';
import type { EndpointStatus, HealthState } from '@libs/domain';
import type { IdcStatus, StatusSnapshot } from '@libs/queue';
import { HealthMetrics, type HealthView } from './health-metrics';

const counts = { UNKNOWN: 0, HEALTHY: 1, DEGRADED: 0, UNHEALTHY: 1 };

function idc(name: string, state: HealthState, score: number, weight: number): IdcStatus {
  return {
    idc: name,
    state,
    reason: 'ok',
    score,
    healthyRatio: state === 'HEALTHY' ? 1 : 0,
    healthyCapacity: 1,
    totalCapacity: 1,
    weight,
    since: 0,
    endpoints: counts,
  };
}

function endpoint(id: string, idcName: string, state: HealthState): EndpointStatus {
  return { id, idc: idcName, state, reason: '', score: 100, since: 0 };
}

function view(endpoints: EndpointStatus[], live = ['sha']): HealthView {
  const snapshot: StatusSnapshot = {
    generatedAt: 0,
    configVersion: 1,
    vantages: { live, suspect: [] },
    services: [
      {
        service: 'web',
        idcs: [idc('sha', 'HEALTHY', 97, 60), idc('bjs', 'UNHEALTHY', 0, 40)],
        endpoints: counts,
      },
    ],
  };
  return { snapshot, endpoints: new Map([['web', endpoints]]), vantages: ['sha', 'bjs'] };
}

describe('HealthMetrics', () => {
  let registry: Registry;
  let metrics: HealthMetrics;
  const exposition = () => registry.metrics();
  beforeEach(() => {
    registry = new Registry();
    metrics = new HealthMetrics(registry, () => ({
      leader: 'me',
      self: true,
      leaderlessSeconds: 0,
      ready: true,
    }));
  });

  it('shows every endpoint up or down, the IDC scores as ratios, the weights and the vantages', async () => {
    metrics.observe(
      view([
        endpoint('web.sha-1', 'sha', 'HEALTHY'),
        endpoint('web.bjs-1', 'bjs', 'UNHEALTHY'),
        endpoint('web.bjs-2', 'bjs', 'UNKNOWN'),
      ]),
    );
    const text = await exposition();
    expect(text).toContain('vigil_endpoint_up{service="web",idc="sha",endpoint="sha-1"} 1');
    expect(text).toContain('vigil_endpoint_up{service="web",idc="bjs",endpoint="bjs-1"} 0');
    expect(text).not.toContain('endpoint="bjs-2"');
    expect(text).toContain('vigil_idc_score_ratio{service="web",idc="sha"} 0.97');
    expect(text).toContain('vigil_service_weight{service="web",idc="bjs"} 40');
    expect(text).toContain('vigil_vantage_live{vantage="sha"} 1');
    expect(text).toContain('vigil_vantage_live{vantage="bjs"} 0');
  });

  it('deletes the series of an endpoint that left the config', async () => {
    metrics.observe(view([endpoint('web.sha-1', 'sha', 'HEALTHY'), endpoint('web.sha-2', 'sha', 'HEALTHY')]));
    metrics.observe(view([endpoint('web.sha-1', 'sha', 'HEALTHY')]));
    const text = await exposition();
    expect(text).toContain('endpoint="sha-1"');
    expect(text).not.toContain('endpoint="sha-2"');
  });

  it('clears every gauge of the model, so a follower exports none', async () => {
    metrics.observe(view([endpoint('web.sha-1', 'sha', 'HEALTHY')]));
    metrics.lag.set(0.2);
    metrics.clear();
    const samples = (await exposition()).split('\n').filter((line) => line && !line.startsWith('#'));
    const names = new Set(samples.map((line) => /^\w+/.exec(line)![0]));
    for (const name of [
      'vigil_endpoint_up',
      'vigil_endpoint_states',
      'vigil_idc_state',
      'vigil_idc_score_ratio',
      'vigil_idc_healthy_ratio',
      'vigil_service_weight',
      'vigil_vantage_live',
      'vigil_ingestion_lag_seconds',
    ])
      expect(names).not.toContain(name);
    expect(names).toContain('vigil_controller_leader');
  });
});
