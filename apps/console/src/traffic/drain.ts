/**
 * Endpoint drains and the traffic manager as the console shows them: which drain button an endpoint
 * gets, what the confirmation says will change, and how the read-back and drift read. Mirrors the
 * API's rules (apps/api/src/traffic/endpoint-drain.service.ts); the server decides anyway (409).
 */

export interface TrafficManagerView {
  type: string;
  readsBack: boolean;
  drainsEndpoints: boolean;
  ttlSeconds?: number;
}

export interface ActualView {
  ok: boolean;
  weights?: Record<string, number>;
  detail: string;
  readAt: string;
}

/** The endpoint's name in its service, from its id `<service>.<name>`; null when the id is not of it. */
export function endpointName(service: string, id: string): string | null {
  const prefix = `${service}.`;
  return id.startsWith(prefix) && id.length > prefix.length ? id.slice(prefix.length) : null;
}

/**
 * The drain button an endpoint gets: `undrain` while Vigil has it drained, `drain` otherwise; none for
 * a viewer or when the traffic manager cannot drain single endpoints (undrain stays offered for one
 * drained before the manager changed, so it can be brought back).
 */
export function drainOffer(args: {
  canOperate: boolean;
  manager: Pick<TrafficManagerView, 'drainsEndpoints'>;
  drained: readonly string[];
  endpoint: string;
}): 'drain' | 'undrain' | null {
  if (!args.canOperate) return null;
  if (args.drained.includes(args.endpoint)) return 'undrain';
  return args.manager.drainsEndpoints ? 'drain' : null;
}

/** What the confirmation says will change. */
export function drainChange(direction: 'drain' | 'undrain', endpoint: string, managerType: string): string {
  return direction === 'drain'
    ? `${endpoint} stops receiving new requests through ${managerType}; weights stay as they are.`
    : `${endpoint} receives requests through ${managerType} again, at the weights in force.`;
}

/**
 * `haproxy; weights read back after each step; can drain single endpoints`, and for DNS managers
 * `… DNS TTL 30 s: a step takes full effect after 30 s.`
 */
export function describeTrafficManager(manager: TrafficManagerView): string {
  const parts = [manager.type];
  parts.push(manager.readsBack ? 'weights read back after each step' : 'weights not read back');
  parts.push(manager.drainsEndpoints ? 'can drain single endpoints' : 'cannot drain single endpoints');
  const text = parts.join('; ');
  return manager.ttlSeconds === undefined
    ? text
    : `${text}. DNS TTL ${manager.ttlSeconds} s: a step takes full effect after ${manager.ttlSeconds} s.`;
}

/**
 * The weight in force for an IDC as last read back: a percent, `0%` for an IDC the traffic manager
 * does not route to, and `—` when nothing was read (or the read failed).
 */
export function inForce(actual: ActualView | null | undefined, idc: string): string {
  if (!actual?.ok) return '—';
  const value = actual.weights?.[idc] ?? 0;
  return `${Math.round(value * 10) / 10}%`;
}

/** The action's subject: `drain-endpoint sha-1 (sha)`, `shift-away sha`, `set-weights`. */
export function actionSubject(action: {
  kind: string;
  idc?: string | null;
  endpoint?: string | null;
}): string {
  if (action.endpoint) return `${action.kind} ${action.endpoint}${action.idc ? ` (${action.idc})` : ''}`;
  return action.idc ? `${action.kind} ${action.idc}` : action.kind;
}

/** A step's drained list: `none`, `sha-1, bjs-2`; null when the step leaves drain states alone. */
export function formatDrained(drained: readonly string[] | null | undefined): string | null {
  if (drained === null || drained === undefined) return null;
  return drained.length ? drained.join(', ') : 'none';
}
