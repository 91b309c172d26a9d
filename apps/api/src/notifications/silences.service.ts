import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { checkMatchers } from '@libs/domain';
import type { SilenceEntity, SilenceMatcher } from '@libs/persistence';
import { AuditService, badRequest, type AuditActor } from '@libs/runtime';
import type { CreateSilenceDto, SilenceDto, SilenceListDto, SilencesQuery } from './notifications.dto';
import { SilencesStore } from './silences.store';

/** A silence may last at most this long: a forgotten one must not mute paging for good. */
export const MAX_SILENCE_MS = 30 * 24 * 3_600_000;

function toDto(s: SilenceEntity, now: number): SilenceDto {
  const state = s.endsAt.getTime() <= now ? 'expired' : s.startsAt.getTime() > now ? 'pending' : 'active';
  return { ...s, state };
}

/** Silences: label matchers and a window that mute delivery; the events and notifications are kept. */
@Injectable()
export class SilencesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly silences: SilencesStore,
    private readonly audit: AuditService,
  ) {}

  async create(body: CreateSilenceDto, source: AuditActor): Promise<SilenceDto> {
    const now = Date.now();
    const startsAt = body.startsAt === undefined ? now : Date.parse(body.startsAt);
    const endsAt = Date.parse(body.endsAt);
    const details = checkMatchers(body.matchers);
    if (!Number.isFinite(startsAt))
      details.push({ path: 'startsAt', message: 'expected an ISO 8601 timestamp' });
    if (!Number.isFinite(endsAt)) details.push({ path: 'endsAt', message: 'expected an ISO 8601 timestamp' });
    else if (endsAt <= Math.max(now, startsAt))
      details.push({ path: 'endsAt', message: 'must be after startsAt and in the future' });
    else if (endsAt > now + MAX_SILENCE_MS)
      details.push({ path: 'endsAt', message: 'must be at most 30 days ahead' });
    if (details.length) throw badRequest(details);
    const matchers: SilenceMatcher[] = body.matchers.map(({ label, op, value }) => ({
      label,
      op: op as SilenceMatcher['op'],
      value,
    }));
    return this.db.transaction(async (m) => {
      const silence = await this.silences.insert(m, {
        id: randomUUID(),
        matchers,
        startsAt: new Date(startsAt),
        endsAt: new Date(endsAt),
        comment: body.comment,
        createdBy: source.actor,
      });
      await this.audit.record(
        {
          ...source,
          action: 'silence.create',
          target: `silence/${silence.id}`,
          summary: { matchers, endsAt: silence.endsAt.toISOString(), comment: body.comment },
        },
        m,
      );
      return toDto(await this.silences.get(silence.id, m), now);
    });
  }

  /** Newest first, optionally only active, pending (not started) or expired ones. */
  async list(query: SilencesQuery): Promise<SilenceListDto> {
    const rows = await this.silences.list(query);
    const now = Date.now();
    return { items: rows.map((s) => toDto(s, now)) };
  }

  /** Expires a silence now (it is kept, with endsAt = now); notifications from now on are sent. */
  async expire(id: string, source: AuditActor): Promise<SilenceDto> {
    return this.db.transaction(async (m) => {
      const expired = await this.silences.expire(m, id);
      const silence = await this.silences.find(id, m);
      if (!silence) throw new NotFoundException(`silence ${id} does not exist`);
      if (!expired) throw new ConflictException(`silence ${id} has already expired`);
      await this.audit.record(
        {
          ...source,
          action: 'silence.expire',
          target: `silence/${id}`,
          summary: { matchers: silence.matchers },
        },
        m,
      );
      return toDto(silence, Date.now());
    });
  }
}
