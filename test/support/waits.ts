import { call } from './http';
import { poll } from './poll';
import type { VigilUnderTest } from './vigil-app';

interface IdcStatus {
  idc: string;
  state: string;
}
interface StatusBody {
  services?: Array<{ service: string; idcs: IdcStatus[] }>;
}

/**
 * Polls `GET /status` until the service (the first one unless named) shows `idcs` IDCs, every one
 * HEALTHY: the starting line of every drill.
 */
export function everyIdcHealthy(
  vigil: Pick<VigilUnderTest, 'url' | 'adminToken'>,
  opts: { idcs?: number; service?: string; deadlineMs?: number } = {},
): Promise<true> {
  const { idcs: count = 3, service, deadlineMs = 30_000 } = opts;
  return poll(
    async () => {
      const res = await call<StatusBody>(vigil.url, 'GET', '/api/v1/status', { token: vigil.adminToken });
      const services = res.body?.services ?? [];
      const idcs = (service ? services.find((s) => s.service === service) : services[0])?.idcs ?? [];
      return idcs.length === count && idcs.every((i) => i.state === 'HEALTHY') ? true : undefined;
    },
    deadlineMs,
    'every IDC HEALTHY',
  );
}

/** Polls until `count` IDCs of a fresh fleet have each turned HEALTHY (their health events say so). */
export function idcsTurnedHealthy(
  vigil: Pick<VigilUnderTest, 'sql'>,
  count: number,
  deadlineMs: number,
): Promise<true> {
  return poll(
    async () => {
      const [s] = await vigil.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM health_events WHERE kind = 'idc' AND after = 'HEALTHY'`,
      );
      return s.n === count ? true : undefined;
    },
    deadlineMs,
    'every IDC HEALTHY',
  );
}

/** A row of the `actions` table, as the drills read it. */
export interface ActionRow {
  id: string;
  kind: string;
  idc: string;
  mode: string;
  state: string;
  reason: string;
  error: string | null;
  guardrails: string[];
  plan: { kind: string; steps?: Array<Record<string, number>>; receivers?: string[]; guardrail?: string };
  weights_before: Record<string, number>;
  steps_done: number;
  steps_total: number;
}
