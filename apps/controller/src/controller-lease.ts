import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ENV, type Env } from '@libs/config';
import { leadership, type Leadership } from '@libs/domain';
import { Readiness, REDIS, redisKey } from '@libs/runtime';
import { LeaderLease } from './leader-lease';

/**
 * What the controller lease tells its listeners. Each listener's promise is waited for, one after the
 * other in the order they were added, and all of them together are what LeaderLease bounds (its
 * `onChange`): one that fails on `acquired` steps this controller down again.
 */
export interface ControllerLeaseEvents {
  /** This controller leads, under fencing token `token` (a new one per leadership). */
  acquired: (token: number) => Promise<void> | void;
  /** This controller no longer leads (lost, failed to renew, or released at shutdown). */
  lost: () => Promise<void> | void;
}

/**
 * The controllers' leader lease (`<prefix>:leader:controller`, see LeaderLease) as a provider: the
 * services that act only on the leader inject it for the fencing token, fenced writes
 * (`setIfLeader`) and the check before a call to the outside world (`holds`), and listen to
 * `acquired`/`lost`. It starts at application bootstrap and is released at shutdown; the `/readyz`
 * `leader` check reports it.
 */
@Injectable()
export class ControllerLease implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ControllerLease.name);
  private readonly lease: LeaderLease;
  private readonly listeners: { [E in keyof ControllerLeaseEvents]: Array<ControllerLeaseEvents[E]> } = {
    acquired: [],
    lost: [],
  };

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) redis: Redis,
    private readonly readiness: Readiness,
  ) {
    this.lease = new LeaderLease({
      redis,
      key: redisKey(env, 'leader:controller'),
      holder: randomUUID(),
      ttlMs: env.VIGIL_LEASE_TTL_MS,
      onChange: (token) => this.emit(token),
      onError: (err) => this.logger.warn(err.message),
    });
  }

  /** Adds a listener; add them before the application bootstraps (the lease starts then). */
  on<E extends keyof ControllerLeaseEvents>(event: E, listener: ControllerLeaseEvents[E]): void {
    (this.listeners[event] as Array<ControllerLeaseEvents[E]>).push(listener);
  }

  get isLeader(): boolean {
    return this.lease.isLeader;
  }

  get fencingToken(): number | null {
    return this.lease.fencingToken;
  }

  /** Who leads the controllers as this replica last saw the lease, and whether one is missing too long. */
  leadership(): Leadership {
    return leadership(this.lease.sighting, this.lease.isLeader, Date.now(), this.env.VIGIL_LEASE_TTL_MS);
  }

  /**
   * Redis writes of the leader's state, done only while it still holds the lease under fencing token
   * `token` (by default the current one; see LeaderLease.setIfLeader).
   */
  setIfLeader(entries: Readonly<Record<string, string>>, token?: number): Promise<boolean> {
    return this.lease.setIfLeader(entries, token);
  }

  /** Whether this controller still holds the lease under `token`, asked of Redis (LeaderLease.holds). */
  holds(token: number): Promise<boolean> {
    return this.lease.holds(token);
  }

  onModuleInit(): void {
    this.readiness.add('leader', () => {
      const { ready, ...detail } = this.leadership();
      return {
        up: ready,
        detail: ready
          ? detail
          : { ...detail, message: 'no controller has held the leader lease for too long' },
      };
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.lease.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lease.stop();
  }

  private async emit(token: number | null): Promise<void> {
    if (token === null) for (const listener of this.listeners.lost) await listener();
    else for (const listener of this.listeners.acquired) await listener(token);
  }
}
