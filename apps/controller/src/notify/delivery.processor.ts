import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { DataSource, Repository } from 'typeorm';
import { ENV, openSecret, type Env, type StoredConfig } from '@libs/config';
import type { Notice } from '@libs/domain';
import { deliver, DeliveryError, type ChannelTarget } from '@libs/notify';
import { NotificationEntity } from '@libs/persistence';
import {
  bullPrefix,
  createBullConnection,
  notificationRetryDelay,
  QUEUES,
  type NotificationJob,
} from '@libs/queue';
import { ConfigFollower, MetricsService } from '@libs/runtime';

type Channel = StoredConfig['channels'][number];

/** Deliveries in flight per process: they wait on the network, not on the CPU. */
const CONCURRENCY = 16;
/** How long a resolve or reminder waits, at a time, for its trigger to be delivered first. */
const WAIT_FOR_TRIGGER_MS = 1000;

/**
 * Sends queued notifications, on every controller replica (not only the leader). A notification is
 * sent only while its row is pending; success marks it delivered, a retryable failure is retried by
 * BullMQ with exponential backoff, and the last failed attempt (or a failure that retrying cannot
 * fix, such as a 400) marks it failed: the dead-letter list, from which an operator can re-send it.
 */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryProcessor.name);
  private readonly rows: Repository<NotificationEntity>;
  private readonly deliveries: Counter<'channel' | 'result'>;
  private channels = new Map<string, Channel>();
  private connection?: Redis;
  private worker?: Worker<NotificationJob>;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @InjectDataSource() db: DataSource,
    metrics: MetricsService,
    private readonly follower: ConfigFollower,
  ) {
    this.rows = db.getRepository(NotificationEntity);
    this.deliveries = new Counter({
      name: 'vigil_notification_deliveries_total',
      help: 'Delivery attempts by channel and result (delivered, retry, failed)',
      labelNames: ['channel', 'result'],
      registers: [metrics.registry],
    });
    follower.onConfig((config: StoredConfig) => {
      this.channels = new Map(config.channels.map((c) => [c.name, c]));
    });
  }

  onApplicationBootstrap(): void {
    this.connection = createBullConnection(this.env, 'notify-delivery');
    this.worker = new Worker<NotificationJob>(
      QUEUES.notifications,
      (job, token) => this.process(job, token),
      {
        connection: this.connection,
        prefix: bullPrefix(this.env),
        concurrency: CONCURRENCY,
        settings: {
          backoffStrategy: (attemptsMade, _type, err, job) =>
            notificationRetryDelay(
              attemptsMade,
              (job?.opts.backoff as { delay?: number } | undefined)?.delay ??
                this.env.VIGIL_NOTIFY_BACKOFF_MS,
              err instanceof DeliveryError ? err.retryAfterMs : undefined,
            ),
        },
      },
    );
    this.worker.on('error', (err) => this.logger.warn(`notification worker: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  private async process(job: Job<NotificationJob>, token?: string): Promise<string> {
    const row = await this.rows.findOneBy({ id: job.data.notificationId });
    if (!row || row.state !== 'pending') return 'skipped'; // delivered already, or re-sent under another job
    if (row.phase !== 'trigger' && (await this.triggerPending(row))) {
      // A resolve must not overtake its trigger while that is being retried: PagerDuty would resolve
      // nothing, then open an incident nobody resolves. Wait, without using up an attempt.
      await job.moveToDelayed(Date.now() + WAIT_FOR_TRIGGER_MS, token);
      throw new DelayedError();
    }
    const attempts = row.attempts + 1;
    try {
      const target = await this.target(row.channel);
      await deliver(target, toNotice(row), { idempotencyKey: row.id });
      await this.rows.update(
        { id: row.id, state: 'pending' },
        { state: 'delivered', attempts, lastError: null, deliveredAt: new Date() },
      );
      this.deliveries.inc({ channel: row.channel, result: 'delivered' });
      return 'delivered';
    } catch (err) {
      const message = (err as Error).message;
      const retryable = err instanceof DeliveryError && err.retryable;
      const last = !retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.rows.update(
        { id: row.id, state: 'pending' },
        { attempts, lastError: message, ...(last ? { state: 'failed' as const } : {}) },
      );
      this.deliveries.inc({ channel: row.channel, result: last ? 'failed' : 'retry' });
      if (last) {
        this.logger.warn(
          `notification ${row.id} to ${row.channel} failed after ${attempts} attempt(s): ${message}`,
        );
        throw new UnrecoverableError(message);
      }
      throw err;
    }
  }

  /** Whether an earlier notification of the same incident to the same channel still waits for delivery. */
  private triggerPending(row: NotificationEntity): Promise<boolean> {
    return this.rows
      .createQueryBuilder('n')
      .where('n.incident_key = :incident AND n.channel = :channel', {
        incident: row.incidentKey,
        channel: row.channel,
      })
      .andWhere("n.state = 'pending' AND n.created_at < :created", { created: row.createdAt })
      .getExists();
  }

  /**
   * The channel as configured now, secrets opened. A channel this replica does not know yet makes it
   * load the newest config first; one removed since is a permanent failure.
   */
  private async target(name: string): Promise<ChannelTarget> {
    if (!this.channels.has(name)) await this.follower.refresh();
    const channel = this.channels.get(name);
    if (!channel) throw new Error(`channel "${name}" is no longer configured`);
    const open = (secret: Parameters<typeof openSecret>[0]) =>
      openSecret(secret, this.env.VIGIL_SECRET_KEY, process.env);
    switch (channel.type) {
      case 'webhook':
        return {
          type: 'webhook',
          name,
          url: channel.url,
          ...(channel.secret ? { secret: open(channel.secret) } : {}),
        };
      case 'slack':
        return { type: 'slack', name, webhookUrl: open(channel.webhookUrl) };
      case 'pagerduty':
        return {
          type: 'pagerduty',
          name,
          url: channel.url,
          routingKey: open(channel.routingKey),
          ...(channel.severity ? { severity: channel.severity } : {}),
        };
    }
  }
}

/** The notice a notification row was made from (the notifier keeps `resolvable` and `at` in details). */
function toNotice(row: NotificationEntity): Notice {
  const { resolvable, at, ...details } = row.details as Record<string, unknown>;
  return {
    id: row.dedupKey,
    incidentKey: row.incidentKey,
    event: row.event as Notice['event'],
    phase: row.phase as Notice['phase'],
    severity: row.severity as Notice['severity'],
    title: row.title,
    text: row.text,
    labels: row.labels,
    details,
    resolvable: resolvable === true,
    at: typeof at === 'string' ? Date.parse(at) : row.createdAt.getTime(),
  };
}
