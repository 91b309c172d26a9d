import { parseDuration, type StoredConfig } from '@libs/config';
import type { EndpointInfo } from './endpoint-record';

/** The health model's view of every endpoint of a config version. */
export function endpointInfos(config: StoredConfig): EndpointInfo[] {
  return config.services.flatMap((service) => {
    const checks = new Map(
      service.checks.map((check) => {
        const maxLatency =
          check.type === 'http' || check.type === 'https' ? check.http.maxLatency : undefined;
        return [
          check.name,
          {
            thresholds: {
              healthyThreshold: check.healthyThreshold,
              unhealthyThreshold: check.unhealthyThreshold,
              failOnStatus: check.failOnStatus,
            },
            intervalMs: parseDuration(check.interval),
            ...(maxLatency ? { sloMs: parseDuration(maxLatency) } : {}),
          },
        ] as const;
      }),
    );
    const { flapping, quorum } = service.policy;
    return service.endpoints.map((endpoint) => ({
      id: `${service.name}.${endpoint.name}`,
      service: service.name,
      idc: endpoint.idc,
      capacity: endpoint.capacity,
      checks,
      ...(quorum !== undefined ? { quorum } : {}),
      flapping: {
        maxTransitions: flapping.maxTransitions,
        windowMs: parseDuration(flapping.window),
        holdMs: parseDuration(flapping.hold),
      },
    }));
  });
}
