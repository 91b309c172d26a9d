import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { FreezeEntity } from '@libs/persistence';
import { unknownScopeNames } from '../scope-names';
import { AuditService, badRequest, type AuditActor } from '@libs/runtime';
import { FreezesStore } from './freezes.store';
import type { CreateFreezeDto, FreezeDto, FreezeListDto } from './traffic.dto';

/** A freeze may last at most this long: a forgotten freeze must not disable failover for good. */
export const MAX_FREEZE_MS = 30 * 24 * 3_600_000;

function toDto(f: FreezeEntity, now: number): FreezeDto {
  return { ...f, active: f.liftedAt === null && f.until.getTime() > now };
}

const unique = (names: string[] | undefined) => [...new Set(names ?? [])].sort();

/** Freeze windows: no automatic action runs in their scope (the rules and the executor read them). */
@Injectable()
export class FreezesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly freezes: FreezesStore,
    private readonly audit: AuditService,
  ) {}

  async create(body: CreateFreezeDto, source: AuditActor): Promise<FreezeDto> {
    const now = Date.now();
    const until = Date.parse(body.until);
    const services = unique(body.services);
    const idcs = unique(body.idcs);
    return this.db.transaction(async (m) => {
      const details: Array<{ path: string; message: string }> = [];
      if (!Number.isFinite(until)) details.push({ path: 'until', message: 'expected an ISO 8601 timestamp' });
      else if (until <= now)
        details.push({ path: 'until', message: `must be in the future (got ${body.until})` });
      else if (until > now + MAX_FREEZE_MS)
        details.push({ path: 'until', message: 'must be at most 30 days ahead' });
      details.push(...(await unknownScopeNames(m, body)));
      if (details.length) throw badRequest(details);
      const freeze = await this.freezes.insert(m, {
        id: randomUUID(),
        services,
        idcs,
        until: new Date(until),
        reason: body.reason,
        createdBy: source.actor,
        liftedAt: null,
      });
      await this.audit.record(
        {
          ...source,
          action: 'freeze.create',
          target: `freeze/${freeze.id}`,
          summary: { services, idcs, until: freeze.until.toISOString(), reason: body.reason },
        },
        m,
      );
      return toDto(await this.freezes.get(freeze.id, m), now);
    });
  }

  /** Newest first; `active`: only those in force now (true) or only the others (false). */
  async list(query: { active?: 'true' | 'false'; limit: number }): Promise<FreezeListDto> {
    const rows = await this.freezes.list(query);
    const now = Date.now();
    return { items: rows.map((f) => toDto(f, now)) };
  }

  /** Lifts a freeze before its `until`; the row stays, with `liftedAt`. */
  async lift(id: string, source: AuditActor): Promise<FreezeDto> {
    return this.db.transaction(async (m) => {
      const lifted = await this.freezes.lift(m, id);
      const freeze = await this.freezes.find(id, m);
      if (!freeze) throw new NotFoundException(`freeze ${id} does not exist`);
      if (!lifted) {
        throw new ConflictException(`freeze ${id} was already lifted at ${freeze.liftedAt!.toISOString()}`);
      }
      await this.audit.record(
        {
          ...source,
          action: 'freeze.lift',
          target: `freeze/${id}`,
          summary: { services: freeze.services, idcs: freeze.idcs, until: freeze.until.toISOString() },
        },
        m,
      );
      return toDto(freeze, Date.now());
    });
  }
}
