/** Vigil's fleet simulator: endpoints in simulated IDCs on loopback, for e2e tests, the demo and benchmarks. */
export { startFleet, type Fleet } from './fleet';
export { spawnFleet, RemoteFleet, type SpawnOptions } from './remote-fleet';
export { fleetConfig, type FleetConfigOptions } from './fleet-config';
export { parseMode, describeMode, decide, type Action } from './modes';
export { IDC_NAMES, idcNames, idcHost } from './layout';
export { openFilesLimit, descriptorsNeeded } from './limits';
export { DEFAULT_TLS_HOSTNAME } from './tls-endpoint';
export * from './traffic-manager';
export * from './receiver';
export type {
  DnsSpec,
  EndpointKind,
  EndpointStats,
  FleetEndpoint,
  FleetLayout,
  FleetSpec,
  HttpSpec,
  Mode,
  ModeInput,
  Selector,
  TcpSpec,
  TlsSpec,
} from './types';
