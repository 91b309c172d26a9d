import {
  openSecret,
  READABLE_TRAFFIC_MANAGERS,
  type ConfigPlan,
  type SecretEnv,
  type StoredConfig,
} from '@libs/config';
import { createAdapter } from '@libs/traffic';

/** What a refused check is reported as: the field and why (the 400's details). */
export interface TrafficManagerProblem {
  path: string;
  message: string;
}

/** Checks in flight at most, and how long one may take. */
const CONCURRENCY = 8;
const CHECK_TIMEOUT_MS = 5000;

/**
 * The dry run of an apply against the traffic managers themselves: every HAProxy or PowerDNS that a
 * created service names, or whose traffic manager or endpoints the apply changes, is asked (no change
 * sent) whether it is reachable, accepts the credentials and has the backend and servers or the zone
 * the config names. Refusing here beats a first shift that fails in the middle of an outage.
 */
export async function checkTrafficManagers(
  config: StoredConfig,
  plan: ConfigPlan,
  env: SecretEnv,
): Promise<TrafficManagerProblem[]> {
  const touched = new Set(
    plan.changes
      .filter(
        (c) =>
          c.kind === 'service' &&
          (c.op === 'create' || (c.fields ?? []).some((f) => /^(trafficManager|endpoints)\b/.test(f.path))),
      )
      .map((c) => c.name),
  );
  const queue = config.services.flatMap((service, i) =>
    touched.has(service.name) && READABLE_TRAFFIC_MANAGERS.has(service.trafficManager.type)
      ? [{ service, i }]
      : [],
  );
  const problems: TrafficManagerProblem[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { service, i } = next;
      const path = `services[${i}].trafficManager`;
      try {
        const adapter = createAdapter(
          service.trafficManager,
          { secret: (s) => openSecret(s, env, process.env) },
          service.endpoints,
        );
        const result = await adapter.check?.(AbortSignal.timeout(CHECK_TIMEOUT_MS));
        if (result && !result.ok)
          problems.push({ path, message: `${service.trafficManager.type} check failed: ${result.detail}` });
      } catch (err) {
        problems.push({ path, message: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  return problems.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}
