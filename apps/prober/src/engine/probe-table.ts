import { checkVantages, parseDuration, type Check, type Endpoint, type StoredConfig } from '@libs/config';
import { phaseOf, shardOf } from '@libs/domain';
import type { Probe } from '@libs/probes';

/** One check against one endpoint, probed from every vantage the check lists. */
export interface ProbeTask {
  /** `<service>/<check>/<endpoint>`: the key of its phase and shard. */
  id: string;
  check: string;
  endpoint: string;
  type: Check['type'];
  intervalMs: number;
  phase: number;
  /** The check's, so the prober can tell which results may change a track (ResultStreaks). */
  healthyThreshold: number;
  unhealthyThreshold: number;
  probe: Probe;
}

/** The tasks of one config version, grouped the way ticks ask for them: by vantage and shard. */
export interface ProbeTable {
  version: number;
  vantages: string[];
  tasks: number;
  shard(vantage: string, shard: number): readonly ProbeTask[];
}

export type CompileProbe = (check: Check, endpoint: Endpoint, service: string) => Probe;

/**
 * Builds the probe table for the vantages this prober serves (`'*'`: every IDC of the config).
 * Each (check, endpoint) is compiled once and shared by its vantages.
 */
export function buildProbeTable(
  config: StoredConfig,
  version: number,
  serve: readonly string[] | '*',
  shards: number,
  compile: CompileProbe,
): ProbeTable {
  const vantages = serve === '*' ? config.idcs.map((idc) => idc.name) : [...serve];
  const served = new Set(vantages);
  const groups = new Map<string, ProbeTask[]>();
  let tasks = 0;
  for (const service of config.services) {
    for (const check of service.checks) {
      const from = checkVantages(config, check).filter((v) => served.has(v));
      if (from.length === 0) continue;
      const intervalMs = parseDuration(check.interval);
      for (const endpoint of service.endpoints) {
        const id = `${service.name}/${check.name}/${endpoint.name}`;
        const task: ProbeTask = {
          id,
          check: `${service.name}/${check.name}`,
          endpoint: `${service.name}.${endpoint.name}`,
          type: check.type,
          intervalMs,
          phase: phaseOf(id, intervalMs),
          healthyThreshold: check.healthyThreshold,
          unhealthyThreshold: check.unhealthyThreshold,
          probe: compile(check as Check, endpoint, service.name),
        };
        const shard = shardOf(id, shards);
        for (const vantage of from) {
          const key = `${vantage}/${shard}`;
          const list = groups.get(key) ?? [];
          list.push(task);
          groups.set(key, list);
          tasks++;
        }
      }
    }
  }
  return { version, vantages, tasks, shard: (vantage, shard) => groups.get(`${vantage}/${shard}`) ?? [] };
}
