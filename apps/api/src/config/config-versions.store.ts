import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { ConfigVersionEntity } from '@libs/persistence';

/** Any fixed number: serialises applies and restores across every API replica. */
const CONFIG_LOCK = 7_246_002;

/** The columns of a version in the list (no document). */
export type VersionMeta = Pick<
  ConfigVersionEntity,
  'version' | 'author' | 'message' | 'restoredFrom' | 'createdAt' | 'plan'
>;

/**
 * The API's reads and writes of `config_versions` and of the read views written with each version
 * (idcs, services, endpoints). Every method takes the manager to use (a transaction's, or the data
 * source's when left out).
 */
@Injectable()
export class ConfigVersionsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Takes the config lock until the end of `m`'s transaction (pg_advisory_xact_lock). */
  async lock(m: EntityManager): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock($1)', [CONFIG_LOCK]);
  }

  /** The current version, or null before the first apply. */
  head(m: EntityManager = this.db.manager): Promise<ConfigVersionEntity | null> {
    return m.getRepository(ConfigVersionEntity).findOne({ where: {}, order: { version: 'DESC' } });
  }

  /** The newest version number (one `max(version)`), or null before the first apply. */
  async newestVersion(m: EntityManager = this.db.manager): Promise<number | null> {
    const [head] = await m.query<Array<{ version: number | null }>>(
      'SELECT max(version)::int AS version FROM config_versions',
    );
    return head?.version ?? null;
  }

  /** `alerts.labels` of the version's document, as stored (null when it has none). */
  async alertLabels(version: number, m: EntityManager = this.db.manager): Promise<object | null> {
    const [row] = await m.query<Array<{ labels: object | null }>>(
      `SELECT document->'alerts'->'labels' AS labels FROM config_versions WHERE version = $1`,
      [version],
    );
    return row?.labels ?? null;
  }

  find(version: number, m: EntityManager = this.db.manager): Promise<ConfigVersionEntity | null> {
    return m.getRepository(ConfigVersionEntity).findOneBy({ version });
  }

  /** Newest first, without their documents; with the count of all versions. */
  list(limit: number, offset: number, m: EntityManager = this.db.manager): Promise<[VersionMeta[], number]> {
    return m.getRepository(ConfigVersionEntity).findAndCount({
      select: { version: true, author: true, message: true, restoredFrom: true, createdAt: true, plan: true },
      order: { version: 'DESC' },
      take: limit,
      skip: offset,
    });
  }

  async insert(m: EntityManager, version: Omit<ConfigVersionEntity, 'createdAt'>): Promise<void> {
    // The plan as a plain object: TypeORM's deep-partial insert type cannot take its `unknown` field values.
    const plan: object = version.plan;
    await m.getRepository(ConfigVersionEntity).insert({ ...version, plan });
  }

  /** Replaces the endpoints, services and idcs tables with `rows` (same transaction), 1000 rows a statement. */
  async replaceReadViews(
    m: EntityManager,
    rows: Array<[EntityTarget<ObjectLiteral>, object[]]>,
  ): Promise<void> {
    for (const table of ['endpoints', 'services', 'idcs']) await m.query(`DELETE FROM "${table}"`);
    const chunk = 1000;
    for (const [entity, list] of rows) {
      for (let i = 0; i < list.length; i += chunk) await m.insert(entity, list.slice(i, i + chunk));
    }
  }
}
