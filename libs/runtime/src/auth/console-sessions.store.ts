import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, LessThanOrEqual, type EntityManager } from 'typeorm';
import { ApiKeyEntity, ConsoleSessionEntity } from '@libs/persistence';

/** A session with the key it acts as (only sessions of unrevoked keys are found). */
export interface ActiveSession {
  session: ConsoleSessionEntity;
  key: ApiKeyEntity;
}

/**
 * The reads and writes of `console_sessions`. Every method takes the manager to use (a transaction's,
 * or the data source's when left out).
 */
@Injectable()
export class ConsoleSessionsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(session: ConsoleSessionEntity, m: EntityManager = this.db.manager): Promise<void> {
    await m.getRepository(ConsoleSessionEntity).insert(session);
  }

  /** The session with this token hash (hex) whose key is not revoked, expired or not; else null. */
  async findByHash(tokenHash: string, m: EntityManager = this.db.manager): Promise<ActiveSession | null> {
    const session = await m
      .getRepository(ConsoleSessionEntity)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.apiKey', 'k', 'k.revoked_at IS NULL')
      .where('s.token_hash = :tokenHash', { tokenHash })
      .getOne();
    if (!session?.apiKey) return null;
    const { apiKey: key, ...rest } = session;
    return { session: rest as ConsoleSessionEntity, key };
  }

  /** Deletes the session; returns whether it existed. */
  async delete(id: string, m: EntityManager = this.db.manager): Promise<boolean> {
    const result = await m.getRepository(ConsoleSessionEntity).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /** Deletes the session with this token hash (hex); returns its id, or null when there was none. */
  async deleteByHash(tokenHash: string, m: EntityManager = this.db.manager): Promise<string | null> {
    const result = await m
      .createQueryBuilder()
      .delete()
      .from(ConsoleSessionEntity)
      .where('token_hash = :tokenHash', { tokenHash })
      .returning('id')
      .execute();
    const rows = result.raw as Array<{ id: string }>;
    return rows.length > 0 ? rows[0].id : null;
  }

  /** Ends every session of a key (when it is revoked); returns how many there were. */
  async deleteForKey(apiKeyId: string, m: EntityManager = this.db.manager): Promise<number> {
    const result = await m.getRepository(ConsoleSessionEntity).delete({ apiKeyId });
    return result.affected ?? 0;
  }

  /** Deletes the sessions expired at `now`: done at each sign-in, so no timer is needed. */
  async deleteExpired(now: Date, m: EntityManager = this.db.manager): Promise<number> {
    const result = await m.getRepository(ConsoleSessionEntity).delete({ expiresAt: LessThanOrEqual(now) });
    return result.affected ?? 0;
  }

  /** Sets `last_seen_at` unless another request already moved it past `staleBefore`. */
  async touch(id: string, at: Date, staleBefore: Date, m: EntityManager = this.db.manager): Promise<void> {
    await m
      .getRepository(ConsoleSessionEntity)
      .update({ id, lastSeenAt: LessThan(staleBefore) }, { lastSeenAt: at });
  }
}
