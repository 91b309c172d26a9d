import type { EntityTarget, ObjectLiteral } from 'typeorm';
import type { AnyConfig } from '@libs/config';
import { EndpointEntity, IdcEntity, ServiceEntity } from '@libs/persistence';

/** The id of an endpoint in every API: `<service>.<name>` (service names have no dots). */
export const endpointId = (service: string, name: string) => `${service}.${name}`;

/** The rows of the idc / service / endpoint read views for one (redacted) config version. */
export function readViewRows(
  config: AnyConfig,
  version: number,
): Array<[EntityTarget<ObjectLiteral>, object[]]> {
  const idcs = config.idcs.map((idc) => ({
    name: idc.name,
    region: idc.region ?? null,
    capacity: idc.capacity,
    labels: idc.labels,
    configVersion: version,
  }));
  const services = config.services.map(({ name, labels, endpoints, ...spec }) => ({
    name,
    labels,
    spec,
    endpointCount: endpoints.length,
    configVersion: version,
  }));
  const endpoints = config.services.flatMap((service) =>
    service.endpoints.map((e) => ({
      id: endpointId(service.name, e.name),
      service: service.name,
      name: e.name,
      idc: e.idc,
      target: e.url ?? e.address ?? '',
      capacity: e.capacity,
      labels: e.labels,
      configVersion: version,
    })),
  );
  return [
    [IdcEntity, idcs],
    [ServiceEntity, services],
    [EndpointEntity, endpoints],
  ];
}
