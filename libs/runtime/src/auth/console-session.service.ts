import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parseCookie } from 'cookie';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENV, type Env } from '@libs/config';
import type { ConsoleSessionEntity } from '@libs/persistence';
import { AuditService, type AuditActor } from '../audit/audit.service';
import { ConsoleSessionsStore } from './console-sessions.store';
import { CSRF_HEADER, csrfTokenOf, passesCsrf } from './csrf';
import type { Credential, Principal, SessionInfo, VigilRequest } from './principal';

/** The console's session cookie. */
export const SESSION_COOKIE = 'vigil_session';
/** `last_seen_at` is written at most this often per session, not on every request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

/** The `vigil_session` cookie's token, if the request has one. */
export function sessionTokenOf(req: Pick<VigilRequest, 'headers'>): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || !header.includes(SESSION_COOKIE)) return undefined;
  const token = parseCookie(header)[SESSION_COOKIE];
  return token ? token : undefined;
}

/**
 * Console sessions: a browser exchanges an API key for an HttpOnly cookie that acts as that key
 * until it expires (VIGIL_SESSION_TTL), is signed out, or its key is revoked. Only the SHA-256 of
 * the cookie's token is stored; its CSRF token is derived from it (see `csrf.ts`), never stored.
 */
@Injectable()
export class ConsoleSessionService {
  /** The CSRF key: from VIGIL_SECRET_KEY when set; the cookie token alone already makes it unguessable. */
  private readonly csrfKey: Buffer;
  readonly ttlMs: number;

  constructor(
    private readonly store: ConsoleSessionsStore,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ENV) env: Env,
  ) {
    this.csrfKey = createHash('sha256')
      .update('vigil console csrf\0')
      .update(env.VIGIL_SECRET_KEY ?? '')
      .digest();
    this.ttlMs = env.VIGIL_SESSION_TTL;
  }

  /**
   * Signs a key's caller in: a new session (and its audit entry, in one transaction) whose token is
   * returned for the cookie only. Expired sessions of every key are deleted on the way, and so is the
   * session the browser signed in with before (`previousToken`, its old cookie), which the new cookie
   * replaces. A webhook key cannot use the console; the bootstrap admin token (no key row) cannot sign in.
   */
  async start(
    principal: Principal,
    sourceIp: string | null,
    previousToken?: string,
  ): Promise<{ token: string; session: SessionInfo }> {
    if (principal.role === 'webhook') {
      throw new ForbiddenException(`the key "${principal.name}" is webhook: it cannot use the console`);
    }
    if (principal.keyId === null) {
      throw new ForbiddenException(
        `"${principal.name}" cannot sign in to the console; create an API key (POST /api/v1/api-keys) and use it`,
      );
    }
    const now = new Date();
    const token = randomBytes(32).toString('base64url');
    const row: ConsoleSessionEntity = {
      id: randomUUID(),
      tokenHash: sha256Hex(token),
      apiKeyId: principal.keyId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.ttlMs),
      lastSeenAt: now,
      sourceIp,
    };
    await this.db.transaction(async (m) => {
      await this.store.deleteExpired(now, m);
      const replaced = previousToken ? await this.store.deleteByHash(sha256Hex(previousToken), m) : null;
      await this.store.insert(row, m);
      await this.audit.record(
        {
          actor: principal.name,
          sourceIp,
          action: 'session.create',
          target: `api-key/${principal.name}`,
          summary: {
            sessionId: row.id,
            expiresAt: row.expiresAt.toISOString(),
            ...(replaced ? { replacedSessionId: replaced } : {}),
          },
        },
        m,
      );
    });
    return { token, session: { id: row.id, expiresAt: row.expiresAt, csrfToken: this.csrf(token) } };
  }

  /** Signs a session out (deletes it, with its audit entry); false when it was already gone. */
  async end(sessionId: string, source: AuditActor): Promise<boolean> {
    return this.db.transaction(async (m) => {
      if (!(await this.store.delete(sessionId, m))) return false;
      await this.audit.record(
        {
          ...source,
          action: 'session.delete',
          target: `api-key/${source.actor}`,
          summary: { sessionId },
        },
        m,
      );
      return true;
    });
  }

  /**
   * The caller of a request that came with a session cookie: its key's principal, or why it is
   * refused. A write (not GET/HEAD/OPTIONS) also needs the CSRF token and, when the browser sent an
   * Origin, the request's own origin: else 403, which does not count as a failed authentication.
   */
  async identify(req: VigilRequest, token: string): Promise<Credential> {
    const found = await this.store.findByHash(sha256Hex(token));
    // A cookie's token is 256-bit random: guessing is hopeless, so these do not count as failures
    // (a console whose session ended fires several requests at once; they should not block its address).
    if (!found) return { refused: 'unknown or ended session; sign in again', status: 401, counts: false };
    const { session, key } = found;
    const now = Date.now();
    if (session.expiresAt.getTime() <= now) {
      return { refused: 'session expired; sign in again', status: 401, counts: false };
    }
    const csrfToken = this.csrf(token);
    const csrf = {
      method: req.method ?? 'GET',
      header: req.headers[CSRF_HEADER.toLowerCase()],
      origin: req.headers.origin,
      host: req.host ?? (typeof req.headers.host === 'string' ? req.headers.host : undefined),
    };
    if (!passesCsrf(csrf, csrfToken)) {
      return { refused: 'missing or invalid CSRF token', status: 403, counts: false };
    }
    if (now - session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
      await this.store.touch(session.id, new Date(now), new Date(now - LAST_SEEN_RESOLUTION_MS));
    }
    return {
      principal: { keyId: key.id, name: key.name, role: key.role },
      via: 'session',
      session: { id: session.id, expiresAt: session.expiresAt, csrfToken },
    };
  }

  private csrf(token: string): string {
    return csrfTokenOf(this.csrfKey, token);
  }
}
