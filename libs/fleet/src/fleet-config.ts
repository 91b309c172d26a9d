import type { ConfigInput } from '@libs/config';
import { FleetLayout } from './types';

type ServiceInput = NonNullable<ConfigInput['services']>[number];
type CheckInput = ServiceInput['checks'][number];
type OptionsOf<T extends CheckInput['type'], K extends 'http' | 'tcp' | 'tls' | 'dns'> = NonNullable<
  Extract<CheckInput, { type: T }>[K]
>;

export interface FleetConfigOptions {
  service: string;
  /** Check interval, e.g. `5s`. */
  interval: string;
  /** Check timeout (default: Vigil's, 2s). */
  timeout?: string;
  /** IDCs the check runs from (default: every IDC). */
  vantages?: string[];
  /** Default by kind: healthz (http), port (tcp), certificate (tls), resolve (dns). */
  checkName?: string;
  /** Capacity of each endpoint (default 1); an IDC's capacity is the sum over its endpoints. */
  capacity?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  /** Options of the check, merged over the defaults of the fleet's kind. */
  http?: Partial<OptionsOf<'http' | 'https', 'http'>>;
  tcp?: Partial<OptionsOf<'tcp', 'tcp'>>;
  tls?: Partial<OptionsOf<'tls', 'tls'>>;
  dns?: Partial<OptionsOf<'dns', 'dns'>>;
  policy?: ServiceInput['policy'];
}

const CHECK_NAMES = { http: 'healthz', tcp: 'port', tls: 'certificate', dns: 'resolve' } as const;

/**
 * The Vigil config (vigil/v1, as PUT /api/v1/config takes it) that watches a fleet: its IDCs (capacity
 * = sum of their endpoints'), one service with every endpoint (name = endpoint id; `url` for http,
 * `address` otherwise) and one check of the fleet's kind:
 * - http: GET the endpoint url;
 * - tcp: send `PING\r\n`, expect `PONG` (the fleet's defaults);
 * - tls: serverName = the certificate hostname, verifyChain false (the certificates are self-signed);
 * - dns: resolve the first name of the fleet's zone (A).
 */
export function fleetConfig(fleet: FleetLayout, options: FleetConfigOptions): ConfigInput {
  const capacity = options.capacity ?? 1;
  const counts = new Map<string, number>();
  for (const e of fleet.endpoints) counts.set(e.idc, (counts.get(e.idc) ?? 0) + 1);
  const endpoints: ServiceInput['endpoints'] = fleet.endpoints.map((e) =>
    e.url !== undefined
      ? { idc: e.idc, name: e.id, url: e.url, capacity }
      : { idc: e.idc, name: e.id, address: e.address, capacity },
  );
  const service: ServiceInput = { name: options.service, endpoints, checks: [check(fleet, options)] };
  if (options.policy !== undefined) service.policy = options.policy;
  return {
    apiVersion: 'vigil/v1',
    idcs: fleet.idcs.map((name) => ({ name, capacity: (counts.get(name) ?? 0) * capacity || capacity })),
    services: [service],
  };
}

function check(fleet: FleetLayout, options: FleetConfigOptions): CheckInput {
  const common = {
    name: options.checkName ?? CHECK_NAMES[fleet.kind],
    interval: options.interval,
    ...(options.timeout !== undefined && { timeout: options.timeout }),
    ...(options.vantages !== undefined && { vantages: options.vantages }),
    ...(options.healthyThreshold !== undefined && { healthyThreshold: options.healthyThreshold }),
    ...(options.unhealthyThreshold !== undefined && { unhealthyThreshold: options.unhealthyThreshold }),
  };
  switch (fleet.kind) {
    case 'http':
      return { ...common, type: 'http', http: { ...options.http } };
    case 'tcp':
      return { ...common, type: 'tcp', tcp: { send: 'PING\r\n', expect: 'PONG', ...options.tcp } };
    case 'tls':
      return {
        ...common,
        type: 'tls',
        tls: { serverName: fleet.tlsHostname, verifyChain: false, ...options.tls },
      };
    case 'dns': {
      const name = options.dns?.name ?? fleet.dnsNames?.[0];
      if (name === undefined)
        throw new Error('fleetConfig: a dns fleet needs a zone name or options.dns.name');
      return { ...common, type: 'dns', dns: { recordType: 'A', ...options.dns, name } };
    }
  }
}
