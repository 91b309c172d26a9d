import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Weights } from '@libs/domain';
import { ActionEntity, type ActionState } from './entities/action.entity';
import { ActionStepEntity } from './entities/action-step.entity';

/** An action to record, with the weights of each of its steps in order. */
export interface ActionInsert {
  service: string;
  rule: string | null;
  kind: string;
  idc: string | null;
  mode: string;
  state: ActionState;
  reason: string;
  plan: object;
  guardrails: string[];
  weightsBefore: Weights;
  steps: Weights[];
  decidedBy: string | null;
  fencingToken: number;
  /** The endpoint a drain-endpoint or undrain-endpoint action is about. */
  endpoint?: string | null;
}

/**
 * Inserts an action (no step done yet) and its pending steps, keyed `<id>:<index>`, with `m` (the
 * caller's transaction). Returns the new action's id. The API's manual actions and the controller's
 * automatic ones are both written here.
 */
export async function insertAction(m: EntityManager, action: ActionInsert): Promise<string> {
  const id = randomUUID();
  await m.getRepository(ActionEntity).insert({
    id,
    service: action.service,
    rule: action.rule,
    kind: action.kind,
    idc: action.idc,
    endpoint: action.endpoint ?? null,
    mode: action.mode,
    state: action.state,
    reason: action.reason,
    plan: action.plan,
    guardrails: action.guardrails,
    weightsBefore: action.weightsBefore,
    stepsDone: 0,
    stepsTotal: action.steps.length,
    decidedBy: action.decidedBy,
    fencingToken: String(action.fencingToken),
    error: null,
  });
  if (action.steps.length) {
    await m.getRepository(ActionStepEntity).insert(
      action.steps.map((weights, index) => ({
        actionId: id,
        index,
        weights,
        drained: null,
        idempotencyKey: `${id}:${index}`,
        state: 'pending',
        attempts: 0,
        result: null,
        startedAt: null,
        finishedAt: null,
      })),
    );
  }
  return id;
}
