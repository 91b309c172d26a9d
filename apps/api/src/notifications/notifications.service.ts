import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ENV, type Env } from '@libs/config';
import type { NotificationEntity } from '@libs/persistence';
import {
  bullPrefix,
  createBullConnection,
  QUEUES,
  queueNotifications,
  type NotificationJob,
} from '@libs/queue';
import { AuditService, type AuditActor } from '@libs/runtime';
import { cursorCodec, UUID_PATTERN } from '../pagination';
import type { NotificationDto, NotificationPageDto, NotificationsQuery } from './notifications.dto';
import { NotificationsStore } from './notifications.store';

const cursor = cursorCodec('nt1:', UUID_PATTERN);

function toDto(n: NotificationEntity): NotificationDto {
  const { dedupKey: _dedupKey, ...dto } = n;
  return dto;
}

/** Reads notifications (the dead-letter list is `state=failed`) and re-sends them. */
@Injectable()
export class NotificationsService implements OnApplicationShutdown {
  private connection?: Redis;
  private queue?: Queue<NotificationJob>;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: NotificationsStore,
    private readonly audit: AuditService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  /** Newest first; keyset pagination on (created_at, id). */
  async list(query: NotificationsQuery): Promise<NotificationPageDto> {
    const rows = await this.notifications.page({
      after: query.cursor ? cursor.decode(query.cursor) : undefined,
      state: query.state,
      channel: query.channel,
      event: query.event,
      incident: query.incident,
      take: query.limit + 1,
    });
    const items = rows.slice(0, query.limit).map(toDto);
    return { items, next: rows.length > query.limit ? cursor.encode(items[items.length - 1].id) : null };
  }

  async get(id: string): Promise<NotificationDto> {
    const row = await this.notifications.find(id);
    if (!row) throw new NotFoundException(`notification ${id} does not exist`);
    return toDto(row);
  }

  /**
   * Sends a notification again (a failed one from the dead-letter list, or a silenced, suppressed or
   * delivered one): it becomes pending and gets a new delivery job with a full set of attempts.
   */
  async resend(id: string, source: AuditActor): Promise<NotificationDto> {
    const row = await this.db.transaction(async (m) => {
      const pending = await this.notifications.markPending(m, id);
      const found = await this.notifications.find(id, m);
      if (!found) throw new NotFoundException(`notification ${id} does not exist`);
      if (!pending) throw new ConflictException(`notification ${id} is already pending delivery`);
      await this.audit.record(
        {
          ...source,
          action: 'notification.resend',
          target: `notification/${id}`,
          summary: { channel: found.channel, event: found.event, attempts: found.attempts },
        },
        m,
      );
      return found;
    });
    // The same job id as the first delivery, whose finished job queueNotifications replaces. If this
    // is lost (or the first job is still finishing), the notifier's sweep queues the pending row again.
    // keepSent: false, as a re-send is asked to send again, even a job's send that was never recorded.
    await queueNotifications(this.deliveries(), this.env, [id], { keepSent: false });
    return toDto(row);
  }

  private deliveries(): Queue<NotificationJob> {
    this.connection ??= createBullConnection(this.env, 'notify-resend');
    this.queue ??= new Queue<NotificationJob>(QUEUES.notifications, {
      connection: this.connection,
      prefix: bullPrefix(this.env),
    });
    return this.queue;
  }
}
