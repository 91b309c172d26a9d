import { EndpointKind, FleetEndpoint, FleetSpec, Selector } from './types';

/** Realistic IDC names, used in this order when FleetSpec.idcs is a number; then sha2, bjs2, ... */
export const IDC_NAMES = ['sha', 'bjs', 'szx', 'hkg', 'sgp', 'fra', 'iad', 'sjc', 'lhr', 'nrt', 'syd', 'gru'];

/** 127.0.k.1 per IDC, k = 1..254 (Linux routes all of 127.0.0.0/8 to loopback). */
export const MAX_IDCS = 254;

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The IDC names of a spec: the given names (validated) or `count` generated ones. */
export function idcNames(idcs: FleetSpec['idcs']): string[] {
  const names =
    typeof idcs === 'number'
      ? Array.from({ length: idcs }, (_, i) => {
          const round = Math.floor(i / IDC_NAMES.length);
          return IDC_NAMES[i % IDC_NAMES.length] + (round === 0 ? '' : String(round + 1));
        })
      : [...idcs];
  if (names.length < 1 || names.length > MAX_IDCS) throw new Error(`a fleet has 1 to ${MAX_IDCS} IDCs`);
  const seen = new Set<string>();
  for (const name of names) {
    if (!NAME.test(name) || name.length > 63) throw new Error(`invalid IDC name ${JSON.stringify(name)}`);
    if (seen.has(name)) throw new Error(`duplicate IDC name ${JSON.stringify(name)}`);
    seen.add(name);
  }
  return names;
}

/** The loopback address of the IDC at `index` (0-based): 127.0.<index+1>.1. */
export function idcHost(index: number): string {
  return `127.0.${index + 1}.1`;
}

/**
 * Every endpoint of the fleet, IDC by IDC. Ports are basePort + j, or 0 (the OS picks one when the
 * endpoint starts listening; the caller fills the real port in).
 */
export function planEndpoints(spec: FleetSpec): FleetEndpoint[] {
  const kind: EndpointKind = spec.kind ?? 'http';
  const perIdc = spec.endpointsPerIdc;
  if (!Number.isInteger(perIdc) || perIdc < 1) throw new Error('endpointsPerIdc must be a positive integer');
  const base = spec.basePort;
  const idcs = idcNames(spec.idcs);
  const network = spec.network;
  // On one shared address the IDCs cannot reuse each other's ports.
  const span = network === undefined ? perIdc : perIdc * idcs.length;
  if (base !== undefined && (!Number.isInteger(base) || base < 1 || base + span - 1 > 65_535))
    throw new Error(`basePort ${base} + ${span} endpoints does not fit in 1..65535`);
  const endpoints: FleetEndpoint[] = [];
  idcs.forEach((idc, k) => {
    const host = network?.advertise ?? idcHost(k);
    const first = base === undefined ? undefined : network === undefined ? base : base + k * perIdc;
    for (let j = 0; j < perIdc; j++) {
      const endpoint = endpointAt(kind, idc, host, j, first === undefined ? 0 : first + j);
      if (network !== undefined) endpoint.bind = network.listen;
      endpoints.push(endpoint);
    }
  });
  return endpoints;
}

/** The descriptor of endpoint j of an IDC on `port`. */
export function endpointAt(
  kind: EndpointKind,
  idc: string,
  host: string,
  j: number,
  port: number,
): FleetEndpoint {
  const address = `${host}:${port}`;
  const endpoint: FleetEndpoint = { id: `${idc}-${j + 1}`, idc, kind, host, port, address };
  if (kind === 'http') endpoint.url = `http://${address}/healthz`;
  return endpoint;
}

/** Indexes of the endpoints a selector names; throws on an unknown endpoint or IDC. */
export function selectEndpoints(
  endpoints: readonly Pick<FleetEndpoint, 'id' | 'idc'>[],
  selector: Selector,
  byId?: ReadonlyMap<string, number>,
): number[] {
  if (selector === 'all') return endpoints.map((_, i) => i);
  if ('idc' in selector) {
    const picked = indexesWhere(endpoints, (e) => e.idc === selector.idc);
    if (picked.length === 0) throw new Error(`unknown IDC ${JSON.stringify(selector.idc)}`);
    return picked;
  }
  const ids = 'endpoint' in selector ? [selector.endpoint] : selector.endpoints;
  const index = byId ?? new Map(endpoints.map((e, i) => [e.id, i]));
  return ids.map((id) => {
    const i = index.get(id);
    if (i === undefined) throw new Error(`unknown endpoint ${JSON.stringify(id)}`);
    return i;
  });
}

function indexesWhere<T>(items: readonly T[], test: (item: T) => boolean): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (test(item)) out.push(i);
  });
  return out;
}
