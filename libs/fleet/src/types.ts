/** Public types of the fleet simulator (see libs/fleet/README.md). */

/** What an endpoint speaks. */
export type EndpointKind = 'http' | 'tcp' | 'tls' | 'dns';

/** The behaviour of an endpoint, switchable at run time. */
export type Mode =
  | { mode: 'up' }
  /** refused: nothing listens (the port is closed); reset: accept, then RST. */
  | { mode: 'down'; how: 'refused' | 'reset' }
  /** Accept, never answer. */
  | { mode: 'hang' }
  /** Answer after `ms` milliseconds. */
  | { mode: 'slow'; ms: number }
  /** HTTP: answer with this status code; DNS: SERVFAIL; TCP and TLS: like up. */
  | { mode: 'status'; code: number }
  /** Each request (HTTP, DNS) or connection (TCP, TLS) fails (reset / dropped) with probability p. */
  | { mode: 'flap'; p: number };

/** Shorthands accepted wherever a Mode is: 'up', 'hang', 'refused' and 'reset'. */
export type ModeInput = Mode | 'up' | 'hang' | 'refused' | 'reset';

/** Which endpoints a mode change applies to. */
export type Selector = { endpoint: string } | { endpoints: readonly string[] } | { idc: string } | 'all';

export interface TlsSpec {
  /** Certificate subject and DNS SAN (the name clients verify). Default `fleet.vigil.test`. */
  hostname?: string;
  /** Validity from now, in days. Default 365. */
  days?: number;
  /** Issue certificates that expired yesterday (valid from 30 days ago). Default false. */
  expired?: boolean;
  /** One certificate per IDC (default) or one for the whole fleet. */
  perIdc?: boolean;
}

export interface DnsSpec {
  /** name -> IPv4/IPv6 addresses (A / AAAA answers). Names are case-insensitive, no trailing dot needed. */
  zone?: Record<string, readonly string[]>;
  /** TTL of the answers in seconds. Default 30. */
  ttl?: number;
}

export interface TcpSpec {
  /** The request the endpoint answers (default `PING\r\n`). */
  expect?: string;
  /** The answer (default `PONG\r\n`). */
  reply?: string;
}

export interface HttpSpec {
  /** Idle keep-alive timeout of a connection after a response. Default 1000 ms (high churn). */
  keepAliveTimeoutMs?: number;
}

export interface FleetSpec {
  /** IDC names, or how many IDCs (named sha, bjs, szx, hkg, ... then sha2, bjs2, ...). At most 254. */
  idcs: readonly string[] | number;
  endpointsPerIdc: number;
  /** Default http. */
  kind?: EndpointKind;
  /**
   * Endpoint j (0-based) of every IDC listens on basePort + j of its IDC's own address 127.0.k.1.
   * Default: the OS picks a free port for each endpoint.
   */
  basePort?: number;
  http?: HttpSpec;
  tcp?: TcpSpec;
  tls?: TlsSpec;
  dns?: DnsSpec;
  /** Serve to other hosts (a container) instead of on loopback: see {@link FleetNetwork}. */
  network?: FleetNetwork;
}

/**
 * A fleet that other hosts probe (the compose demo): every IDC listens on one address, so IDC k
 * (0-based) takes the ports basePort + k * endpointsPerIdc + j instead of sharing basePort + j.
 */
export interface FleetNetwork {
  /** The address every endpoint listens on, e.g. `0.0.0.0`. */
  listen: string;
  /** The host name probers reach the fleet by (its endpoints' `host`, `address` and `url`). */
  advertise: string;
}

export interface FleetEndpoint {
  /** `<idc>-<n>`, n from 1: `sha-1`. Also the endpoint name in fleetConfig(). */
  id: string;
  idc: string;
  kind: EndpointKind;
  /** The IDC's address: 127.0.k.1 for the k-th IDC (or FleetNetwork.advertise). */
  host: string;
  /** Where the endpoint listens when that is not `host` (FleetNetwork.listen). */
  bind?: string;
  port: number;
  /** `http://<host>:<port>/healthz` (http endpoints only). */
  url?: string;
  /** `<host>:<port>`. */
  address: string;
}

export interface EndpointStats {
  /** HTTP requests, TCP requests answered or ignored, TLS handshakes completed, DNS queries received. */
  requests: number;
  /** Accepted TCP connections (0 for DNS). */
  connections: number;
  /** Connections open now (hung ones included). */
  open: number;
}

/** What fleetConfig() needs to know about a fleet; both Fleet and RemoteFleet have it. */
export interface FleetLayout {
  readonly kind: EndpointKind;
  readonly idcs: readonly string[];
  readonly endpoints: readonly FleetEndpoint[];
  /** TLS fleets: the certificate hostname. */
  readonly tlsHostname?: string;
  /** DNS fleets: the names of the zone. */
  readonly dnsNames?: readonly string[];
  /** TLS fleets: the PEM certificate of each IDC (self-signed: pass it as `ca` to trust it). */
  readonly certs?: Readonly<Record<string, string>>;
}
