import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { NotificationEntity } from '@libs/persistence';

/** The filters of a page of notifications, newest first; `after`: the id of the previous page's last one. */
export interface NotificationsFilter {
  after?: string;
  state?: string;
  channel?: string;
  event?: string;
  incident?: string;
  take: number;
}

/**
 * The API's reads and writes of `notifications`. Every method takes the manager to use (a
 * transaction's, or the data source's when left out).
 */
@Injectable()
export class NotificationsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Keyset pagination on (created_at, id), newest first: at most `take` notifications. */
  page(filter: NotificationsFilter, m: EntityManager = this.db.manager): Promise<NotificationEntity[]> {
    const qb = m.getRepository(NotificationEntity).createQueryBuilder('n');
    if (filter.after) {
      qb.andWhere(
        '(n.created_at, n.id) < (SELECT c.created_at, c.id FROM notifications c WHERE c.id = :after)',
        { after: filter.after },
      );
    }
    if (filter.state) qb.andWhere('n.state = :state', { state: filter.state });
    if (filter.channel) qb.andWhere('n.channel = :channel', { channel: filter.channel });
    if (filter.event) qb.andWhere('n.event = :event', { event: filter.event });
    if (filter.incident) qb.andWhere('n.incident_key = :incident', { incident: filter.incident });
    return qb.orderBy('n.created_at', 'DESC').addOrderBy('n.id', 'DESC').limit(filter.take).getMany();
  }

  find(id: string, m: EntityManager = this.db.manager): Promise<NotificationEntity | null> {
    return m.getRepository(NotificationEntity).findOneBy({ id });
  }

  /** Makes the notification pending again (no last error) unless it already is; returns whether it did. */
  async markPending(m: EntityManager, id: string): Promise<boolean> {
    const result = await m
      .createQueryBuilder()
      .update(NotificationEntity)
      .set({ state: 'pending', lastError: null })
      .where("id = :id AND state <> 'pending'", { id })
      .execute();
    return Boolean(result.affected);
  }
}
