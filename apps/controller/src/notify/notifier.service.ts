import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { ENV, type Env } from '@libs/config';
import type { ruleNotice, RuleOverrun, TrafficEvent } from '@libs/domain';
import {
  bullPrefix,
  createBullConnection,
  QUEUES,
  queueNotifications,
  type NotificationJob,
} from '@libs/queue';
import { ConfigFollower, MetricsService, REDIS, redisKey, TraceCauses, tracer } from '@libs/runtime';
import { ControllerLease } from '../controller-lease';
import { HealthService } from '../health/health.service';
import { MaintenanceWindows } from '../maintenance/maintenance-windows';
import { every } from '../timers';
import { NotificationStore } from './notification-store';
import { NotifierEngine } from './notifier-engine';

const TICK_MS = 1000;
/** Pending notifications older than this without a job (a failed enqueue) are queued again. */
const SWEEP_MS = 30_000;
const RETENTION_MS = 3_600_000;

/**
 * Turns what the controller sees into notifications, on the leader: health events (from each
 * evaluation) and action changes (read from the actions table, whoever made them) go through the
 * incident book (storm control: grouping, blips, one notice per IDC), then routes, silences and rate
 * limits per channel. Each message is recorded in `notifications` and queued for delivery. The health
 * loop only hands over its events: nothing here waits on a channel, so delivery never slows
 * detection or actions. The decisions and state are NotifierEngine's; this service gives it the
 * lease, the store, the queue, its timers and listeners.
 */
@Injectable()
export class NotifierService
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(NotifierService.name);
  private readonly engine: NotifierEngine;
  private connection?: Redis;
  private queue?: Queue<NotificationJob>;
  private timers: NodeJS.Timeout[] = [];
  /** Spans whose outcome the next tick turns into notices (evaluations, rules, actions, steps). */
  private readonly causes = new TraceCauses(32);
  /** Ticks in progress (a timer tick may start while one runs; the engine lets it return at once). */
  private ticking = 0;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) redis: Redis,
    store: NotificationStore,
    metrics: MetricsService,
    private readonly health: HealthService,
    lease: ControllerLease,
    private readonly follower: ConfigFollower,
    maintenance: MaintenanceWindows,
  ) {
    const created = new Counter({
      name: 'vigil_notifications_total',
      help: 'Notifications recorded, by channel, event and state (pending, silenced, suppressed)',
      labelNames: ['channel', 'event', 'state'],
      registers: [metrics.registry],
    });
    const dropped = new Counter({
      name: 'vigil_notify_events_dropped_total',
      help: 'Health and traffic events dropped because the notifier fell behind',
      registers: [metrics.registry],
    });
    this.engine = new NotifierEngine({
      store,
      lease,
      mget: (...keys) => redis.mget(...keys),
      key: (name) => redisKey(env, 'notify', name),
      enqueue: (ids) => this.enqueue(ids),
      created: (d) => created.inc({ channel: d.channel, event: d.notice.event, state: d.outcome.state }),
      dropped: (count) => dropped.inc(count),
      retentionDays: env.VIGIL_EVENT_RETENTION_DAYS,
      maintenance: (now) => maintenance.mute(now),
      log: (message) => this.logger.log(message),
      warn: (message) => this.logger.warn(message),
    });
  }

  /** Follows the config and takes the events of each evaluation. */
  onModuleInit(): void {
    this.follower.onConfig((config) => this.engine.setConfig(config));
    this.health.onEvaluated((_snapshot, _now, events) => {
      // Only hand the events over: the notifier works on its own timer.
      this.engine.takeEvents(events);
      this.followFrom(tracer().active());
      return Promise.resolve();
    });
  }

  /** A rule's notify action: sent to the channels the rule names (not routed), once per firing. */
  notifyRule(input: Parameters<typeof ruleNotice>[0], channels: readonly string[]): void {
    this.engine.notifyRule(input, channels);
    this.followFrom(tracer().active());
  }

  /**
   * Something the next tick will notice (an action recorded or moved on, in the rules' span or a step's)
   * happened in the span `traceparent`: that tick's span follows from it.
   */
  followFrom(traceparent: string | undefined): void {
    this.causes.add(traceparent);
  }

  /** A rule disabled for overrunning its evaluation budget: routed like any other event. */
  notifyRuleDisabled(overrun: RuleOverrun): void {
    this.engine.notifyRuleDisabled(overrun);
  }

  /**
   * A traffic manager drifting from what Vigil applied (or unreadable), or agreeing again: the incident
   * `traffic/<service>` (event traffic.drift), routed, grouped and resolved like health incidents.
   */
  notifyDrift(event: TrafficEvent): void {
    this.engine.notifyDrift(event);
  }

  onApplicationBootstrap(): void {
    this.connection = createBullConnection(this.env, 'notifier');
    this.queue = new Queue<NotificationJob>(QUEUES.notifications, {
      connection: this.connection,
      prefix: bullPrefix(this.env),
      // BullMQ carries the tick's trace context in each job to the delivery worker (tracing on).
      ...(tracer().enabled ? { telemetry: tracer().bullmq() } : {}),
    });
    const warn = (message: string) => this.logger.warn(message);
    every(this.timers, TICK_MS, () => this.tick(), warn);
    every(this.timers, SWEEP_MS, () => this.engine.sweep(), warn);
    every(this.timers, RETENTION_MS, () => this.engine.retention(), warn);
  }

  private async tick(): Promise<void> {
    this.ticking++;
    try {
      await this.engine.tick();
    } finally {
      this.ticking--;
    }
  }

  /**
   * Queues notifications for delivery. Those of a tick with something traced behind it are queued in
   * a span (`vigil.notify.dispatch`): a child of the newest cause, linked to the others, taken when the
   * tick queues (so an action recorded while the tick ran counts); BullMQ carries it in each job to
   * the delivery. The sweep's re-queues are not traced.
   */
  private async enqueue(ids: readonly string[]): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    const add = async () => {
      await queueNotifications(queue, this.env, ids);
    };
    const { parent, links } = this.ticking > 0 ? this.causes.take() : { parent: undefined, links: [] };
    if (!parent) return add();
    const attributes = { 'vigil.notifications': ids.length };
    return tracer().inSpan('vigil.notify.dispatch', { parent, links, attributes }, add);
  }

  /**
   * Before any shutdown hook (ControllerLease's releases the lease in its own): a tick cut short after
   * recording notices but before saving the incidents, or one whose save comes after the lease is
   * released (and so is refused), would make the next leader send the same trigger again, or lose
   * where it went.
   */
  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.engine.idle();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}
