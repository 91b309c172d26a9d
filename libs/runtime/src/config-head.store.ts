import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { withCurrentDefaults, type StoredConfig } from '@libs/config';
import { ConfigVersionEntity } from '@libs/persistence';
import type { ConfigSource } from './config-source';

/**
 * What every role reads of `config_versions`: the current version (ConfigFollower). The API's reads
 * and writes of versions are its ConfigVersionsStore (apps/api), which libs cannot import.
 */
@Injectable()
export class ConfigHeadStore implements ConfigSource {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The current version number (one `max(version)`), 0 before the first apply. */
  async newestVersion(m: EntityManager = this.db.manager): Promise<number> {
    const [row] = await m.query<Array<{ v: number | null }>>(
      'SELECT max(version)::int AS v FROM config_versions',
    );
    return row?.v ?? 0;
  }

  /** The current version, or null before the first apply. */
  head(m: EntityManager = this.db.manager): Promise<ConfigVersionEntity | null> {
    return m.getRepository(ConfigVersionEntity).findOne({ where: {}, order: { version: 'DESC' } });
  }

  read(document: unknown, onError: (message: string) => void): StoredConfig {
    return withCurrentDefaults(document, onError);
  }
}
