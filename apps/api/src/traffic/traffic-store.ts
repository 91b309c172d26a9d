import { BadRequestException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { serviceWeights } from '@libs/config';
import { normalise, type Weights } from '@libs/domain';
import {
  ActionEntity,
  EndpointEntity,
  insertAction,
  ServiceEntity,
  ServiceTrafficEntity,
  type ActionState,
} from '@libs/persistence';

/** A 400 in the API's error shape, with one detail per problem. */
export function invalid(details: Array<{ path: string; message: string }>): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: details.map((d) => `${d.path}: ${d.message}`).join('; '),
    details,
  });
}

/** The IDCs where the service has endpoints, sorted. */
export async function serviceIdcs(m: EntityManager, service: string): Promise<string[]> {
  const rows: Array<{ idc: string }> = await m
    .getRepository(EndpointEntity)
    .createQueryBuilder('e')
    .select('DISTINCT e.idc', 'idc')
    .where('e.service = :service', { service })
    .orderBy('idc')
    .getRawMany();
  return rows.map((r) => r.idc);
}

/** normalise, or the weights as they are when there is nothing to split (no IDC, or all 0). */
function percentages(weights: Weights): Weights {
  try {
    return normalise(weights);
  } catch {
    return { ...weights };
  }
}

/** The configured weights (serviceWeights: the spec's, or 1 on each IDC with endpoints) as percentages. */
export function baselineWeights(service: ServiceEntity, idcs: string[]): Weights {
  const spec = service.spec as { weights?: Record<string, number> };
  return percentages(serviceWeights({ weights: spec.weights, endpoints: idcs.map((idc) => ({ idc })) }));
}

/** What Vigil wants now: `service_traffic.desired`, or the baseline before any action applied a step. */
export function desiredWeights(traffic: ServiceTrafficEntity | null, baseline: Weights): Weights {
  return traffic?.desired ?? baseline;
}

/** IDCs whose weight rises from `before` to `after`, and the percentage points moved. */
export function movement(before: Weights, after: Weights): { receivers: string[]; moved: number } {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const receivers = names.filter((n) => (after[n] ?? 0) > (before[n] ?? 0));
  const moved = receivers.reduce((sum, n) => sum + (after[n] ?? 0) - (before[n] ?? 0), 0);
  return { receivers, moved };
}

export interface ManualAction {
  service: string;
  kind: 'set-weights' | 'rollback';
  idc: string | null;
  reason: string;
  plan: object;
  weightsBefore: Weights;
  weights: Weights;
  decidedBy: string;
}

/**
 * Inserts a one-step manual action in state `executing` and its pending step (key `<id>:0`): the
 * controller leader's executor picks it up and applies the weights at once.
 */
export function insertManualAction(m: EntityManager, action: ManualAction): Promise<string> {
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
  });
}

/**
 * Cancels the service's other `executing` actions (the executor stops before their next step), so
 * that a manual change is not undone by the next step of an older plan. Returns their ids.
 */
export async function supersedeExecuting(
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
