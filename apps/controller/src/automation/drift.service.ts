import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ENV, type Env } from '@libs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { driftEvent } from '@libs/domain';
import { insertTimelineEvents, publishTimelineEvents, type ActualTraffic } from '@libs/persistence';
import { HEALTH_KEYS } from '@libs/queue';
import { MetricsService, REDIS, redisKey } from '@libs/runtime';
import { NotifierService } from '../notify/notifier.service';
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
    private readonly notifier: NotifierService,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    const registers = [metrics.registry];
    this.drifting = new Gauge({
      name: 'vigil_traffic_drift',
      help: "1 while a service's traffic manager holds other weights than Vigil applied, or cannot be read back (leader only)",
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
    // Only the leader reads back: a controller that steps down no longer knows, so says nothing.
    lease.on('lost', () => this.drifting.reset());
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

  /** Drift starts or ends: a timeline event (stored, published) and the notifier's `traffic/<service>` incident. */
  private async changed(
    service: string,
    drift: string | null,
    previous: string | null,
    actual: ActualTraffic,
  ): Promise<void> {
    const reason = drift ?? `the traffic manager agrees with Vigil again (was: ${previous ?? '?'})`;
    if (drift) this.logger.warn(`traffic manager of ${service} differs from Vigil: ${drift}`);
    else this.logger.log(`traffic manager of ${service}: ${reason}`);
    const event = driftEvent({
      service,
      at: Date.now(),
      drifting: drift !== null,
      reason,
      details: { actual },
    });
    this.notifier.notifyDrift(event);
    await insertTimelineEvents(this.db.manager, [event]);
    await publishTimelineEvents(this.redis, redisKey(this.env, HEALTH_KEYS.events), [event]);
  }
}
