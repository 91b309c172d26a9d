import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { ENV, type Env } from '@libs/config';
import { RULE_BOOK_KEY } from '@libs/domain';
import { REDIS, redisKey } from '@libs/runtime';

/** A rule as stored in the config document (defaults applied at apply; older documents may lack some). */
export interface StoredRule {
  name: string;
  description?: string;
  when: string;
  for?: string;
  priority?: number;
  cooldown?: string;
  mode?: string;
  actions?: Array<{ type: string }>;
}

/**
 * The reads behind the rules' live state: the current config's rules (Postgres) and the controller
 * leader's rule book (Redis, read only: the leader alone writes it, under its fencing token).
 */
@Injectable()
export class RuleStatesStore {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** The current config version and its rules; null before the first apply. */
  async currentRules(
    m: EntityManager = this.db.manager,
  ): Promise<{ version: number; rules: StoredRule[] } | null> {
    const [row] = await m.query<Array<{ version: number; rules: StoredRule[] | null }>>(
      `SELECT version, document->'rules' AS rules FROM config_versions ORDER BY version DESC LIMIT 1`,
    );
    return row ? { version: row.version, rules: Array.isArray(row.rules) ? row.rules : [] } : null;
  }

  /** The rule book as the leader saved it (encodeRuleBook), or null when none was saved. */
  book(): Promise<string | null> {
    return this.redis.get(redisKey(this.env, RULE_BOOK_KEY));
  }
}
