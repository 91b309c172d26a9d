import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { ApiKeyEntity } from '@libs/persistence';

/**
 * The reads and writes of `api_keys`. Every method takes the manager to use (a transaction's, or the
 * data source's when left out).
 */
@Injectable()
export class ApiKeysStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A new key entity (not saved): insert it with `insert`. */
  build(fields: Omit<ApiKeyEntity, 'createdAt'>, m: EntityManager = this.db.manager): ApiKeyEntity {
    return m.getRepository(ApiKeyEntity).create(fields);
  }

  async insert(m: EntityManager, key: ApiKeyEntity): Promise<void> {
    await m.getRepository(ApiKeyEntity).insert(key);
  }

  /** The keys not revoked, oldest first. */
  listActive(m: EntityManager = this.db.manager): Promise<ApiKeyEntity[]> {
    return m
      .getRepository(ApiKeyEntity)
      .find({ where: { revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  /** Sets `revoked_at` unless already revoked; returns whether it did (an active key had that id). */
  async revoke(m: EntityManager, id: string, revokedAt: Date): Promise<boolean> {
    const result = await m
      .createQueryBuilder()
      .update(ApiKeyEntity)
      .set({ revokedAt })
      .where('id = :id AND revoked_at IS NULL', { id })
      .returning('*')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  get(id: string, m: EntityManager = this.db.manager): Promise<ApiKeyEntity> {
    return m.getRepository(ApiKeyEntity).findOneByOrFail({ id });
  }

  /** The active key with this token hash (hex), or null. */
  findActiveByHash(hash: string, m: EntityManager = this.db.manager): Promise<ApiKeyEntity | null> {
    return m.getRepository(ApiKeyEntity).findOne({ where: { hash, revokedAt: IsNull() } });
  }

  async setLastUsed(id: string, lastUsedAt: Date, m: EntityManager = this.db.manager): Promise<void> {
    await m.getRepository(ApiKeyEntity).update({ id }, { lastUsedAt });
  }
}
