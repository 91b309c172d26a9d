import { parseServersState, type ServerState } from '../../libs/traffic/src/haproxy/runtime-api';
import type { RunningHaproxy } from './haproxy';
import { poll } from './poll';

export type Shares = Record<string, number>;

/** The IDC of a fleet endpoint's server: its name is `<idc>-<n>` (libs/fleet's endpoint ids). */
export const idcOfServer = (name: string): string => name.slice(0, name.lastIndexOf('-'));

/** `show servers state <backend>` by server name, straight from HAProxy (not through Vigil). */
export async function serversOf(haproxy: RunningHaproxy, backend: string): Promise<Map<string, ServerState>> {
  const rows = parseServersState(await haproxy.command(`show servers state ${backend}`));
  return new Map(rows.map((r) => [r.name, r]));
}

/** Percent per IDC from the servers' srv_uweight, rounded to 0.1 (what HAProxy balances by). */
export function sharesOf(servers: Iterable<Pick<ServerState, 'name' | 'userWeight'>>): Shares {
  const byIdc: Shares = {};
  let total = 0;
  for (const s of servers) {
    const idc = idcOfServer(s.name);
    byIdc[idc] = (byIdc[idc] ?? 0) + s.userWeight;
    total += s.userWeight;
  }
  return Object.fromEntries(
    Object.entries(byIdc).map(([idc, w]) => [idc, total ? Math.round((w * 1000) / total) / 10 : 0]),
  );
}

/** Whether two weight maps agree on every IDC within `points` percentage points. */
export function near(a: Shares, b: Shares, points: number): boolean {
  const idcs = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...idcs].every((idc) => Math.abs((a[idc] ?? 0) - (b[idc] ?? 0)) <= points);
}

/**
 * Records each distinct state a reading goes through, in order: the reading is taken back to back
 * (each waits for the last) until `stop()`. Readings that fail, or whose key is undefined (a reading
 * that cannot be told apart), are skipped.
 */
export function watchStates<T>(
  read: () => Promise<T>,
  key: (value: T) => string | undefined,
): { states: T[]; stop: () => Promise<T[]> } {
  const states: T[] = [];
  let running = true;
  const loop = (async () => {
    let last: string | undefined;
    while (running) {
      const value = await read().catch(() => undefined);
      const k = value === undefined ? undefined : key(value);
      if (value !== undefined && k !== undefined && k !== last) {
        last = k;
        states.push(value);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    states,
    stop: async () => {
      running = false;
      await loop;
      return states;
    },
  };
}

/** Once the last state a watch saw is the end state (e.g. an action's last step), stops it. */
export async function settle<T>(
  watch: ReturnType<typeof watchStates<T>>,
  end: (state: T) => boolean,
): Promise<T[]> {
  await poll(
    async () => (watch.states.length > 0 && end(watch.states.at(-1)!) ? true : undefined),
    10_000,
    `the end state (last seen: ${JSON.stringify(watch.states.at(-1))})`,
  );
  return watch.stop();
}
