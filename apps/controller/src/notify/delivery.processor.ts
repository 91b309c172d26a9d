import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { defaultSmtpPort, ENV, formatDuration, openSecret, type Env, type StoredConfig } from '@libs/config';
import type { Notice } from '@libs/domain';
import { deliver, DeliveryError, type ChannelTarget } from '@libs/notify';
import type { NotificationEntity } from '@libs/persistence';
import {
  bullPrefix,
  createBullConnection,
  notificationRetryDelay,
  QUEUES,
  triggerRecheckDelayMs,
  triggerWaitLimitMs,
  type NotificationJob,
} from '@libs/queue';
import { ConfigFollower, MetricsService, tracer, type VigilSpan } from '@libs/runtime';
import { NotificationStore } from './notification-store';

type Channel = StoredConfig['channels'][number];

/** Deliveries in flight per process: they wait on the network, not on the CPU. */
const CONCURRENCY = 16;

type SentNote = NonNullable<NotificationJob['sent']>;

/**
 * Sends queued notifications, on every controller replica (not only the leader). A notification is
 * sent only while its row is pending; success marks it delivered, a retryable failure is retried by
 * BullMQ with exponential backoff, and the last failed attempt (or a failure that retrying cannot
 * fix, such as a 400) marks it failed: the dead-letter list, from which an operator can re-send it.
 */
@Injectable()
export class DeliveryProcessor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryProcessor.name);
  private readonly deliveries: Counter<'channel' | 'result'>;
  private readonly triggerWaitMs: number;
  private channels = new Map<string, Channel>();
  private connection?: Redis;
  private worker?: Worker<NotificationJob>;

  constructor(
    @Inject(ENV) private readonly env: Env,
    private readonly rows: NotificationStore,
    metrics: MetricsService,
    private readonly follower: ConfigFollower,
  ) {
    this.triggerWaitMs = triggerWaitLimitMs(env.VIGIL_NOTIFY_ATTEMPTS, env.VIGIL_NOTIFY_BACKOFF_MS);
    this.deliveries = new Counter({
      name: 'vigil_notification_deliveries_total',
      help: 'Delivery attempts by channel and result (delivered, retry, failed)',
      labelNames: ['channel', 'result'],
      registers: [metrics.registry],
    });
  }

  /** Follows the config: the channels to deliver to. */
  onModuleInit(): void {
    this.follower.onConfig((config: StoredConfig) => {
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
        // Each job's delivery continues the trace of the notifier tick that queued it (tracing on).
        ...(tracer().enabled ? { telemetry: tracer().bullmq() } : {}),
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

  /**
   * One attempt, in a span (`vigil.notify.deliver`): the channel's name and type, the notice's event
   * and how the attempt ended; never the channel's URL or secret.
   */
  private async process(job: Job<NotificationJob>, token?: string): Promise<string> {
    const span = tracer().start('vigil.notify.deliver', {
      kind: 'client',
      attributes: {
        'vigil.notification.id': job.data.notificationId,
        'vigil.notify.attempt': job.attemptsMade + 1,
      },
    });
    try {
      const outcome = await this.attempt(job, span, token);
      span.setAttributes({ 'vigil.notify.outcome': outcome });
      return outcome;
    } catch (err) {
      const outcome =
        err instanceof DelayedError ? 'deferred' : err instanceof UnrecoverableError ? 'failed' : 'retry';
      span.setAttributes({ 'vigil.notify.outcome': outcome });
      if (outcome !== 'deferred') span.fail(err);
      throw err;
    } finally {
      span.end();
    }
  }

  private async attempt(job: Job<NotificationJob>, span: VigilSpan, token?: string): Promise<string> {
    const row = await this.rows.find(job.data.notificationId);
    if (!row || row.state !== 'pending') return 'skipped'; // delivered already, or re-sent under another job
    span.setAttributes({
      'vigil.channel': row.channel,
      'vigil.channel.type': this.channels.get(row.channel)?.type,
      'vigil.notification.event': row.event,
      'vigil.notification.phase': row.phase,
    });
    if (job.data.sent) return this.markDelivered(job, row, job.data.sent); // sent: only the record failed
    const note = await this.waitForTrigger(job, row, token);
    try {
      const target = await this.target(row.channel);
      await deliver(target, toNotice(row), {
        idempotencyKey: row.id,
        ...(this.env.VIGIL_EXTERNAL_URL ? { externalUrl: this.env.VIGIL_EXTERNAL_URL } : {}),
      });
    } catch (err) {
      return this.failed(job, row, err);
    }
    return this.markDelivered(job, row, { at: Date.now(), ...(note ? { note } : {}) });
  }

  /**
   * A resolve or reminder must not overtake its trigger while that is being retried: PagerDuty would
   * resolve nothing, then open an incident nobody resolves. So it waits (DelayedError: run again later,
   * no attempt used; triggerRecheckDelayMs backs the looks off from 1 s to 10 s apart) while an earlier
   * notification of its incident to its channel is pending, for at most triggerWaitLimitMs since its job
   * was queued; past that it goes, and the returned note says why.
   */
  private async waitForTrigger(job: Job<NotificationJob>, row: NotificationEntity, token?: string) {
    if (row.phase === 'trigger' || !(await this.rows.earlierPending(row))) return undefined;
    const waited = Date.now() - job.timestamp;
    if (waited < this.triggerWaitMs) {
      await job.moveToDelayed(Date.now() + triggerRecheckDelayMs(waited, this.triggerWaitMs), token);
      throw new DelayedError();
    }
    this.logger.warn(`notification ${row.id} to ${row.channel} is sent before its incident's earlier one`);
    return `sent before an earlier notification of its incident, still pending after ${formatDuration(waited)}`;
  }

  /**
   * Records the delivery. If that fails (Postgres) after the send, the job is retried with the send
   * noted in its data, so the retry only records it: a delivered notification is neither sent again nor
   * marked failed (should the job run out of attempts meanwhile, the notifier's sweep queues the row
   * again and it is re-sent under the same idempotency key).
   */
  private async markDelivered(job: Job<NotificationJob>, row: NotificationEntity, sent: SentNote) {
    try {
      await this.rows.updatePending(row.id, {
        state: 'delivered',
        attempts: row.attempts + 1,
        lastError: sent.note ?? null,
        deliveredAt: new Date(sent.at),
      });
    } catch (err) {
      this.logger.warn(
        `notification ${row.id} to ${row.channel} was sent, not recorded: ${(err as Error).message}`,
      );
      if (!job.data.sent) await job.updateData({ ...job.data, sent });
      throw err;
    }
    this.deliveries.inc({ channel: row.channel, result: 'delivered' });
    return 'delivered';
  }

  /**
   * Records a failed attempt and rethrows for BullMQ: retried, unless retrying cannot help (a
   * DeliveryError that says so: the receiver refused, the channel is gone) or it was the last attempt,
   * which marks the row failed. Any other error (Postgres, a config refresh, a secret that cannot be
   * opened) is retried: nothing was sent.
   */
  private async failed(job: Job<NotificationJob>, row: NotificationEntity, err: unknown): Promise<never> {
    const message = err instanceof Error ? err.message : String(err);
    const retryable = !(err instanceof DeliveryError) || err.retryable;
    const last = !retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.rows.updatePending(row.id, {
      attempts: row.attempts + 1,
      lastError: message,
      ...(last ? { state: 'failed' as const } : {}),
    });
    this.deliveries.inc({ channel: row.channel, result: last ? 'failed' : 'retry' });
    if (!last) throw err;
    this.logger.warn(
      `notification ${row.id} to ${row.channel} failed after ${row.attempts + 1} attempt(s): ${message}`,
    );
    throw new UnrecoverableError(message);
  }

  /**
   * The channel as configured now, secrets opened. A channel this replica does not know yet makes it
   * load the newest config first; one removed since is a permanent failure.
   */
  private async target(name: string): Promise<ChannelTarget> {
    if (!this.channels.has(name)) await this.follower.refresh();
    const channel = this.channels.get(name);
    if (!channel) throw new DeliveryError(`channel "${name}" is no longer configured`, { retryable: false });
    const open = (secret: Parameters<typeof openSecret>[0]) => openSecret(secret, this.env, process.env);
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
      case 'email':
        return {
          type: 'email',
          name,
          host: channel.host,
          port: channel.port ?? defaultSmtpPort(channel.tls),
          tls: channel.tls,
          from: channel.from,
          to: channel.to,
          ...(channel.ca ? { ca: channel.ca } : {}),
          ...(channel.username !== undefined && channel.password !== undefined
            ? { username: channel.username, password: open(channel.password) }
            : {}),
        };
      case 'opsgenie':
        return { type: 'opsgenie', name, apiUrl: channel.apiUrl, apiKey: open(channel.apiKey) };
      case 'teams':
        return { type: 'teams', name, webhookUrl: open(channel.webhookUrl) };
      case 'lark':
        return {
          type: 'lark',
          name,
          webhookUrl: open(channel.webhookUrl),
          ...(channel.signingSecret ? { signingSecret: open(channel.signingSecret) } : {}),
        };
    }
  }
}

/**
 * The notice a notification row was made from (the notifier keeps `resolvable` and `at` in details).
 * Its id is the notice's, the same for every channel: the row's dedup key without `:<channel>`.
 */
export function toNotice(row: NotificationEntity): Notice {
  const { resolvable, at, ...details } = row.details as Record<string, unknown>;
  const suffix = `:${row.channel}`;
  return {
    id: row.dedupKey.endsWith(suffix) ? row.dedupKey.slice(0, -suffix.length) : row.dedupKey,
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
