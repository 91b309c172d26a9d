import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
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

/** Appends to and reads the audit log; nothing here (or in the database) can edit an entry. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>) {}

  /** Appends an entry; pass the transaction's manager so the entry commits with the change it records. */
  async record(entry: AuditRecord, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(AuditEntryEntity) : this.entries;
    await repo.insert({ ...entry, summary: entry.summary ?? {} });
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async list(query: { limit: number; before?: string; actor?: string; action?: string }) {
    const items = await this.entries.find({
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
