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
import { NotificationEntity } from '@libs/persistence';
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
    private readonly audit: AuditService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  /** Newest first; keyset pagination on (created_at, id). */
  async list(query: NotificationsQuery): Promise<NotificationPageDto> {
    const qb = this.db.getRepository(NotificationEntity).createQueryBuilder('n');
    if (query.cursor) {
      const after = cursor.decode(query.cursor);
      qb.andWhere(
        '(n.created_at, n.id) < (SELECT c.created_at, c.id FROM notifications c WHERE c.id = :after)',
        { after },
      );
    }
    if (query.state) qb.andWhere('n.state = :state', { state: query.state });
    if (query.channel) qb.andWhere('n.channel = :channel', { channel: query.channel });
    if (query.event) qb.andWhere('n.event = :event', { event: query.event });
    if (query.incident) qb.andWhere('n.incident_key = :incident', { incident: query.incident });
    const rows = await qb
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    const items = rows.slice(0, query.limit).map(toDto);
    return { items, next: rows.length > query.limit ? cursor.encode(items[items.length - 1].id) : null };
  }

  async get(id: string): Promise<NotificationDto> {
    const row = await this.db.getRepository(NotificationEntity).findOneBy({ id });
    if (!row) throw new NotFoundException(`notification ${id} does not exist`);
    return toDto(row);
  }

  /**
   * Sends a notification again (a failed one from the dead-letter list, or a silenced, suppressed or
   * delivered one): it becomes pending and gets a new delivery job with a full set of attempts.
   */
  async resend(id: string, source: AuditActor): Promise<NotificationDto> {
    const row = await this.db.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(NotificationEntity)
        .set({ state: 'pending', lastError: null })
        .where("id = :id AND state <> 'pending'", { id })
        .execute();
      const found = await m.getRepository(NotificationEntity).findOneBy({ id });
      if (!found) throw new NotFoundException(`notification ${id} does not exist`);
      if (!result.affected) throw new ConflictException(`notification ${id} is already pending delivery`);
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
