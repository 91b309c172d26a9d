import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ActionEntity, ActionStepEntity, OPEN_ACTION_STATES, type ActionState } from '@libs/persistence';
import { AuditService, badRequest, type AuditActor } from '@libs/runtime';
import { cursorCodec, UUID_PATTERN } from '../pagination';
import { ActionsStore } from './actions.store';
import { ServiceTrafficStore } from './service-traffic.store';
import type {
  ActionDecisionDto,
  ActionDto,
  ActionPageDto,
  ActionSummaryDto,
  ActionsQuery,
} from './traffic.dto';
import { baselineWeights, desiredWeights, movement } from './weights';

/** The `next` of a page: opaque to clients, it names the page's last action. */
const cursor = cursorCodec('ac1:', UUID_PATTERN);

export function toSummary(a: ActionEntity): ActionSummaryDto {
  return {
    id: a.id,
    service: a.service,
    rule: a.rule,
    kind: a.kind,
    idc: a.idc,
    endpoint: a.endpoint,
    mode: a.mode,
    state: a.state,
    reason: a.reason,
    stepsDone: a.stepsDone,
    stepsTotal: a.stepsTotal,
    decidedBy: a.decidedBy,
    error: a.error,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

/** The action with its plan and its steps (ActionsStore.withSteps). */
export function toDetail({ action, steps }: { action: ActionEntity; steps: ActionStepEntity[] }): ActionDto {
  return {
    ...toSummary(action),
    plan: action.plan,
    guardrails: action.guardrails,
    weightsBefore: action.weightsBefore,
    fencingToken: action.fencingToken,
    steps: steps.map((s) => ({
      index: s.index,
      weights: s.weights,
      drained: s.drained,
      idempotencyKey: s.idempotencyKey,
      state: s.state,
      attempts: s.attempts,
      result: s.result,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      fencingToken: s.fencingToken,
    })),
  };
}

/** The action that rolls a drain back. */
const UNDO_DRAIN: Readonly<Record<string, 'drain-endpoint' | 'undrain-endpoint'>> = {
  'drain-endpoint': 'undrain-endpoint',
  'undrain-endpoint': 'drain-endpoint',
};

/** A decision: the states it may start from and the state it leads to. */
interface Transition {
  verb: 'approve' | 'reject' | 'cancel';
  from: ActionState[];
  to: ActionState;
}

const TRANSITIONS: Record<Transition['verb'], Transition> = {
  approve: { verb: 'approve', from: ['awaiting-approval'], to: 'executing' },
  reject: { verb: 'reject', from: ['awaiting-approval'], to: 'rejected' },
  cancel: { verb: 'cancel', from: [...OPEN_ACTION_STATES], to: 'cancelled' },
};

const ROLLBACK_FROM: ActionState[] = ['completed', 'held', 'cancelled', 'failed'];

/**
 * Reads actions and records human decisions on them. The API never calls a traffic manager: it only
 * moves actions between states (and creates manual ones); the controller leader's executor runs the
 * `executing` ones and stops before the next step once an action is no longer `executing`.
 */
@Injectable()
export class ActionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly actions: ActionsStore,
    private readonly traffic: ServiceTrafficStore,
    private readonly audit: AuditService,
  ) {}

  /** Newest first; keyset pagination on (created_at, id). */
  async list(query: ActionsQuery): Promise<ActionPageDto> {
    const after = query.cursor ? cursor.decode(query.cursor) : undefined;
    if (after && !(await this.actions.exists(after))) {
      throw badRequest([{ path: 'cursor', message: 'expected the `next` of a previous page' }]);
    }
    const rows = await this.actions.page({
      after,
      state: query.state,
      service: query.service,
      take: query.limit + 1, // one more tells whether there is a next page
    });
    const items = rows.slice(0, query.limit).map(toSummary);
    const next = rows.length > query.limit ? cursor.encode(items[items.length - 1].id) : null;
    return { items, next };
  }

  async get(id: string): Promise<ActionDto> {
    const action = await this.load(id);
    if (!action) throw notFound(id);
    return action;
  }

  /**
   * approve / reject / cancel. The UPDATE carries the expected states (`WHERE id = $1 AND state IN
   * (...)`): of two operators deciding at once, one wins and the other gets a 409 naming the state.
   */
  async decide(
    verb: Transition['verb'],
    id: string,
    reason: string | undefined,
    source: AuditActor,
  ): Promise<ActionDecisionDto> {
    const t = TRANSITIONS[verb];
    return this.db.transaction(async (m) => {
      const before = await this.transition(m, id, t.from, t.to, source.actor, verb);
      const action = (await this.load(id, m))!;
      const note = verb === 'cancel' ? cancelNote(action) : undefined;
      await this.audit.record(
        {
          ...source,
          action: `action.${verb}`,
          target: `action/${id}`,
          summary: {
            service: action.service,
            kind: action.kind,
            from: before.state,
            to: t.to,
            ...(reason ? { reason } : {}),
            ...(verb === 'cancel' ? { stepsApplied: action.stepsDone } : {}),
          },
        },
        m,
      );
      return note ? { ...action, note } : action;
    });
  }

  /**
   * Marks the action `rolled-back` and creates the action that undoes it: one step back to the
   * original's `weightsBefore`, `executing` at once (a rollback is an operator's decision; no
   * guardrail applies). One transaction with the audit entry.
   */
  async rollback(id: string, reason: string, source: AuditActor): Promise<ActionDto> {
    return this.db.transaction(async (m) => {
      const original = await this.transition(m, id, ROLLBACK_FROM, 'rolled-back', source.actor, 'roll back', {
        sql: 'steps_done > 0',
        why: 'no step of it was applied, so there is nothing to roll back',
      });
      const service = await this.traffic.service(original.service, m);
      const traffic = await this.traffic.traffic(original.service, m);
      const baseline = service
        ? baselineWeights(service, await this.traffic.serviceIdcs(service.name, m))
        : {};
      const current = desiredWeights(traffic, baseline);
      // A drain is undone by its opposite, on top of the weights in force (it changed none).
      const undoDrain = original.endpoint ? UNDO_DRAIN[original.kind] : undefined;
      const target = undoDrain ? current : { ...original.weightsBefore };
      const rollbackId = await this.actions.insertManual(m, {
        ...(undoDrain ? { kind: undoDrain, endpoint: original.endpoint! } : { kind: 'rollback' }),
        service: original.service,
        idc: original.idc,
        reason: `rollback of ${id}: ${reason}`,
        plan: {
          kind: 'plan',
          direction: 'rollback',
          idc: original.idc,
          rollbackOf: id,
          before: current,
          steps: [target],
          ...movement(current, target),
          unplaced: 0,
          guardrailsChecked: [],
          stepInterval: 0,
        },
        weightsBefore: current,
        weights: target,
        decidedBy: source.actor,
      });
      const superseded = await this.actions.supersedeExecuting(m, original.service, rollbackId, source.actor);
      await this.audit.record(
        {
          ...source,
          action: 'action.rollback',
          target: `action/${id}`,
          summary: {
            service: original.service,
            from: original.state,
            to: 'rolled-back',
            reason,
            rollbackAction: rollbackId,
            weights: target,
            ...(superseded.length ? { superseded } : {}),
          },
        },
        m,
      );
      return (await this.load(rollbackId, m))!;
    });
  }

  /** The action with its plan and its steps, read with `m` (inside or outside a transaction). */
  async load(id: string, m?: EntityManager): Promise<ActionDto | null> {
    const found = await this.actions.withSteps(id, m);
    return found && toDetail(found);
  }

  /** The optimistic state change; returns the action as it was before. 404 if missing, 409 naming its state. */
  private async transition(
    m: EntityManager,
    id: string,
    from: ActionState[],
    to: ActionState,
    by: string,
    verb: string,
    extra?: { sql: string; why: string },
  ): Promise<ActionEntity> {
    const before = await this.actions.find(id, m);
    if (!before) throw notFound(id);
    const changed = await this.actions.changeState(m, id, {
      expected: before.state,
      from,
      to,
      by,
      extraSql: extra?.sql,
    });
    if (!changed) {
      const now = (await this.actions.find(id, m))!;
      if (!from.includes(now.state)) {
        throw new ConflictException(
          `cannot ${verb} action ${id}: it is ${now.state} (only from ${from.join(', ')})`,
        );
      }
      if (now.state !== before.state) {
        throw new ConflictException(`cannot ${verb} action ${id}: it changed to ${now.state} meanwhile`);
      }
      throw new ConflictException(`cannot ${verb} action ${id} (${now.state}): ${extra?.why ?? 'conflict'}`);
    }
    return before;
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException(`action ${id} does not exist`);
}

/** What a cancel leaves in place: applied steps are not undone. */
function cancelNote(action: ActionDto): string {
  const inFlight = action.steps.some((s) => s.state === 'applying');
  const applied =
    action.stepsDone > 0
      ? `${action.stepsDone} of ${action.stepsTotal} steps were already applied and stay in place; ` +
        `POST /api/v1/actions/${action.id}/rollback restores the weights from before the action.`
      : 'No step was applied; traffic is unchanged.';
  return inFlight
    ? `${applied} A step that was being sent may still land; no further step will be sent.`
    : `${applied} No further step will be sent.`;
}
