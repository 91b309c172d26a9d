import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dedupKey, type ActionChange, type Dispatched, type Silence } from '@libs/domain';
import { NotificationEntity, SilenceEntity } from '@libs/persistence';

/** Changes of an action older than this are still read again after a later one: commits can land late. */
const ACTION_OVERLAP_MS = 10_000;

/** Where a page of action changes ended (the exact `updated_at`, as Postgres prints it, and the id). */
export interface ActionPage {
  updatedAt: string;
  id: string;
}

/** Where a page of the sweep ended (the exact `created_at`, as Postgres prints it, and the id). */
export interface SweepPage {
  createdAt: string;
  id: string;
}

/** What the delivery worker writes on a notification after an attempt. */
export type NotificationChanges = Partial<
  Pick<NotificationEntity, 'state' | 'attempts' | 'lastError' | 'deliveredAt'>
>;

/**
 * The notifier's and the delivery worker's reads and writes: notifications, silences, and the
 * actions the notifier reports on.
 */
@Injectable()
export class NotificationStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Records each dispatched message once (`<notice id>:<channel>` is unique, so a replay after a
   * leader failover adds nothing). Returns the state stored for every dedup key (the first
   * recording's, which may differ from this decision on a replay: what was or will be sent), and the
   * ids of the new pending rows, to be queued for delivery.
   */
  async record(
    dispatched: readonly Dispatched[],
  ): Promise<{ stored: Map<string, string>; pending: string[] }> {
    if (!dispatched.length) return { stored: new Map(), pending: [] };
    const rows = dispatched.map(({ notice, channel, outcome }) => ({
      id: randomUUID(),
      dedupKey: dedupKey({ notice, channel }),
      incidentKey: notice.incidentKey,
      event: notice.event,
      phase: notice.phase,
      severity: notice.severity,
      channel,
      title: notice.title,
      text: notice.text,
      labels: notice.labels,
      details: { ...notice.details, resolvable: notice.resolvable, at: new Date(notice.at).toISOString() },
      state: outcome.state,
      silenceId: outcome.state === 'silenced' ? (outcome.silenceId ?? null) : null,
      maintenanceWindowId: outcome.state === 'silenced' ? (outcome.maintenanceWindowId ?? null) : null,
      attempts: 0,
      lastError: null,
      deliveredAt: null,
    }));
    const result = await this.db
      .createQueryBuilder()
      .insert()
      .into(NotificationEntity)
      .values(rows)
      .orIgnore() // ON CONFLICT DO NOTHING: the dedup key
      .returning('id, dedup_key, state')
      // Else TypeORM copies the returned rows onto `rows` by index, wrong when some were ignored.
      .updateEntity(false)
      .execute();
    const inserted = result.raw as Array<{ id: string; dedup_key: string; state: string }>;
    const stored = new Map(inserted.map((r) => [r.dedup_key, r.state]));
    // Rows recorded before (a replay): their stored state, not this decision, says what was sent.
    const known = dispatched.map(dedupKey).filter((key) => !stored.has(key));
    if (known.length) {
      const existing = (await this.db.query(
        `SELECT dedup_key, state FROM notifications WHERE dedup_key = ANY($1)`,
        [known],
      )) as Array<{ dedup_key: string; state: string }>;
      for (const r of existing) stored.set(r.dedup_key, r.state);
    }
    return { stored, pending: inserted.filter((r) => r.state === 'pending').map((r) => r.id) };
  }

  /** The notification, or null (deleted by retention). */
  find(id: string): Promise<NotificationEntity | null> {
    return this.db.getRepository(NotificationEntity).findOneBy({ id });
  }

  /** Updates the notification if it is still pending (else nothing: delivered, failed or re-sent). */
  async updatePending(id: string, changes: NotificationChanges): Promise<void> {
    await this.db.getRepository(NotificationEntity).update({ id, state: 'pending' }, changes);
  }

  /** Whether an earlier notification of the same incident to the same channel still waits for delivery. */
  earlierPending(row: NotificationEntity): Promise<boolean> {
    return this.db
      .getRepository(NotificationEntity)
      .createQueryBuilder('n')
      .where('n.incident_key = :incident AND n.channel = :channel', {
        incident: row.incidentKey,
        channel: row.channel,
      })
      .andWhere("n.state = 'pending' AND n.created_at < :created", { created: row.createdAt })
      .getExists();
  }

  /** Silences in force now or later (expired ones never match again). */
  async silences(now: number): Promise<Silence[]> {
    const rows = await this.db
      .getRepository(SilenceEntity)
      .createQueryBuilder('s')
      .where('s.ends_at > :now', { now: new Date(now) })
      .getMany();
    return rows.map((s) => ({
      id: s.id,
      matchers: s.matchers,
      startsAt: s.startsAt.getTime(),
      endsAt: s.endsAt.getTime(),
    }));
  }

  /**
   * Actions changed since `cursor` (minus an overlap), oldest first by (updated_at, id), at most
   * `limit`, after `after` when given. `next` is where a full page ended (more may follow): the caller
   * drops the changes it has seen and reads on from there while a page held none it had not, so a
   * window full of seen changes never stops it.
   */
  async actionChanges(
    cursor: number,
    after?: ActionPage,
    limit = 500,
  ): Promise<{ changes: ActionChange[]; next?: ActionPage }> {
    // The keyset compares the exact timestamps (microseconds): a JS Date would round them to ms.
    const keyset = after ? 'AND (updated_at, id) > ($3::timestamptz, $4::uuid)' : '';
    const rows = (await this.db.query(
      `SELECT id, service, idc, kind, state, reason, rule, mode, guardrails, updated_at,
              updated_at::text AS page_at
         FROM actions WHERE updated_at > $1 ${keyset} ORDER BY updated_at, id LIMIT $2`,
      [new Date(cursor - ACTION_OVERLAP_MS), limit, ...(after ? [after.updatedAt, after.id] : [])],
    )) as Array<{
      id: string;
      service: string;
      idc: string | null;
      kind: string;
      state: string;
      reason: string;
      rule: string | null;
      mode: string;
      guardrails: unknown;
      updated_at: Date;
      page_at: string;
    }>;
    const last = rows[rows.length - 1];
    const changes = rows.map((r): ActionChange => {
      const guardrail = Array.isArray(r.guardrails) && r.state === 'refused' ? r.guardrails[0] : undefined;
      return {
        id: r.id,
        service: r.service,
        idc: r.idc,
        kind: r.kind,
        state: r.state,
        reason: r.reason,
        rule: r.rule,
        mode: r.mode,
        // Approval-mode actions execute only after awaiting approval: that start is not a new proposal.
        before: r.state === 'executing' && r.mode === 'approval' ? 'awaiting-approval' : null,
        ...(typeof guardrail === 'string' ? { guardrail } : {}),
        at: new Date(r.updated_at).getTime(),
      };
    });
    return rows.length === limit ? { changes, next: { updatedAt: last.page_at, id: last.id } } : { changes };
  }

  /**
   * Pending notifications not touched since `before` (their delivery job may have been lost), oldest
   * first by (created_at, id), at most `limit`, after `after` when given. `next` is where a full page
   * ended: the sweep reads on from there next time, and from the start again after a short page, so
   * rows whose job is alive (a resolve waiting for its trigger, a long Retry-After) never keep the
   * rows after them from being reached.
   */
  async stuckPending(
    before: Date,
    after?: SweepPage,
    limit = 1000,
  ): Promise<{ ids: string[]; next?: SweepPage }> {
    const keyset = after ? 'AND (created_at, id) > ($3::timestamptz, $4::uuid)' : '';
    const rows = (await this.db.query(
      `SELECT id, created_at::text AS page_at FROM notifications
        WHERE state = 'pending' AND updated_at < $1 ${keyset} ORDER BY created_at, id LIMIT $2`,
      [before, limit, ...(after ? [after.createdAt, after.id] : [])],
    )) as Array<{ id: string; page_at: string }>;
    const last = rows[rows.length - 1];
    const ids = rows.map((r) => r.id);
    return rows.length === limit ? { ids, next: { createdAt: last.page_at, id: last.id } } : { ids };
  }

  /** Deletes notifications older than `before`, in batches; returns how many. */
  async applyRetention(before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = (await this.db.query(
        `DELETE FROM notifications WHERE id IN
           (SELECT id FROM notifications WHERE created_at < $1 AND state <> 'pending' LIMIT 5000)`,
        [before],
      )) as [unknown, number];
      total += deleted[1];
      if (deleted[1] < 5000) return total;
    }
  }
}
