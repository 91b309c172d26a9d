import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { MaintenanceWindowEntity, ServiceEntity, windowMayOccurAfter } from '@libs/persistence';

/** The API's reads and writes of `maintenance_windows`, and the names a window may hold. */
@Injectable()
export class MaintenanceWindowsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(
    m: EntityManager,
    fields: Omit<MaintenanceWindowEntity, 'createdAt' | 'version'>,
  ): Promise<void> {
    await m.getRepository(MaintenanceWindowEntity).insert(fields);
  }

  find(id: string, m: EntityManager = this.db.manager): Promise<MaintenanceWindowEntity | null> {
    return m.getRepository(MaintenanceWindowEntity).findOneBy({ id });
  }

  /** Newest first; `live`: only windows that may still occur (not cancelled, not ended). */
  list(
    query: { live?: boolean; limit: number },
    m: EntityManager = this.db.manager,
  ): Promise<MaintenanceWindowEntity[]> {
    const qb = m.getRepository(MaintenanceWindowEntity).createQueryBuilder('w');
    if (query.live) qb.where(`${windowMayOccurAfter('now()')} AND w.cancelled_at IS NULL`);
    return qb.orderBy('w.created_at', 'DESC').addOrderBy('w.id', 'DESC').limit(query.limit).getMany();
  }

  /** Windows that may have an occurrence overlapping [from, to) (reports). */
  overlapping(from: Date, to: Date): Promise<MaintenanceWindowEntity[]> {
    return this.db
      .getRepository(MaintenanceWindowEntity)
      .createQueryBuilder('w')
      .where(windowMayOccurAfter(':from'), { from })
      .andWhere('w.starts_at < :to', { to })
      .getMany();
  }

  /** The labels of the current config's services (for label scopes). */
  async serviceLabels(): Promise<Map<string, Record<string, string>>> {
    const rows = await this.db.getRepository(ServiceEntity).find({ select: { name: true, labels: true } });
    return new Map(rows.map((s) => [s.name, s.labels ?? {}]));
  }

  /** Cancels the window unless it was already: `cancelled_at` now, version + 1. Returns whether it did. */
  async cancel(m: EntityManager, id: string, by: string): Promise<boolean> {
    const result = await m
      .createQueryBuilder()
      .update(MaintenanceWindowEntity)
      .set({ cancelledAt: () => 'now()', cancelledBy: by, version: () => 'version + 1' })
      .where('id = :id AND cancelled_at IS NULL', { id })
      .execute();
    return Boolean(result.affected);
  }
}
