import { serviceWeights } from '@libs/config';
import { normalise, type Weights } from '@libs/domain';
import type { ServiceEntity, ServiceTrafficEntity } from '@libs/persistence';

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
