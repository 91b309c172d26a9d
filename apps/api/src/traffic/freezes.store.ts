import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { FreezeEntity } from '@libs/persistence';

/**
 * The API's reads and writes of `freezes`, and the names a freeze may hold. Every method takes the
 * manager to use (a transaction's, or the data source's when left out).
 */
@Injectable()
export class FreezesStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts the freeze; returns the entity inserted (its generated columns read back on it). */
  async insert(m: EntityManager, fields: Omit<FreezeEntity, 'createdAt'>): Promise<FreezeEntity> {
    const freeze = m.getRepository(FreezeEntity).create(fields);
    await m.getRepository(FreezeEntity).insert(freeze);
    return freeze;
  }

  find(id: string, m: EntityManager = this.db.manager): Promise<FreezeEntity | null> {
    return m.getRepository(FreezeEntity).findOneBy({ id });
  }

  get(id: string, m: EntityManager = this.db.manager): Promise<FreezeEntity> {
    return m.getRepository(FreezeEntity).findOneByOrFail({ id });
  }

  /** Newest first; `active`: only those in force now (true) or only the others (false). */
  list(
    query: { active?: 'true' | 'false'; limit: number },
    m: EntityManager = this.db.manager,
  ): Promise<FreezeEntity[]> {
    const qb = m.getRepository(FreezeEntity).createQueryBuilder('f');
    const inForce = 'f.lifted_at IS NULL AND f.until > now()';
    if (query.active === 'true') qb.where(inForce);
    if (query.active === 'false') qb.where(`NOT (${inForce})`);
    return qb.orderBy('f.created_at', 'DESC').addOrderBy('f.id', 'DESC').limit(query.limit).getMany();
  }

  /** Sets `lifted_at` to now unless already lifted; returns whether it did. */
  async lift(m: EntityManager, id: string): Promise<boolean> {
    const result = await m
      .createQueryBuilder()
      .update(FreezeEntity)
      .set({ liftedAt: () => 'now()' })
      .where('id = :id AND lifted_at IS NULL', { id })
      .execute();
    return Boolean(result.affected);
  }
}
