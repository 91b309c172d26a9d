import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The prober's Prometheus metrics. */
export class ProberMetrics {
  readonly probes: Counter<'vantage' | 'type' | 'result'>;
  readonly duration: Histogram<'vantage' | 'type'>;
  readonly lateness: Histogram<'vantage'>;
  readonly ticksSkipped: Counter<'vantage' | 'reason'>;
  readonly buffered: Gauge;
  readonly tasks: Gauge<'vantage'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.probes = new Counter({
      name: 'vigil_probes_total',
      help: 'Probes run, by vantage, check type and result (ok or the error kind)',
      labelNames: ['vantage', 'type', 'result'],
      registers,
    });
    this.duration = new Histogram({
      name: 'vigil_probe_duration_seconds',
      help: 'How long probes took',
      labelNames: ['vantage', 'type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.lateness = new Histogram({
      name: 'vigil_probe_lateness_seconds',
      help: 'How late probes started against their schedule',
      labelNames: ['vantage'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.ticksSkipped = new Counter({
      name: 'vigil_probe_ticks_skipped_total',
      help: 'Probe ticks not run, by reason (stale: picked up too late, e.g. after a prober died)',
      labelNames: ['vantage', 'reason'],
      registers,
    });
    this.buffered = new Gauge({
      name: 'vigil_probe_results_buffered',
      help: 'Probe results waiting to be sent to the controller',
      registers,
    });
    this.tasks = new Gauge({
      name: 'vigil_probe_tasks',
      help: 'Probe tasks (check x endpoint) this prober runs, by vantage',
      labelNames: ['vantage'],
      registers,
    });
  }
}
