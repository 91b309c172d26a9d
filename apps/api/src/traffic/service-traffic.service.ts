import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DRAINING_TRAFFIC_MANAGERS, READABLE_TRAFFIC_MANAGERS, parseDuration } from '@libs/config';
import { normalise, type Weights } from '@libs/domain';
import type { ServiceEntity, ServiceTrafficEntity } from '@libs/persistence';
import { AuditService, badRequest, type AuditActor } from '@libs/runtime';
import type { TrafficManagerSpec } from '@libs/traffic';
import { HealthReadService } from '../health';
import { toDetail, toSummary } from './actions.service';
import { ActionsStore } from './actions.store';
import { failbackHolds } from './failback-holds';
import { ServiceTrafficStore } from './service-traffic.store';
import type { ServiceTrafficDto, SetWeightsResultDto, TrafficManagerDto } from './traffic.dto';
import { baselineWeights, desiredWeights, movement } from './weights';

type Override = NonNullable<ServiceTrafficEntity['override']>;

/** A service's weights: the traffic view, and the manual override (which pauses automation for it). */
@Injectable()
export class ServiceTrafficService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly traffic: ServiceTrafficStore,
    private readonly actions: ActionsStore,
    private readonly audit: AuditService,
    private readonly health: HealthReadService,
  ) {}

  async view(name: string): Promise<ServiceTrafficDto> {
    const service = await this.service(this.db.manager, name);
    return this.viewOf(this.db.manager, service);
  }

  /**
   * Sets the override and creates the manual `set-weights` action the executor applies, in one
   * transaction with the audit entry. Older executing actions of the service are cancelled, so that
   * their next step cannot undo the operator's weights.
   */
  async setWeights(
    name: string,
    body: { weights: Record<string, unknown>; reason: string },
    source: AuditActor,
  ): Promise<SetWeightsResultDto> {
    return this.db.transaction(async (m) => {
      const service = await this.service(m, name);
      const idcs = await this.traffic.serviceIdcs(name, m);
      const weights = checkWeights(name, body.weights, idcs);
      // The row lock orders concurrent overrides of one service.
      await this.traffic.ensure(m, name, baselineWeights(service, idcs));
      const traffic = await this.traffic.lock(m, name);
      const current = desiredWeights(traffic, baselineWeights(service, idcs));
      const override: Override = {
        weights,
        reason: body.reason,
        by: source.actor,
        at: new Date().toISOString(),
      };
      await this.traffic.setOverride(m, name, override);
      const actionId = await this.actions.insertManual(m, {
        service: name,
        kind: 'set-weights',
        idc: null,
        reason: body.reason,
        plan: {
          kind: 'plan',
          direction: 'manual',
          idc: null,
          before: current,
          steps: [weights],
          ...movement(current, weights),
          unplaced: 0,
          guardrailsChecked: [],
          stepInterval: 0,
        },
        weightsBefore: current,
        weights,
        decidedBy: source.actor,
      });
      const superseded = await this.actions.supersedeExecuting(m, name, actionId, source.actor);
      await this.audit.record(
        {
          ...source,
          action: 'traffic.override',
          target: `service/${name}`,
          summary: {
            weights,
            reason: body.reason,
            action: actionId,
            before: current,
            ...(traffic?.override ? { replaced: traffic.override } : {}),
            ...(superseded.length ? { superseded } : {}),
          },
        },
        m,
      );
      return {
        ...(await this.viewOf(m, service)),
        action: toDetail((await this.actions.withSteps(actionId, m))!),
        superseded,
      };
    });
  }

  /** Releases the override: automation resumes for the service; the weights stay as they are. */
  async release(name: string, source: AuditActor): Promise<ServiceTrafficDto> {
    return this.db.transaction(async (m) => {
      const service = await this.service(m, name);
      const traffic = await this.traffic.lock(m, name);
      if (!traffic?.override)
        throw new ConflictException(`service "${name}" has no manual override to release`);
      await this.traffic.setOverride(m, name, null);
      await this.audit.record(
        {
          ...source,
          action: 'traffic.release',
          target: `service/${name}`,
          summary: { released: traffic.override, desired: traffic.desired },
        },
        m,
      );
      return this.viewOf(m, service);
    });
  }

  private async service(m: EntityManager, name: string): Promise<ServiceEntity> {
    const service = await this.traffic.service(name, m);
    if (!service) throw new NotFoundException(`service "${name}" does not exist`);
    return service;
  }

  private async viewOf(m: EntityManager, service: ServiceEntity): Promise<ServiceTrafficDto> {
    const baseline = baselineWeights(service, await this.traffic.serviceIdcs(service.name, m));
    const traffic = await this.traffic.traffic(service.name, m);
    const latest = await this.actions.latest(service.name, m);
    const desired = desiredWeights(traffic, baseline);
    const { status } = await this.health.serviceStatus(service.name);
    return {
      service: service.name,
      baseline,
      desired,
      applied: traffic?.applied ?? null,
      appliedAt: traffic?.appliedAt ?? null,
      override: traffic?.override ?? null,
      latestAction: latest ? toSummary(latest) : null,
      failback: failbackHolds(service.spec, baseline, desired, status.idcs, Date.now()),
      drained: traffic?.drained ?? [],
      trafficManager: trafficManagerView(service.spec as { trafficManager?: TrafficManagerSpec }),
      actual: traffic?.actual ?? null,
      drift: traffic?.drift ? { reason: traffic.drift, since: traffic.driftSince ?? new Date() } : null,
    };
  }
}

/** What the API tells of a service's traffic manager: its kind and what Vigil can do with it (no secret, no address). */
export function trafficManagerView(spec: { trafficManager?: TrafficManagerSpec }): TrafficManagerDto {
  const manager = spec.trafficManager ?? { type: 'log' };
  return {
    type: manager.type,
    readsBack: READABLE_TRAFFIC_MANAGERS.has(manager.type),
    drainsEndpoints: DRAINING_TRAFFIC_MANAGERS.has(manager.type),
    ...(manager.type === 'powerdns'
      ? { ttlSeconds: Math.round(parseDuration(manager.ttl ?? '30s') / 1000) }
      : {}),
  };
}

/**
 * The body's weights as whole percentages over every IDC of the service (IDCs left out get 0).
 * 400 naming `weights.<idc>` for a weight that is not a number >= 0 or an IDC without endpoints of
 * the service, and `weights` when every weight is 0.
 */
function checkWeights(service: string, given: Record<string, unknown>, idcs: string[]): Weights {
  const details: Array<{ path: string; message: string }> = [];
  for (const [idc, value] of Object.entries(given)) {
    const path = `weights.${idc}`;
    if (!idcs.includes(idc)) {
      details.push({
        path,
        message:
          `service "${service}" has no endpoints in IDC "${idc}"` +
          (idcs.length ? ` (it has endpoints in ${idcs.join(', ')})` : ''),
      });
    }
    if (typeof value !== 'number' || !Number.isFinite(value))
      details.push({ path, message: 'expected a number' });
    else if (value < 0) details.push({ path, message: `must be >= 0 (got ${value})` });
  }
  if (details.length) throw badRequest(details);
  const full: Weights = Object.fromEntries(idcs.map((idc) => [idc, (given[idc] as number | undefined) ?? 0]));
  if (!Object.values(full).some((w) => w > 0)) {
    throw badRequest([
      { path: 'weights', message: 'at least one weight must be above 0 (all traffic must go somewhere)' },
    ]);
  }
  return normalise(full);
}
