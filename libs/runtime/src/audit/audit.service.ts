import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, type EntityManager } from 'typeorm';
import { AuditEntryEntity } from '@libs/persistence';

/** Who did it and from where; comes from the request (see `AuditSource`). */
export interface AuditActor {
  actor: string;
  sourceIp: string | null;
}

export interface AuditRecord extends AuditActor {
  action: string;
  target: string;
  summary?: Record<string, unknown>;
}

/**
 * Appends to and reads the audit log (the store of `audit_log`); nothing here (or in the database) can
 * edit an entry. Every method takes the manager to use (a transaction's, or the data source's when
 * left out).
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Appends an entry; pass the transaction's manager so the entry commits with the change it records. */
  async record(entry: AuditRecord, m: EntityManager = this.db.manager): Promise<void> {
    await m.getRepository(AuditEntryEntity).insert({ ...entry, summary: entry.summary ?? {} });
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async list(
    query: { limit: number; before?: string; actor?: string; action?: string },
    m: EntityManager = this.db.manager,
  ) {
    const items = await m.getRepository(AuditEntryEntity).find({
      where: {
        ...(query.before ? { id: LessThan(query.before) } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
        ...(query.action ? { action: query.action } : {}),
      },
      order: { id: 'DESC' },
      take: query.limit + 1, // one more tells whether there is a next page
    });
    const page = items.slice(0, query.limit);
    const next = items.length > query.limit ? page[page.length - 1].id : null;
    return { items: page, next };
  }
}
