import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ENV, openSecret, serviceWeights, type Env, type StoredConfig } from '@libs/config';

type Service = StoredConfig['services'][number];
import { normalise, type Weights } from '@libs/domain';
import { ConfigFollower } from '@libs/runtime';
import { createAdapter, type TrafficAdapter } from '@libs/traffic';

/**
 * Each service's traffic adapter, rebuilt from every config the controller follows. Secrets are
 * opened here, so a missing one shows when the config arrives (the service then has no adapter and
 * its steps fail saying so), not in the middle of a shift.
 */
@Injectable()
export class TrafficAdapters implements OnModuleInit {
  private readonly logger = new Logger(TrafficAdapters.name);
  private adapters: ReadonlyMap<string, TrafficAdapter> = new Map();
  private services: ReadonlyMap<string, Service> = new Map();

  constructor(
    @Inject(ENV) private readonly env: Env,
    private readonly follower: ConfigFollower,
  ) {}

  onModuleInit(): void {
    this.follower.onConfig((config) => this.setConfig(config));
  }

  get(service: string): TrafficAdapter | undefined {
    return this.adapters.get(service);
  }

  all(): ReadonlyMap<string, TrafficAdapter> {
    return this.adapters;
  }

  /** The service's configured weights as whole percentages (what a traffic manager holds before any shift). */
  baseline(service: string): Weights {
    const config = this.services.get(service);
    return config ? normalise(serviceWeights(config)) : {};
  }

  private setConfig(config: StoredConfig): void {
    const adapters = new Map<string, TrafficAdapter>();
    for (const service of config.services) {
      try {
        const deps = {
          secret: (s: Parameters<typeof openSecret>[0]) => openSecret(s, this.env, process.env),
          log: (message: string, fields: Record<string, unknown>) =>
            this.logger.log(`${message} ${JSON.stringify(fields)}`),
        };
        adapters.set(service.name, createAdapter(service.trafficManager, deps, service.endpoints));
      } catch (err) {
        this.logger.warn(`service ${service.name}: no traffic manager: ${(err as Error).message}`);
      }
    }
    this.adapters = adapters;
    this.services = new Map(config.services.map((s) => [s.name, s]));
  }
}
