import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DRAINING_TRAFFIC_MANAGERS } from '@libs/config';
import { drainedAfter } from '@libs/domain';
import { ActionEntity, EndpointEntity } from '@libs/persistence';
import { AuditService, type AuditActor } from '@libs/runtime';
import type { TrafficManagerSpec } from '@libs/traffic';
import { toDetail } from './actions.service';
import { ActionsStore } from './actions.store';
import { ServiceTrafficStore } from './service-traffic.store';
import type { ActionDto } from './traffic.dto';
import { baselineWeights, desiredWeights } from './weights';

type Direction = 'drain' | 'undrain';
const KIND = { drain: 'drain-endpoint', undrain: 'undrain-endpoint' } as const;

/**
 * An operator takes one endpoint out of rotation, or back, through the service's traffic manager: a
 * manual action of one step that the executor applies at once, on top of the weights and the other
 * drains in force when it is sent (so it neither undoes nor is undone by a shift running meanwhile).
 * Refused (409) for a traffic manager that cannot drain endpoints. Audited in the same transaction.
 */
@Injectable()
export class EndpointDrainService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly traffic: ServiceTrafficStore,
    private readonly actions: ActionsStore,
    private readonly audit: AuditService,
  ) {}

  async change(
    direction: Direction,
    name: string,
    endpoint: string,
    reason: string,
    source: AuditActor,
  ): Promise<ActionDto> {
    return this.db.transaction(async (m) => {
      const service = await this.traffic.service(name, m);
      if (!service) throw new NotFoundException(`service "${name}" does not exist`);
      const spec = service.spec as { trafficManager?: TrafficManagerSpec };
      const target = await m.getRepository(EndpointEntity).findOneBy({ service: name, name: endpoint });
      if (!target) throw new NotFoundException(`service "${name}" has no endpoint "${endpoint}"`);
      const manager = spec.trafficManager?.type ?? 'log';
      if (!DRAINING_TRAFFIC_MANAGERS.has(manager)) {
        throw new ConflictException(
          `the traffic manager of service "${name}" (${manager}) cannot drain single endpoints; ` +
            `shift the IDC's weight instead (PUT /api/v1/services/${name}/weights)`,
        );
      }
      const baseline = baselineWeights(service, await this.traffic.serviceIdcs(name, m));
      // The row lock orders concurrent drains of one service.
      await this.traffic.ensure(m, name, baseline);
      const row = await this.traffic.lock(m, name);
      const drained = row?.drained ?? [];
      if (direction === 'drain' && drained.includes(endpoint))
        throw new ConflictException(`endpoint "${endpoint}" of service "${name}" is already drained`);
      if (direction === 'undrain' && !drained.includes(endpoint))
        throw new ConflictException(`endpoint "${endpoint}" of service "${name}" is not drained`);
      const pending = await m.getRepository(ActionEntity).findOneBy({
        service: name,
        endpoint,
        kind: In(Object.values(KIND)),
        state: 'executing',
      });
      if (pending)
        throw new ConflictException(
          `action ${pending.id} (${pending.kind}) of endpoint "${endpoint}" is still executing`,
        );
      const after = drainedAfter(direction, endpoint, drained);
      const current = desiredWeights(row, baseline);
      const actionId = await this.actions.insertManual(m, {
        service: name,
        kind: KIND[direction],
        idc: target.idc,
        endpoint,
        reason,
        plan: {
          kind: 'drain-plan',
          direction,
          endpoint,
          idc: target.idc,
          drainedBefore: drained,
          drainedAfter: after,
          weights: current,
          guardrailsChecked: [],
        },
        weightsBefore: current,
        weights: current,
        decidedBy: source.actor,
      });
      await this.audit.record(
        {
          ...source,
          action: `traffic.${direction}`,
          target: `endpoint/${name}.${endpoint}`,
          summary: { reason, action: actionId, drainedBefore: drained, drainedAfter: after },
        },
        m,
      );
      return toDetail((await this.actions.withSteps(actionId, m))!);
    });
  }
}
