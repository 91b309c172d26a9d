import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { formatDuration, parseDuration } from '@libs/config';
import { checkSchedule, nextOccurrences, type Problem } from '@libs/domain';
import { toMaintenanceWindow, type MaintenanceWindowEntity } from '@libs/persistence';
import { unknownScopeNames } from '../scope-names';
import { AuditService, badRequest, type AuditActor } from '@libs/runtime';
import { MaintenanceWindowsStore } from './maintenance-windows.store';
import type {
  CreateMaintenanceWindowDto,
  MaintenanceWindowDto,
  MaintenanceWindowListDto,
} from './maintenance-windows.dto';

/** How many upcoming occurrences a window shows. */
const NEXT_SHOWN = 5;
const MAX_LABELS = 32;
const DURATIONS = { parse: parseDuration, format: formatDuration };

const unique = (names: string[] | undefined) => [...new Set(names ?? [])].sort();

function toDto(w: MaintenanceWindowEntity, now: number): MaintenanceWindowDto {
  const next = nextOccurrences(toMaintenanceWindow(w), now, NEXT_SHOWN);
  const active = next.length > 0 && next[0].start <= now;
  return {
    id: w.id,
    reason: w.reason,
    kind: w.kind,
    startsAt: w.startsAt,
    endsAt: w.endsAt,
    rrule: w.kind === 'rrule' ? w.rule : null,
    cron: w.kind === 'cron' ? w.rule : null,
    timezone: w.timezone,
    duration: w.duration,
    until: w.until,
    services: w.services,
    idcs: w.idcs,
    labels: w.labels,
    freeze: w.freeze,
    silence: w.silence,
    createdBy: w.createdBy,
    createdAt: w.createdAt,
    cancelledAt: w.cancelledAt,
    cancelledBy: w.cancelledBy,
    version: w.version,
    active,
    state: w.cancelledAt ? 'cancelled' : active ? 'active' : next.length ? 'scheduled' : 'ended',
    next: next.map((o) => ({ start: new Date(o.start), end: new Date(o.end) })),
  };
}

function labelProblems(labels: unknown): Problem[] {
  if (labels === undefined) return [];
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_LABELS) return [{ path: 'labels', message: `at most ${MAX_LABELS} labels` }];
  return entries.flatMap(([k, v]) =>
    typeof v === 'string' && v.length <= 1000 && k.length > 0 && k.length <= 100
      ? []
      : [
          {
            path: `labels.${k}`,
            message: 'must be a string of at most 1000 characters, under a name of 1-100',
          },
        ],
  );
}

/**
 * Maintenance windows: declared, possibly recurring periods in which automation is frozen and/or
 * notifications silenced in a scope. The controller reads them (MaintenanceCalendar); reports show
 * their time apart.
 */
@Injectable()
export class MaintenanceWindowsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly windows: MaintenanceWindowsStore,
    private readonly audit: AuditService,
  ) {}

  async create(body: CreateMaintenanceWindowDto, source: AuditActor): Promise<MaintenanceWindowDto> {
    const now = Date.now();
    const services = unique(body.services);
    const idcs = unique(body.idcs);
    const freeze = body.freeze ?? true;
    const silence = body.silence ?? true;
    return this.db.transaction(async (m) => {
      const checked = checkSchedule(body, now, DURATIONS);
      const details: Problem[] = 'problems' in checked ? [...checked.problems] : [];
      if (!freeze && !silence)
        details.push({ path: 'silence', message: 'a window must freeze, silence or both' });
      details.push(...labelProblems(body.labels));
      details.push(...(await unknownScopeNames(m, body)));
      if (details.length || !('schedule' in checked)) throw badRequest(details);
      const s = checked.schedule;
      const id = randomUUID();
      await this.windows.insert(m, {
        id,
        reason: body.reason,
        kind: s.kind,
        rule: s.kind === 'once' ? null : s.rule,
        timezone: s.kind === 'once' ? null : s.timezone,
        duration: s.kind === 'once' ? null : body.duration!,
        startsAt: new Date(s.startsAt),
        endsAt: s.kind === 'once' ? new Date(s.endsAt) : null,
        until: s.kind !== 'once' && s.until !== undefined ? new Date(s.until) : null,
        services,
        idcs,
        labels: body.labels ?? {},
        freeze,
        silence,
        createdBy: source.actor,
        cancelledAt: null,
        cancelledBy: null,
      });
      const window = (await this.windows.find(id, m))!;
      const dto = toDto(window, now);
      await this.audit.record(
        {
          ...source,
          action: 'maintenance-window.create',
          target: `maintenance-window/${id}`,
          summary: {
            reason: body.reason,
            kind: s.kind,
            schedule: {
              startsAt: dto.startsAt,
              endsAt: dto.endsAt,
              rule: window.rule,
              timezone: window.timezone,
              duration: window.duration,
              until: dto.until,
            },
            services,
            idcs,
            labels: window.labels,
            freeze,
            silence,
          },
        },
        m,
      );
      return dto;
    });
  }

  /** Newest first; `active`: only windows in force now (true) or only the others (false). */
  async list(query: { active?: 'true' | 'false'; limit: number }): Promise<MaintenanceWindowListDto> {
    const now = Date.now();
    // "Active" depends on the recurrence: decided here, over the windows that may still occur.
    const rows = await this.windows.list({
      live: query.active === 'true',
      limit: query.active ? 10_000 : query.limit,
    });
    let items = rows.map((w) => toDto(w, now));
    if (query.active) items = items.filter((w) => w.active === (query.active === 'true'));
    return { items: items.slice(0, query.limit) };
  }

  async get(id: string): Promise<MaintenanceWindowDto> {
    const window = await this.windows.find(id);
    if (!window) throw new NotFoundException(`maintenance window ${id} does not exist`);
    return toDto(window, Date.now());
  }

  /** Cancels a window: no occurrence from now on (one in progress ends now); the row stays. */
  async cancel(id: string, source: AuditActor): Promise<MaintenanceWindowDto> {
    return this.db.transaction(async (m) => {
      const cancelled = await this.windows.cancel(m, id, source.actor);
      const window = await this.windows.find(id, m);
      if (!window) throw new NotFoundException(`maintenance window ${id} does not exist`);
      if (!cancelled)
        throw new ConflictException(
          `maintenance window ${id} was already cancelled at ${window.cancelledAt!.toISOString()}`,
        );
      await this.audit.record(
        {
          ...source,
          action: 'maintenance-window.cancel',
          target: `maintenance-window/${id}`,
          summary: { reason: window.reason, kind: window.kind, services: window.services, idcs: window.idcs },
        },
        m,
      );
      return toDto(window, Date.now());
    });
  }
}
