import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource, EntityManager } from 'typeorm';
import {
  checkSecretRefs,
  ENV,
  planConfig,
  redactSecrets,
  sealSecrets,
  secretRefPolicy,
  validateConfig,
  type ConfigPlan,
  type Env,
  type Config,
  type StoredConfig,
} from '@libs/config';
import type { ConfigVersionEntity } from '@libs/persistence';
import { AuditService, CONFIG_CHANNEL, REDIS, redisKey, type AuditActor } from '@libs/runtime';
import { ConfigPublisher } from './config-publisher';
import { ConfigVersionsStore } from './config-versions.store';
import { checkTrafficManagers } from './traffic-manager-check';
import { readViewRows } from './read-view-rows';

export interface ApplyResult {
  /** The current version after the call (unchanged for a dry run or a no-op). */
  version: number;
  changed: boolean;
  dryRun: boolean;
  plan: ConfigPlan;
}

export interface ApplyOptions {
  dryRun: boolean;
  ifMatch?: number;
  message?: string;
  source: AuditActor;
}

type Details = Array<{ path: string; message: string }>;

/** Versions hold configs that were validated and sealed before they were written. */
const documentOf = (version: ConfigVersionEntity) => version.document as StoredConfig;

function invalid(message: string, details: Details): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, details });
}

/**
 * The configuration centre: validates a desired state, plans it against the current version and
 * applies it as one transaction that writes a new version, the read views and the audit entry.
 */
@Injectable()
export class ConfigCentreService {
  private readonly logger = new Logger(ConfigCentreService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly versions: ConfigVersionsStore,
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly audit: AuditService,
    private readonly publisher: ConfigPublisher,
  ) {}

  /** Validates `raw` (already parsed YAML or JSON) and applies it, or only plans it with `dryRun`. */
  async apply(raw: unknown, options: ApplyOptions): Promise<ApplyResult> {
    const validated = validateConfig(raw, secretRefPolicy(this.env));
    if (!validated.ok)
      throw invalid(`invalid config: ${validated.details.length} problem(s)`, validated.details);
    await this.askTrafficManagers(validated.config);
    const result = await this.db.transaction(async (m) => {
      const head = await this.lockHead(m, options.ifMatch);
      const sealed = sealSecrets(validated.config, head ? documentOf(head) : null, this.env.VIGIL_SECRET_KEY);
      if (!sealed.ok) throw invalid(`invalid config: ${sealed.details.length} problem(s)`, sealed.details);
      if (options.dryRun)
        return {
          version: head?.version ?? 0,
          changed: false,
          dryRun: true,
          plan: this.plan(head, sealed.config),
        };
      return this.commit(
        m,
        head,
        sealed.config,
        { message: options.message ?? null, restoredFrom: null },
        options,
      );
    });
    if (result.changed) await this.announce(result.version);
    return result;
  }

  /**
   * Asks the traffic managers the apply touches whether they would take it (see checkTrafficManagers),
   * before the apply's transaction: a slow target must not hold the config lock. The plan is against
   * the head as read now; the transaction seals and plans again under the lock.
   */
  private async askTrafficManagers(config: Config): Promise<void> {
    const head = await this.head();
    const sealed = sealSecrets(config, head ? documentOf(head) : null, this.env.VIGIL_SECRET_KEY);
    if (!sealed.ok) return; // the transaction refuses it, with the same details
    const refused = await checkTrafficManagers(sealed.config, this.plan(head, sealed.config), this.env);
    if (refused.length) throw invalid(`traffic manager check failed: ${refused.length} problem(s)`, refused);
  }

  /** Makes version `n` current again as a new version (history is never rewritten). */
  async restore(n: number, options: Omit<ApplyOptions, 'dryRun'>): Promise<ApplyResult> {
    const result = await this.db.transaction(async (m) => {
      const head = await this.lockHead(m, options.ifMatch);
      const target = await this.getVersion(n, m);
      // A version stored before secretRefs were restricted may name a variable that is refused now.
      const refused = checkSecretRefs(documentOf(target), secretRefPolicy(this.env));
      if (refused.length) throw invalid(`cannot restore version ${n}: ${refused.length} problem(s)`, refused);
      const meta = { message: options.message ?? `restore of version ${n}`, restoredFrom: n };
      return this.commit(m, head, documentOf(target), meta, options);
    });
    if (result.changed) await this.announce(result.version);
    return result;
  }

  /** The current version, or null before the first apply. */
  head(manager?: EntityManager): Promise<ConfigVersionEntity | null> {
    return this.versions.head(manager);
  }

  async getVersion(n: number, manager?: EntityManager): Promise<ConfigVersionEntity> {
    const found = await this.versions.find(n, manager);
    if (!found) throw new NotFoundException(`config version ${n} does not exist`);
    return found;
  }

  async listVersions(limit: number, offset: number) {
    const [items, total] = await this.versions.list(limit, offset);
    const rows = items.map(({ plan, ...meta }) => ({
      ...meta,
      summary: plan.summary,
    }));
    return { items: rows, total, limit, offset };
  }

  /** What changes going from version `against` (0: nothing) to version `n`. */
  async diff(n: number, against: number): Promise<ConfigPlan> {
    const to = await this.getVersion(n);
    const from = against === 0 ? null : await this.getVersion(against);
    return planConfig(from ? documentOf(from) : null, documentOf(to));
  }

  /** A version's document as the API shows it: secrets redacted. */
  redacted(version: ConfigVersionEntity): Config {
    return redactSecrets(documentOf(version));
  }

  private plan(head: ConfigVersionEntity | null, desired: StoredConfig): ConfigPlan {
    return planConfig(head ? documentOf(head) : null, desired);
  }

  private async lockHead(m: EntityManager, ifMatch: number | undefined): Promise<ConfigVersionEntity | null> {
    await this.versions.lock(m);
    const head = await this.head(m);
    const current = head?.version ?? 0;
    if (ifMatch !== undefined && ifMatch !== current) {
      throw new ConflictException(`If-Match: the current config version is ${current}, not ${ifMatch}`);
    }
    return head;
  }

  private async commit(
    m: EntityManager,
    head: ConfigVersionEntity | null,
    desired: StoredConfig,
    meta: { message: string | null; restoredFrom: number | null },
    options: { source: AuditActor },
  ): Promise<ApplyResult> {
    const plan = this.plan(head, desired);
    if (plan.changes.length === 0)
      return { version: head?.version ?? 0, changed: false, dryRun: false, plan };
    const version = (head?.version ?? 0) + 1;
    await this.versions.insert(m, {
      version,
      author: options.source.actor,
      message: meta.message,
      document: desired as unknown as Record<string, unknown>,
      plan,
      restoredFrom: meta.restoredFrom,
    });
    await this.writeReadViews(m, version, desired);
    await this.audit.record(
      {
        ...options.source,
        action: meta.restoredFrom ? 'config.restore' : 'config.apply',
        target: `config/v${version}`,
        summary: { message: meta.message, restoredFrom: meta.restoredFrom, changes: plan.summary },
      },
      m,
    );
    return { version, changed: true, dryRun: false, plan };
  }

  /** Rewrites the idc / service / endpoint tables to match the version (same transaction). */
  private async writeReadViews(m: EntityManager, version: number, config: StoredConfig): Promise<void> {
    await this.versions.replaceReadViews(m, readViewRows(redactSecrets(config), version));
  }

  private async announce(version: number): Promise<void> {
    // Remote probers read the copy in Redis: it is there before they hear of the version.
    await this.publisher.publishCurrent();
    // Listeners reload from Postgres (remote probers from Redis); a lost message is caught up by their
    // periodic check.
    await this.redis.publish(redisKey(this.env, CONFIG_CHANNEL), String(version)).catch((err: unknown) => {
      this.logger.warn(`could not announce config version ${version}: ${(err as Error).message}`);
    });
    this.logger.log(`config version ${version} applied`);
  }
}
