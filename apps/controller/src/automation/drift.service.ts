import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ENV, type Env } from '@libs/config';
import type { ActualTraffic } from '@libs/persistence';
import { MetricsService } from '@libs/runtime';
import { ControllerLease } from '../controller-lease';
import { every } from '../timers';
import { AutomationStore } from './automation-store';
import { DriftWatch } from './drift-watch';
import { TrafficAdapters } from './traffic-adapters';

/**
 * Runs the read-back of every traffic manager that can be read, every VIGIL_READBACK_INTERVAL_MS on
 * the leader (see DriftWatch), and exports what it finds: `vigil_traffic_drift{service}` (1 while
 * the traffic manager differs from Vigil or cannot be read) and `vigil_traffic_readbacks_total`.
 */
@Injectable()
export class DriftService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DriftService.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly watch: DriftWatch;
  private readonly drifting: Gauge<'service'>;
  private readonly readbacks: Counter<'service' | 'outcome'>;

  constructor(
    @Inject(ENV) private readonly env: Env,
    store: AutomationStore,
    adapters: TrafficAdapters,
    lease: ControllerLease,
    metrics: MetricsService,
  ) {
    const registers = [metrics.registry];
    this.drifting = new Gauge({
      name: 'vigil_traffic_drift',
      help: "1 while a service's traffic manager holds other weights than Vigil applied, or cannot be read back",
      labelNames: ['service'],
      registers,
    });
    this.readbacks = new Counter({
      name: 'vigil_traffic_readbacks_total',
      help: 'Periodic read-backs of traffic managers, by outcome (in-sync, drift, unreadable)',
      labelNames: ['service', 'outcome'],
      registers,
    });
    this.watch = new DriftWatch({
      adapters: () => adapters.all(),
      belief: (service) => store.belief(service, adapters.baseline(service)),
      record: (service, actual, drift, token) =>
        store.recordReadBack(service, adapters.baseline(service), actual, drift, token),
      changed: (service, drift, previous, actual) => this.changed(service, drift, previous, actual),
      observed: (service, outcome) => {
        this.readbacks.inc({ service, outcome });
        this.drifting.set({ service }, outcome === 'in-sync' ? 0 : 1);
      },
      fencingToken: () => lease.fencingToken,
      warn: (message) => this.logger.warn(message),
    });
  }

  onApplicationBootstrap(): void {
    every(
      this.timers,
      this.env.VIGIL_READBACK_INTERVAL_MS,
      () => this.watch.tick(),
      (message) => this.logger.warn(`read-back: ${message}`),
    );
  }

  beforeApplicationShutdown(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  private async changed(
    service: string,
    drift: string | null,
    previous: string | null,
    _actual: ActualTraffic,
  ): Promise<void> {
    if (drift) this.logger.warn(`traffic manager of ${service} differs from Vigil: ${drift}`);
    else this.logger.log(`traffic manager of ${service} agrees with Vigil again (was: ${previous ?? ''})`);
  }
}
