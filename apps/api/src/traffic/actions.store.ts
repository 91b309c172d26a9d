import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Weights } from '@libs/domain';
import { ActionEntity, ActionStepEntity, insertAction, type ActionState } from '@libs/persistence';

export interface ManualAction {
  service: string;
  kind: 'set-weights' | 'rollback' | 'drain-endpoint' | 'undrain-endpoint';
  idc: string | null;
  /** Drain actions: the endpoint (the executor drains or undrains it on top of those in drain then). */
  endpoint?: string;
  reason: string;
  plan: object;
  weightsBefore: Weights;
  weights: Weights;
  decidedBy: string;
}

/** The filters of a page of actions, newest first; `after`: the id of the previous page's last one. */
export interface ActionsFilter {
  after?: string;
  state?: string;
  service?: string;
  take: number;
}

/**
 * The API's reads and writes of `actions` and `action_steps`. Every method takes the manager to use
 * (a transaction's, or the data source's when left out).
 */
@Injectable()
export class ActionsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  find(id: string, m: EntityManager = this.db.manager): Promise<ActionEntity | null> {
    return m.getRepository(ActionEntity).findOneBy({ id });
  }

  exists(id: string, m: EntityManager = this.db.manager): Promise<boolean> {
    return m.getRepository(ActionEntity).existsBy({ id });
  }

  /** The action and its steps, in order, or null when there is no such action. */
  async withSteps(
    id: string,
    m: EntityManager = this.db.manager,
  ): Promise<{ action: ActionEntity; steps: ActionStepEntity[] } | null> {
    const action = await m.getRepository(ActionEntity).findOneBy({ id });
    if (!action) return null;
    const steps = await m
      .getRepository(ActionStepEntity)
      .find({ where: { actionId: id }, order: { index: 'ASC' } });
    return { action, steps };
  }

  /** Keyset pagination on (created_at, id), newest first: at most `take` actions. */
  page(filter: ActionsFilter, m: EntityManager = this.db.manager): Promise<ActionEntity[]> {
    const qb = m.getRepository(ActionEntity).createQueryBuilder('a');
    if (filter.after) {
      qb.andWhere('(a.created_at, a.id) < (SELECT c.created_at, c.id FROM actions c WHERE c.id = :after)', {
        after: filter.after,
      });
    }
    if (filter.state) qb.andWhere('a.state = :state', { state: filter.state });
    if (filter.service) qb.andWhere('a.service = :service', { service: filter.service });
    return qb.orderBy('a.created_at', 'DESC').addOrderBy('a.id', 'DESC').limit(filter.take).getMany();
  }

  /** The service's newest action (any state), or null. */
  latest(service: string, m: EntityManager = this.db.manager): Promise<ActionEntity | null> {
    return m.getRepository(ActionEntity).findOne({
      where: { service },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /**
   * The optimistic state change: `WHERE id AND state = expected [AND extraSql] AND state IN (from)`.
   * Returns whether a row changed.
   */
  async changeState(
    m: EntityManager,
    id: string,
    change: { expected: ActionState; from: ActionState[]; to: ActionState; by: string; extraSql?: string },
  ): Promise<boolean> {
    const result = await m
      .createQueryBuilder()
      .update(ActionEntity)
      .set({ state: change.to, decidedBy: change.by })
      .where(`id = :id AND state = :state${change.extraSql ? ` AND ${change.extraSql}` : ''}`, {
        id,
        state: change.expected,
      })
      .andWhere('state IN (:...from)', { from: change.from })
      .execute();
    return Boolean(result.affected);
  }

  /**
   * Inserts a one-step manual action in state `executing` and its pending step (key `<id>:0`): the
   * controller leader's executor picks it up and applies the weights at once.
   */
  insertManual(m: EntityManager, action: ManualAction): Promise<string> {
    return insertAction(m, {
      service: action.service,
      rule: null,
      kind: action.kind,
      idc: action.idc,
      mode: 'manual',
      state: 'executing',
      reason: action.reason,
      plan: action.plan,
      guardrails: [],
      weightsBefore: action.weightsBefore,
      steps: [action.weights],
      decidedBy: action.decidedBy,
      fencingToken: 0,
      endpoint: action.endpoint ?? null,
    });
  }

  /**
   * Cancels the service's other `executing` actions (the executor stops before their next step), so
   * that a manual change is not undone by the next step of an older plan. Returns their ids.
   */
  async supersedeExecuting(
    m: EntityManager,
    service: string,
    exceptId: string,
    by: string,
  ): Promise<string[]> {
    const result = await m
      .createQueryBuilder()
      .update(ActionEntity)
      .set({
        state: 'cancelled' satisfies ActionState,
        decidedBy: by,
        error: `superseded by action ${exceptId}`,
      })
      .where('service = :service AND state = :state AND id <> :exceptId', {
        service,
        state: 'executing',
        exceptId,
      })
      .returning(['id'])
      .execute();
    return (result.raw as Array<{ id: string }>).map((r) => r.id).sort();
  }
}
