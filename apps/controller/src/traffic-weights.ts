import { Injectable } from '@nestjs/common';
import type { Weights } from '@libs/domain';

/**
 * The weights in force per service, as the executor last read them (the desired weights of
 * `service_traffic`): AutomationService sets them after each of its ticks, and the health status
 * snapshot shows them.
 */
@Injectable()
export class TrafficWeights {
  private weights: ReadonlyMap<string, Weights> = new Map();

  get(): ReadonlyMap<string, Weights> {
    return this.weights;
  }

  set(weights: ReadonlyMap<string, Weights>): void {
    this.weights = weights;
  }
}
