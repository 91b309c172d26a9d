import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENV, type Env } from '@libs/config';
import type { ApiRole } from '@libs/domain';
import type { ApiKeyEntity } from '@libs/persistence';
import { AuditService, type AuditActor } from '../audit/audit.service';
import { ApiKeysStore } from './api-keys.store';
import { ConsoleSessionsStore } from './console-sessions.store';
import type { Principal } from './principal';

const TOKEN_PREFIX = 'vgl_';
/** `last_used_at` is written at most this often per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;
export const BOOTSTRAP_ADMIN = 'bootstrap-admin';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** The public view of a key: never its token or hash. */
export type ApiKeyView = Pick<
  ApiKeyEntity,
  'id' | 'name' | 'role' | 'prefix' | 'createdBy' | 'createdAt' | 'lastUsedAt'
>;

function toView(key: ApiKeyEntity): ApiKeyView {
  const { id, name, role, prefix, createdBy, createdAt, lastUsedAt } = key;
  return { id, name, role, prefix, createdBy, createdAt, lastUsedAt };
}

/** Issues, lists, revokes and verifies API keys. */
@Injectable()
export class ApiKeyService {
  private readonly bootstrapHash: Buffer | null;

  constructor(
    private readonly keys: ApiKeysStore,
    private readonly sessions: ConsoleSessionsStore,
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(ENV) env: Env,
  ) {
    this.bootstrapHash = env.VIGIL_ADMIN_TOKEN ? sha256(env.VIGIL_ADMIN_TOKEN) : null;
  }

  /** Creates a key (and its audit entry, in one transaction); the token is in the result only. */
  async create(name: string, role: ApiRole, source: AuditActor): Promise<ApiKeyView & { token: string }> {
    if (name === BOOTSTRAP_ADMIN) throw new ConflictException(`the name "${BOOTSTRAP_ADMIN}" is reserved`);
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const key = this.keys.build({
      id: randomUUID(),
      name,
      role,
      prefix: token.slice(0, 12),
      hash: sha256(token).toString('hex'),
      createdBy: source.actor,
      lastUsedAt: null,
      revokedAt: null,
    });
    try {
      await this.db.transaction(async (m) => {
        await this.keys.insert(m, key);
        await this.audit.record(
          {
            ...source,
            action: 'api-key.create',
            target: `api-key/${name}`,
            summary: { id: key.id, role, prefix: key.prefix },
          },
          m,
        );
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new ConflictException(`an API key named "${name}" already exists`);
      }
      throw err;
    }
    return { ...toView(key), token };
  }

  async list(): Promise<ApiKeyView[]> {
    const keys = await this.keys.listActive();
    return keys.map(toView);
  }

  /**
   * Revokes a key at once (later requests with it get 401) and ends its console sessions, with its
   * audit entry in the same transaction.
   */
  async revoke(id: string, source: AuditActor): Promise<ApiKeyView> {
    return this.db.transaction(async (m) => {
      const revokedAt = new Date();
      // Only an active key can be revoked: of two concurrent DELETEs, one wins and one gets 404.
      if (!(await this.keys.revoke(m, id, revokedAt)))
        throw new NotFoundException(`no active API key with id "${id}"`);
      const key = await this.keys.get(id, m);
      const sessionsEnded = await this.sessions.deleteForKey(id, m);
      await this.audit.record(
        {
          ...source,
          action: 'api-key.revoke',
          target: `api-key/${key.name}`,
          summary: { id, sessionsEnded },
        },
        m,
      );
      return toView(key);
    });
  }

  /** The caller a token belongs to, or null for an unknown or revoked token. */
  async verify(token: string): Promise<Principal | null> {
    const hash = sha256(token);
    if (this.bootstrapHash && timingSafeEqual(hash, this.bootstrapHash)) {
      return { keyId: null, name: BOOTSTRAP_ADMIN, role: 'admin' };
    }
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const key = await this.keys.findActiveByHash(hash.toString('hex'));
    if (!key) return null;
    const now = Date.now();
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.setLastUsed(key.id, new Date(now));
    }
    return { keyId: key.id, name: key.name, role: key.role };
  }
}
