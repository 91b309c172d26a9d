import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Weights } from '@libs/domain';
import type { AppliedStepRow, OverrideRow } from './traffic-history';

interface StepRaw {
  action_id: string;
  kind: string;
  reason: string;
  index: number;
  weights: Weights;
  at: Date;
}

interface AuditRaw {
  action: 'traffic.override' | 'traffic.release';
  actor: string;
  at: Date;
  summary: {
    weights?: Weights;
    reason?: string;
    action?: string;
    released?: { reason?: string };
  };
}

const STEPS = `SELECT s.action_id, a.kind, a.reason, s.index, s.weights, s.finished_at AS at
  FROM action_steps s JOIN actions a ON a.id = s.action_id
  WHERE a.service = $1 AND s.state = 'applied' AND s.finished_at IS NOT NULL`;

const OVERRIDES = `SELECT action, actor, at, summary FROM audit_log
  WHERE target = $1 AND action IN ('traffic.override', 'traffic.release')`;

/**
 * The facts behind a service's traffic history, as Postgres already records them: the steps actions
 * applied (action_steps, when the traffic manager confirmed them: the weights the controller then
 * wrote to service_traffic) and the manual overrides set and released (the audit log, which is
 * append-only). Every method takes the manager to use (the data source's when left out).
 */
@Injectable()
export class TrafficHistoryStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Steps applied in `[from, to)`, oldest first, at most `limit`. */
  async steps(
    service: string,
    from: Date,
    to: Date,
    limit: number,
    m: EntityManager = this.db.manager,
  ): Promise<AppliedStepRow[]> {
    const rows = await m.query<StepRaw[]>(
      `${STEPS} AND s.finished_at >= $2 AND s.finished_at < $3 ORDER BY s.finished_at, s.action_id, s.index LIMIT $4`,
      [service, from, to, limit],
    );
    return rows.map(toStep);
  }

  /** The last step applied before `from`, or null. */
  async stepBefore(service: string, from: Date, m: EntityManager = this.db.manager) {
    const [row] = await m.query<StepRaw[]>(
      `${STEPS} AND s.finished_at < $2 ORDER BY s.finished_at DESC, s.action_id DESC, s.index DESC LIMIT 1`,
      [service, from],
    );
    return row ? toStep(row) : null;
  }

  /** Overrides set and released in `[from, to)`, oldest first, at most `limit`. */
  async overrides(
    service: string,
    from: Date,
    to: Date,
    limit: number,
    m: EntityManager = this.db.manager,
  ): Promise<OverrideRow[]> {
    const rows = await m.query<AuditRaw[]>(`${OVERRIDES} AND at >= $2 AND at < $3 ORDER BY at, id LIMIT $4`, [
      `service/${service}`,
      from,
      to,
      limit,
    ]);
    return rows.map(toOverride);
  }

  /** The last override set or released before `from`, or null. */
  async overrideBefore(service: string, from: Date, m: EntityManager = this.db.manager) {
    const [row] = await m.query<AuditRaw[]>(`${OVERRIDES} AND at < $2 ORDER BY at DESC, id DESC LIMIT 1`, [
      `service/${service}`,
      from,
    ]);
    return row ? toOverride(row) : null;
  }
}

function toStep(r: StepRaw): AppliedStepRow {
  return {
    kind: 'step',
    at: new Date(r.at),
    actionId: r.action_id,
    actionKind: r.kind,
    reason: r.reason,
    index: r.index,
    weights: r.weights,
  };
}

function toOverride(r: AuditRaw): OverrideRow {
  const set = r.action === 'traffic.override';
  return {
    kind: set ? 'override' : 'release',
    at: new Date(r.at),
    by: r.actor,
    weights: set ? (r.summary.weights ?? null) : null,
    reason: (set ? r.summary.reason : r.summary.released?.reason) ?? '',
    actionId: set ? (r.summary.action ?? null) : null,
  };
}
