import { Counter, Gauge, type Registry } from 'prom-client';
import { endpointUp, type EndpointStatus, type HealthEvent, type Leadership } from '@libs/domain';
import type { StatusSnapshot } from '@libs/queue';

/** What one evaluation of the leader shows: the snapshot, every endpoint, the vantages it knows of. */
export interface HealthView {
  snapshot: StatusSnapshot;
  endpoints: ReadonlyMap<string, readonly EndpointStatus[]>;
  /** The vantages the config probes from, and any with a live prober. */
  vantages: readonly string[];
}

/**
 * The health model's Prometheus metrics, refreshed from each evaluation of the leader. The gauges of
 * the model (`leaderGauges`, and the lag) exist on the leader only: a controller that steps down clears them
 * (`clear`), so no follower exports a state it no longer updates.
 */
export class HealthMetrics {
  private readonly endpointStates: Gauge<'state'>;
  private readonly endpointUp: Gauge<'service' | 'idc' | 'endpoint'>;
  private readonly idcRatio: Gauge<'service' | 'idc'>;
  private readonly idcScore: Gauge<'service' | 'idc'>;
  private readonly idcState: Gauge<'service' | 'idc' | 'state'>;
  private readonly weight: Gauge<'service' | 'idc'>;
  private readonly vantageLive: Gauge<'vantage'>;
  private readonly events: Counter<'kind'>;
  readonly ingested: Counter<'vantage'>;
  readonly evaluations: Counter<'kind'>;
  readonly lag: Gauge;
  readonly repeated: Counter;
  private readonly leaderGauges: Gauge<string>[];

  /** `leadership` is read at each scrape. */
  constructor(registry: Registry, leadership: () => Leadership) {
    const registers = [registry];
    this.endpointStates = new Gauge({
      name: 'vigil_endpoint_states',
      help: 'Endpoints by health state (leader only)',
      labelNames: ['state'],
      registers,
    });
    this.endpointUp = new Gauge({
      name: 'vigil_endpoint_up',
      help: '1 while an endpoint serves (HEALTHY or DEGRADED), 0 when UNHEALTHY; no sample while UNKNOWN (leader only)',
      labelNames: ['service', 'idc', 'endpoint'],
      registers,
    });
    this.idcRatio = new Gauge({
      name: 'vigil_idc_healthy_ratio',
      help: 'Healthy capacity of a service in an IDC over its capacity, 0-1 (leader only)',
      labelNames: ['service', 'idc'],
      registers,
    });
    this.idcScore = new Gauge({
      name: 'vigil_idc_score_ratio',
      help: 'Health score of a service in an IDC, 0-1: its endpoints’ scores weighted by capacity (leader only)',
      labelNames: ['service', 'idc'],
      registers,
    });
    this.idcState = new Gauge({
      name: 'vigil_idc_state',
      help: '1 for the current state of a service in an IDC, 0 for the others (leader only)',
      labelNames: ['service', 'idc', 'state'],
      registers,
    });
    this.weight = new Gauge({
      name: 'vigil_service_weight',
      help: 'Share of a service’s traffic in an IDC, in percent: the weights Vigil last applied or is applying, else the config’s (leader only)',
      labelNames: ['service', 'idc'],
      registers,
    });
    this.vantageLive = new Gauge({
      name: 'vigil_vantage_live',
      help: '1 while a vantage has a live prober (heartbeat), 0 for a vantage the config probes from without one (leader only)',
      labelNames: ['vantage'],
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
      help: 'Age of the newest result batch when the leader took it (leader only)',
      registers,
    });
    this.repeated = new Counter({
      name: 'vigil_result_batches_repeated_total',
      help: 'Result batches delivered again after this leader applied them (a stall, a Redis failover), not applied again',
      registers,
    });
    this.leaderGauges = [
      this.endpointStates,
      this.endpointUp,
      this.idcRatio,
      this.idcScore,
      this.idcState,
      this.weight,
      this.vantageLive,
    ];
    this.clear();
  }

  /** Shows one evaluation. Every model gauge is rewritten: what left the config leaves the metrics. */
  observe({ snapshot, endpoints, vantages }: HealthView): void {
    const totals = { UNKNOWN: 0, HEALTHY: 0, DEGRADED: 0, UNHEALTHY: 0 };
    for (const gauge of [this.idcRatio, this.idcScore, this.idcState, this.weight, this.endpointUp])
      gauge.reset();
    for (const service of snapshot.services) {
      for (const idc of service.idcs) {
        const labels = { service: service.service, idc: idc.idc };
        this.idcRatio.set(labels, idc.healthyRatio);
        this.idcScore.set(labels, idc.score / 100);
        this.weight.set(labels, idc.weight);
        for (const state of Object.keys(totals))
          this.idcState.set({ ...labels, state }, state === idc.state ? 1 : 0);
      }
      for (const [state, n] of Object.entries(service.endpoints)) totals[state as keyof typeof totals] += n;
    }
    for (const [service, statuses] of endpoints) {
      for (const e of statuses) {
        const up = endpointUp(e.state);
        // Ids are `<service>.<endpoint>`: the label is the endpoint's name in the config.
        const endpoint = e.id.startsWith(`${service}.`) ? e.id.slice(service.length + 1) : e.id;
        if (up !== undefined) this.endpointUp.set({ service, idc: e.idc, endpoint }, up);
      }
    }
    for (const [state, n] of Object.entries(totals)) this.endpointStates.set({ state }, n);
    const live = new Set(snapshot.vantages.live);
    this.vantageLive.reset();
    for (const vantage of new Set([...vantages, ...live]))
      this.vantageLive.set({ vantage }, live.has(vantage) ? 1 : 0);
  }

  /** Counts the state changes an evaluation recorded. */
  count(events: readonly HealthEvent[]): void {
    for (const e of events) this.events.inc({ kind: e.kind });
  }

  /** Drops every sample of the model's gauges (a follower has none to show). */
  clear(): void {
    for (const gauge of this.leaderGauges) gauge.reset();
    // A gauge without labels keeps a 0 sample after reset: removing its one series leaves none.
    this.lag.reset();
    this.lag.remove();
  }
}
