import { Counter, Gauge, type Registry } from 'prom-client';
import type { HealthEvent, Leadership } from '@libs/domain';
import type { StatusSnapshot } from '@libs/queue';

/** The health model's Prometheus metrics, refreshed from each published snapshot. */
export class HealthMetrics {
  private readonly endpointStates: Gauge<'state'>;
  private readonly idcRatio: Gauge<'service' | 'idc'>;
  private readonly idcScore: Gauge<'service' | 'idc'>;
  private readonly idcState: Gauge<'service' | 'idc' | 'state'>;
  private readonly events: Counter<'kind'>;
  readonly ingested: Counter<'vantage'>;
  readonly evaluations: Counter<'kind'>;
  readonly lag: Gauge;
  readonly repeated: Counter;

  /** `leadership` is read at each scrape. */
  constructor(registry: Registry, leadership: () => Leadership) {
    const registers = [registry];
    this.endpointStates = new Gauge({
      name: 'vigil_endpoint_states',
      help: 'Endpoints by health state',
      labelNames: ['state'],
      registers,
    });
    this.idcRatio = new Gauge({
      name: 'vigil_idc_healthy_ratio',
      help: 'Healthy capacity ratio of a service in an IDC',
      labelNames: ['service', 'idc'],
      registers,
    });
    this.idcScore = new Gauge({
      name: 'vigil_idc_score',
      help: 'Health score (0-100) of a service in an IDC',
      labelNames: ['service', 'idc'],
      registers,
    });
    this.idcState = new Gauge({
      name: 'vigil_idc_state',
      help: '1 for the current state of a service in an IDC',
      labelNames: ['service', 'idc', 'state'],
      registers,
    });
    this.events = new Counter({
      name: 'vigil_health_events_total',
      help: 'State changes, by kind',
      labelNames: ['kind'],
      registers,
    });
    new Gauge({
      name: 'vigil_controller_leader',
      help: '1 while this controller leads',
      registers,
      collect() {
        this.set(leadership().self ? 1 : 0);
      },
    });
    new Gauge({
      name: 'vigil_controller_leaderless_seconds',
      help: 'Seconds since this controller last saw the leader lease held (0 while it leads; under a third of the lease TTL while another does)',
      registers,
      collect() {
        this.set(leadership().leaderlessSeconds);
      },
    });
    this.ingested = new Counter({
      name: 'vigil_results_ingested_total',
      help: 'Probe results taken into the health model, by vantage',
      labelNames: ['vantage'],
      registers,
    });
    this.evaluations = new Counter({
      name: 'vigil_health_evaluations_total',
      help: 'Evaluations published: full (the 1 s tick) or changed (right after a batch that moved a track, when a state changed)',
      labelNames: ['kind'],
      registers,
    });
    this.lag = new Gauge({
      name: 'vigil_ingestion_lag_seconds',
      help: 'Age of the newest result batch when the leader took it',
      registers,
    });
    this.repeated = new Counter({
      name: 'vigil_result_batches_repeated_total',
      help: 'Result batches delivered again after this leader applied them (a stall, a Redis failover), not applied again',
      registers,
    });
  }

  observe(snapshot: StatusSnapshot, events: readonly HealthEvent[]): void {
    const totals = { UNKNOWN: 0, HEALTHY: 0, DEGRADED: 0, UNHEALTHY: 0 };
    this.idcRatio.reset();
    this.idcScore.reset();
    this.idcState.reset();
    for (const service of snapshot.services) {
      for (const idc of service.idcs) {
        const labels = { service: service.service, idc: idc.idc };
        this.idcRatio.set(labels, idc.healthyRatio);
        this.idcScore.set(labels, idc.score);
        for (const state of Object.keys(totals))
          this.idcState.set({ ...labels, state }, state === idc.state ? 1 : 0);
      }
      for (const [state, n] of Object.entries(service.endpoints)) totals[state as keyof typeof totals] += n;
    }
    for (const [state, n] of Object.entries(totals)) this.endpointStates.set({ state }, n);
    for (const e of events) this.events.inc({ kind: e.kind });
  }
}
