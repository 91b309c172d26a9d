import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { FreezeEntity, IdcEntity, ServiceEntity } from '@libs/persistence';
import { AuditService, type AuditActor } from '@libs/runtime';
import type { CreateFreezeDto, FreezeDto, FreezeListDto } from './traffic.dto';
import { invalid } from './traffic-store';

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
      // A misspelt name would freeze nothing while the operator believes automation is held.
      const knownServices = new Set(
        (
          await m.getRepository(ServiceEntity).find({ select: { name: true }, where: { name: In(services) } })
        ).map((s) => s.name),
      );
      (body.services ?? []).forEach((name, i) => {
        if (!knownServices.has(name))
          details.push({ path: `services[${i}]`, message: `unknown service "${name}"` });
      });
      const knownIdcs = new Set(
        (await m.getRepository(IdcEntity).find({ select: { name: true }, where: { name: In(idcs) } })).map(
          (s) => s.name,
        ),
      );
      (body.idcs ?? []).forEach((name, i) => {
        if (!knownIdcs.has(name)) details.push({ path: `idcs[${i}]`, message: `unknown IDC "${name}"` });
      });
      if (details.length) throw invalid(details);
      const freeze = m.getRepository(FreezeEntity).create({
        id: randomUUID(),
        services,
        idcs,
        until: new Date(until),
        reason: body.reason,
        createdBy: source.actor,
        liftedAt: null,
      });
      await m.getRepository(FreezeEntity).insert(freeze);
      await this.audit.record(
        {
          ...source,
          action: 'freeze.create',
          target: `freeze/${freeze.id}`,
          summary: { services, idcs, until: freeze.until.toISOString(), reason: body.reason },
        },
        m,
      );
      return toDto(await m.getRepository(FreezeEntity).findOneByOrFail({ id: freeze.id }), now);
    });
  }

  /** Newest first; `active`: only those in force now (true) or only the others (false). */
  async list(query: { active?: 'true' | 'false'; limit: number }): Promise<FreezeListDto> {
    const qb = this.db.getRepository(FreezeEntity).createQueryBuilder('f');
    const inForce = 'f.lifted_at IS NULL AND f.until > now()';
    if (query.active === 'true') qb.where(inForce);
    if (query.active === 'false') qb.where(`NOT (${inForce})`);
    const rows = await qb
      .orderBy('f.created_at', 'DESC')
      .addOrderBy('f.id', 'DESC')
      .limit(query.limit)
      .getMany();
    const now = Date.now();
    return { items: rows.map((f) => toDto(f, now)) };
  }

  /** Lifts a freeze before its `until`; the row stays, with `liftedAt`. */
  async lift(id: string, source: AuditActor): Promise<FreezeDto> {
    return this.db.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(FreezeEntity)
        .set({ liftedAt: () => 'now()' })
        .where('id = :id AND lifted_at IS NULL', { id })
        .execute();
      const freeze = await m.getRepository(FreezeEntity).findOneBy({ id });
      if (!freeze) throw new NotFoundException(`freeze ${id} does not exist`);
      if (!result.affected) {
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
