import { Injectable, NotFoundException } from '@nestjs/common';
import { badField, timeRange } from '../health/time-range';
import { trafficHistory, type TrafficChange } from './traffic-history';
import type { TrafficHistoryDto } from './traffic-history.dto';
import { TrafficHistoryStore } from './traffic-history.store';
import { ServiceTrafficStore } from './service-traffic.store';
import { baselineWeights } from './weights';

const DAY_MS = 86_400_000;
/** The longest range one query may ask for. */
export const MAX_HISTORY_MS = 7 * DAY_MS;
/** The most changes one answer holds (`truncated` says when more happened in the range). */
export const MAX_HISTORY_POINTS = 5_000;

/** A service's weights over time, from the steps applied and the overrides set and released. */
@Injectable()
export class TrafficHistoryService {
  constructor(
    private readonly traffic: ServiceTrafficStore,
    private readonly store: TrafficHistoryStore,
  ) {}

  /** 400 naming `from`/`to` (format, order, at most 7 d apart); 404 for a service not in the config. */
  async history(name: string, query: { from?: string; to?: string }): Promise<TrafficHistoryDto> {
    const range = timeRange(query, DAY_MS);
    if (range.to - range.from > MAX_HISTORY_MS) {
      throw badField('from', 'must be at most 7d before `to` (the longest range of one query)');
    }
    const service = await this.traffic.service(name);
    if (!service) throw new NotFoundException(`service "${name}" does not exist`);
    const baseline = baselineWeights(service, await this.traffic.serviceIdcs(name));
    const from = new Date(range.from);
    const to = new Date(range.to);
    const [steps, overrides, step, override] = await Promise.all([
      this.store.steps(name, from, to, MAX_HISTORY_POINTS + 1),
      this.store.overrides(name, from, to, MAX_HISTORY_POINTS + 1),
      this.store.stepBefore(name, from),
      this.store.overrideBefore(name, from),
    ]);
    // An override (and its manual action) comes before the step that applies it, at the same time.
    const changes: TrafficChange[] = [...overrides, ...steps].sort((a, b) => a.at.getTime() - b.at.getTime());
    const truncated = changes.length > MAX_HISTORY_POINTS;
    const { start, lastChangeAt, points } = trafficHistory(
      baseline,
      from,
      { step, override },
      changes.slice(0, MAX_HISTORY_POINTS),
    );
    return { service: name, from, to, baseline, start, lastChangeAt, points, truncated };
  }
}
