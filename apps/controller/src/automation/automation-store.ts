import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { ShiftGuards, Weights } from '@libs/domain';
import {
  ActionEntity,
  ActionStepEntity,
  AutomationSettingEntity,
  insertAction,
  type ActionInsert,
  OPEN_ACTION_STATES,
  ServiceTrafficEntity,
  type ActionState,
  type ActualTraffic,
} from '@libs/persistence';
import type { TrafficBelief } from './drift-watch';

/** Automatic actions that count for cooldown and the hourly cap: those that moved (or were meant to move) traffic. */
const COUNTED_STATES: ActionState[] = [
  'executing',
  'held',
  'completed',
  'failed',
  'cancelled',
  'rolled-back',
  'awaiting-approval',
];

/** An automatic action: decided by the rules, so by no one. */
export type NewAction = Omit<ActionInsert, 'decidedBy'>;

/** The executor's and the rules' reads and writes of actions, guards and service traffic. */
@Injectable()
export class AutomationStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async guards(service: string, idc: string, now: number): Promise<ShiftGuards> {
    const [kill, frozen, traffic, recent] = await Promise.all([
      this.db.getRepository(AutomationSettingEntity).findOneBy({ key: 'kill-switch' }),
      this.db.query(
        `SELECT 1 FROM freezes WHERE lifted_at IS NULL AND until > $1
           AND (services = '{}' OR $2 = ANY(services)) AND (idcs = '{}' OR $3 = ANY(idcs)) LIMIT 1`,
        [new Date(now), service, idc],
      ) as Promise<unknown[]>,
      this.db.getRepository(ServiceTrafficEntity).findOneBy({ service }),
      // The newest counted action of the last hour, with the count of them all (taken before LIMIT).
      this.db.query(
        `SELECT count(*) OVER ()::int AS n, kind, idc, created_at AS at FROM actions
          WHERE service = $1 AND mode <> 'manual' AND state = ANY($2) AND created_at > $3
          ORDER BY created_at DESC LIMIT 1`,
        [service, COUNTED_STATES, new Date(now - 3_600_000)],
      ) as Promise<Array<{ n: number; kind: string; idc: string | null; at: Date }>>,
    ]);
    const last = recent[0];
    return {
      killSwitch: kill?.value.paused ?? false,
      frozen: frozen.length > 0,
      manualOverride: traffic?.override != null,
      ...(last ? { lastAction: { kind: last.kind, idc: last.idc, at: new Date(last.at).getTime() } } : {}),
      actionsInLastHour: last?.n ?? 0,
    };
  }

  async desiredWeights(service: string): Promise<Weights | null> {
    return (await this.db.getRepository(ServiceTrafficEntity).findOneBy({ service }))?.desired ?? null;
  }

  async allDesired(): Promise<Map<string, Weights>> {
    const rows = await this.db.getRepository(ServiceTrafficEntity).find();
    return new Map(rows.map((r) => [r.service, r.desired]));
  }

  /** The service's actions that still hold it (awaiting approval, executing or held). */
  openActions(service: string): Promise<ActionEntity[]> {
    return this.db.getRepository(ActionEntity).findBy({ service, state: In([...OPEN_ACTION_STATES]) });
  }

  /**
   * Ends an open action in favour of a new one: state 'cancelled', `error` says why. Nothing is
   * written, and false returned, when the action left the open states meanwhile (an operator
   * decided) or a leader newer than `token` created it or sent one of its steps.
   */
  async supersede(action: ActionEntity, reason: string, token: number): Promise<boolean> {
    const ended = await this.db
      .createQueryBuilder()
      .update(ActionEntity)
      .set({ state: 'cancelled', error: reason })
      .where(
        `id = :id AND state IN (:...open) AND fencing_token <= :token
         AND NOT EXISTS (SELECT 1 FROM action_steps s WHERE s.action_id = :id AND s.fencing_token > :token)`,
        { id: action.id, open: [...OPEN_ACTION_STATES], token },
      )
      .execute();
    return (ended.affected ?? 0) > 0;
  }

  /**
   * The action that last changed the service's weights (any kind, at least one step applied). A
   * failback follows only when that was a shift-away from the IDC: after a manual change, a rollback
   * or a set-weights, the weights are a human's or a rule's choice, not a drain to undo.
   */
  async lastWeightChange(service: string): Promise<ActionEntity | null> {
    return this.db
      .getRepository(ActionEntity)
      .createQueryBuilder('a')
      .where('a.service = :service AND a.steps_done > 0', { service })
      .orderBy('a.created_at', 'DESC')
      .getOne();
  }

  /** The freezes in force now (of any scope). */
  async activeFreezes(): Promise<number> {
    const [row] = (await this.db.query(
      `SELECT count(*)::int AS n FROM freezes WHERE lifted_at IS NULL AND until > now()`,
    )) as Array<{ n: number }>;
    return row?.n ?? 0;
  }

  create(action: NewAction): Promise<string> {
    return this.db.transaction((m) => insertAction(m, { ...action, decidedBy: null }));
  }

  executing(): Promise<ActionEntity[]> {
    return this.db
      .getRepository(ActionEntity)
      .find({ where: { state: 'executing' }, order: { createdAt: 'ASC' }, take: 20 });
  }

  step(actionId: string, index: number): Promise<ActionStepEntity | null> {
    return this.db.getRepository(ActionStepEntity).findOneBy({ actionId, index });
  }

  /** The newest fencing token recorded on a step or a service's weights (0 when none). */
  async newestFencingToken(): Promise<number> {
    const [row] = (await this.db.query(
      `SELECT greatest((SELECT max(fencing_token) FROM action_steps), (SELECT max(fencing_token) FROM service_traffic)) AS n`,
    )) as Array<{ n: string | null }>;
    return Number(row?.n ?? 0);
  }

  /**
   * Marks a step as being sent (before the call) by the leader with fencing token `token`, so a crash
   * leaves a trace and the retry reuses its key. False, and nothing written, when the step is no
   * longer to be sent or a newer leader has sent it: this one lost the lease.
   */
  async startStep(step: ActionStepEntity, token: number): Promise<boolean> {
    const claimed = await this.db
      .createQueryBuilder()
      .update(ActionStepEntity)
      .set({
        state: 'applying',
        attempts: step.attempts + 1,
        startedAt: step.startedAt ?? new Date(),
        fencingToken: String(token),
      })
      .where(
        `action_id = :id AND index = :index AND state IN ('pending', 'applying') AND fencing_token <= :token`,
        {
          id: step.actionId,
          index: step.index,
          token,
        },
      )
      .execute();
    return (claimed.affected ?? 0) > 0;
  }

  /**
   * Records a step that the traffic manager took, and the weights now in force, in one transaction,
   * under fencing token `token`: nothing is written when a newer leader sent the step since, and the
   * service's weights only move when no newer leader recorded some. False when fenced off.
   */
  async stepApplied(
    action: ActionEntity,
    step: ActionStepEntity,
    applied: { result: object; weights: Weights; drained?: string[]; at: Date; actual?: ActualTraffic },
    token: number,
  ): Promise<boolean> {
    const { result, weights, drained, at, actual } = applied;
    return this.db.transaction(async (m) => {
      const end = { state: 'applied', result, finishedAt: at, ...(drained ? { weights, drained } : {}) };
      if (!(await this.finishStep(m, step, token, end))) return false;
      await m
        .createQueryBuilder()
        .update(ActionEntity)
        .set({
          stepsDone: step.index + 1,
          ...(step.index + 1 >= action.stepsTotal ? { state: 'completed' as const } : {}),
        })
        .where('id = :id AND state = :state AND steps_done = :done', {
          id: action.id,
          state: 'executing',
          done: step.index,
        })
        .execute();
      // A read-back that agrees with the step ends any drift seen before it.
      await m.query(
        `INSERT INTO service_traffic (service, desired, applied, applied_at, fencing_token, drained, actual)
         VALUES ($1, $2, $2, $3, $4, COALESCE($5, '{}'::text[]), $6)
         ON CONFLICT (service) DO UPDATE SET desired = $2, applied = $2, applied_at = $3, fencing_token = $4,
           drained = COALESCE($5, service_traffic.drained), actual = COALESCE($6, service_traffic.actual)
         WHERE service_traffic.fencing_token <= $4`,
        [
          action.service,
          JSON.stringify(weights),
          at,
          token,
          drained ?? null,
          actual ? JSON.stringify(actual) : null,
        ],
      );
      return true;
    });
  }

  /**
   * What Vigil believes the service's traffic manager has in force: the weights last applied (else
   * `baseline`) and drained endpoints, with a version that changes with every recorded step.
   */
  async belief(service: string, baseline: Weights): Promise<TrafficBelief> {
    const [row, [{ busy }]] = await Promise.all([
      this.db.getRepository(ServiceTrafficEntity).findOneBy({ service }),
      this.db.query(
        `SELECT EXISTS (SELECT 1 FROM action_steps s JOIN actions a ON a.id = s.action_id
           WHERE a.service = $1 AND a.state = 'executing' AND s.state = 'applying') AS busy`,
        [service],
      ) as Promise<Array<{ busy: boolean }>>,
    ]);
    return {
      weights: row?.applied ?? baseline,
      drained: row?.drained ?? [],
      version: `${row?.appliedAt?.getTime() ?? 0}:${row?.fencingToken ?? 0}`,
      stepInFlight: busy,
      drift: row?.drift ?? null,
    };
  }

  /**
   * Records a read-back and the drift it showed (null: none), unless a leader newer than `token`
   * recorded the service's weights. A service never shifted gets its row here, at its baseline.
   */
  async recordReadBack(
    service: string,
    baseline: Weights,
    actual: ActualTraffic,
    drift: string | null,
    token: number,
  ): Promise<boolean> {
    const rows = (await this.db.query(
      `INSERT INTO service_traffic (service, desired, actual, drift, drift_since) VALUES ($1, $2, $3, $4, CASE WHEN $4::text IS NULL THEN NULL ELSE now() END)
       ON CONFLICT (service) DO UPDATE SET actual = $3, drift = $4,
         drift_since = CASE WHEN $4::text IS NULL THEN NULL ELSE COALESCE(service_traffic.drift_since, now()) END
       WHERE service_traffic.fencing_token <= $5
       RETURNING service`,
      [service, JSON.stringify(baseline), JSON.stringify(actual), drift, token],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Every service with endpoints in drain, with them (one query a tick). */
  async allDrained(): Promise<Map<string, string[]>> {
    const rows = (await this.db.query(
      `SELECT service, drained FROM service_traffic WHERE cardinality(drained) > 0`,
    )) as Array<{ service: string; drained: string[] }>;
    return new Map(rows.map((r) => [r.service, r.drained]));
  }

  /**
   * Of `drained`, the endpoints whose last applied drain was automatic (a rule's), with that action's
   * rule and mode; an operator's drain is not for automation to undo.
   */
  async automaticDrains(
    service: string,
    drained: readonly string[],
  ): Promise<Map<string, { rule: string | null; mode: string }>> {
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (endpoint) endpoint, rule, mode FROM actions
        WHERE service = $1 AND kind = 'drain-endpoint' AND endpoint = ANY($2) AND steps_done > 0
        ORDER BY endpoint, created_at DESC`,
      [service, drained],
    )) as Array<{ endpoint: string; rule: string | null; mode: string }>;
    return new Map(
      rows.filter((r) => r.mode !== 'manual').map((r) => [r.endpoint, { rule: r.rule, mode: r.mode }]),
    );
  }

  /** The endpoints the service has in drain (none when it has no traffic row yet). */
  async drained(service: string): Promise<string[]> {
    return (await this.db.getRepository(ServiceTrafficEntity).findOneBy({ service }))?.drained ?? [];
  }

  /**
   * A step the traffic manager confirmed but whose read-back differs (or failed): the step fails and
   * its action is held for a human, with what was read kept beside the weights. Fenced like the rest.
   */
  async stepUnverified(
    action: ActionEntity,
    step: ActionStepEntity,
    result: object,
    check: { mismatch?: string; actual?: ActualTraffic },
    token: number,
  ): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const finished = { state: 'failed', result: { ...result, readBack: check }, finishedAt: new Date() };
      if (!(await this.finishStep(m, step, token, finished))) return false;
      await m
        .getRepository(ActionEntity)
        .update(
          { id: action.id, state: 'executing' },
          { state: 'held', error: `read-back: ${check.mismatch}` },
        );
      if (check.actual)
        await m.query(`UPDATE service_traffic SET actual = $2 WHERE service = $1 AND fencing_token <= $3`, [
          action.service,
          JSON.stringify(check.actual),
          token,
        ]);
      return true;
    });
  }

  /** Records a failed step and fails its action, under fencing token `token` (see stepApplied). */
  async stepFailed(
    action: ActionEntity,
    step: ActionStepEntity,
    result: object,
    error: string,
    token: number,
  ): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const finished = { state: 'failed', result, finishedAt: new Date() };
      if (!(await this.finishStep(m, step, token, finished))) return false;
      await m
        .getRepository(ActionEntity)
        .update({ id: action.id, state: 'executing' }, { state: 'failed', error });
      return true;
    });
  }

  /** Ends a step sent under `token`, unless a newer leader has sent it since. */
  private async finishStep(
    m: EntityManager,
    step: ActionStepEntity,
    token: number,
    end: Pick<ActionStepEntity, 'state' | 'result' | 'finishedAt'> &
      Partial<Pick<ActionStepEntity, 'weights' | 'drained'>>,
  ): Promise<boolean> {
    const ended = await m
      .createQueryBuilder()
      .update(ActionStepEntity)
      .set(end)
      .where('action_id = :id AND index = :index AND fencing_token <= :token', {
        id: step.actionId,
        index: step.index,
        token,
      })
      .execute();
    return (ended.affected ?? 0) > 0;
  }

  /** Holds an executing action, unless a leader newer than `token` has sent one of its steps. */
  async hold(action: ActionEntity, reason: string, guardrail: string, token: number): Promise<void> {
    await this.db
      .createQueryBuilder()
      .update(ActionEntity)
      .set({ state: 'held', error: `${guardrail}: ${reason}` })
      .where(
        `id = :id AND state = 'executing'
         AND NOT EXISTS (SELECT 1 FROM action_steps s WHERE s.action_id = :id AND s.fencing_token > :token)`,
        { id: action.id, token },
      )
      .execute();
  }
}
