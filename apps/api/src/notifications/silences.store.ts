import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { SilenceEntity } from '@libs/persistence';

/**
 * The API's reads and writes of `silences`. Every method takes the manager to use (a transaction's,
 * or the data source's when left out).
 */
@Injectable()
export class SilencesStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts the silence; returns the entity inserted. */
  async insert(m: EntityManager, fields: Omit<SilenceEntity, 'createdAt'>): Promise<SilenceEntity> {
    const silence = m.getRepository(SilenceEntity).create(fields);
    await m.getRepository(SilenceEntity).insert(silence);
    return silence;
  }

  find(id: string, m: EntityManager = this.db.manager): Promise<SilenceEntity | null> {
    return m.getRepository(SilenceEntity).findOneBy({ id });
  }

  get(id: string, m: EntityManager = this.db.manager): Promise<SilenceEntity> {
    return m.getRepository(SilenceEntity).findOneByOrFail({ id });
  }

  /** Newest first, optionally only active, pending (not started) or expired ones. */
  list(
    query: { state?: 'active' | 'pending' | 'expired'; limit: number },
    m: EntityManager = this.db.manager,
  ): Promise<SilenceEntity[]> {
    const qb = m.getRepository(SilenceEntity).createQueryBuilder('s');
    if (query.state === 'active') qb.where('s.starts_at <= now() AND s.ends_at > now()');
    if (query.state === 'pending') qb.where('s.starts_at > now() AND s.ends_at > now()');
    if (query.state === 'expired') qb.where('s.ends_at <= now()');
    return qb.orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'DESC').limit(query.limit).getMany();
  }

  /** Ends the silence now unless it has already ended; returns whether it did. */
  async expire(m: EntityManager, id: string): Promise<boolean> {
    const result = await m
      .createQueryBuilder()
      .update(SilenceEntity)
      .set({ endsAt: () => 'now()' })
      .where('id = :id AND ends_at > now()', { id })
      .execute();
    return Boolean(result.affected);
  }
}
