import { VigilConfig } from './schema';

/** The vantages (IDC names) a check probes from: its `vantages`, or every IDC of the config. */
export function checkVantages(config: Pick<VigilConfig, 'idcs'>, check: { vantages?: string[] }): string[] {
  return check.vantages ?? config.idcs.map((idc) => idc.name);
}

/**
 * Every vantage a check of the config probes from: its IDCs and any vantage a check names. The
 * controller leader takes results from each one's queue.
 */
export function configVantages(config: Pick<VigilConfig, 'idcs' | 'services'>): string[] {
  const all = new Set(config.idcs.map((idc) => idc.name));
  for (const service of config.services)
    for (const check of service.checks) for (const v of check.vantages ?? []) all.add(v);
  return [...all];
}

/** The IDCs where a service has endpoints, in order of first appearance. */
export function serviceIdcs(service: { endpoints: ReadonlyArray<{ idc: string }> }): string[] {
  return [...new Set(service.endpoints.map((endpoint) => endpoint.idc))];
}

/**
 * A service's baseline weights: its `weights`, or weight 1 on every IDC where it has endpoints (equal
 * shares; weights are relative, so 1 each is the same split as 100 divided equally, without fractions).
 */
export function serviceWeights(service: {
  weights?: Record<string, number>;
  endpoints: ReadonlyArray<{ idc: string }>;
}): Record<string, number> {
  if (service.weights) return { ...service.weights };
  return Object.fromEntries(
    serviceIdcs(service)
      .sort()
      .map((idc) => [idc, 1]),
  );
}

/** Vantages that must agree: the policy's `quorum`, or a majority of the live vantages. */
export function quorumOf(policy: { quorum?: number }, liveVantages: number): number {
  return policy.quorum ?? Math.floor(liveVantages / 2) + 1;
}
