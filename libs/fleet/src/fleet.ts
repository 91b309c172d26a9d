import { Delays, EndpointState, Listener, streamListener, udpListener } from './endpoint-state';
import { HttpEndpoints } from './http-endpoint';
import { idcHost, idcNames, planEndpoints, selectEndpoints } from './layout';
import { assertDescriptorLimit } from './limits';
import { parseMode } from './modes';
import { TcpEndpoints } from './tcp-endpoint';
import {
  EndpointKind,
  EndpointStats,
  FleetEndpoint,
  FleetLayout,
  FleetSpec,
  Mode,
  ModeInput,
  Selector,
} from './types';

/** A fleet running in this process. */
export interface Fleet extends FleetLayout {
  /** Switches the selected endpoints to `mode`; resolves once their listeners are open / closed. */
  set(selector: Selector, mode: ModeInput): Promise<void>;
  /** The current mode of an endpoint. */
  mode(id: string): Mode;
  stats(id: string): EndpointStats;
  /** Sum over all endpoints. */
  totals(): EndpointStats;
  /** Stops every listener, resets every open connection, cancels pending slow answers. */
  close(): Promise<void>;
}

/**
 * Starts N endpoints in M simulated IDCs on loopback, IDC k on its own address 127.0.k.1 (see
 * libs/fleet/README.md). Every endpoint starts `up`.
 *
 * Ports: one listening socket per endpoint. Spreading the probes over many (address, port) pairs is what
 * keeps a prober that opens 2,000 new connections/s from running out of ephemeral ports: Linux
 * needs a source port to be unique only per destination (address, port), and a closed connection
 * holds its port in TIME_WAIT for 60 s, so one destination could take at most ~28,000 / 60 s ~ 470
 * new connections/s (ip_local_port_range 32768-60999), while 10,000 destinations take each a few.
 */
export async function startFleet(spec: FleetSpec): Promise<Fleet> {
  const kind: EndpointKind = spec.kind ?? 'http';
  const idcs = idcNames(spec.idcs);
  const endpoints = planEndpoints(spec);
  assertDescriptorLimit(endpoints.length);
  const delays = new Delays();
  const { listener, layout } = await protocol(kind, spec, idcs, delays);
  const states = endpoints.map((info) => new EndpointState(info, listener));
  const fleet = new LocalFleet({ kind, idcs, endpoints, ...layout }, states, delays);
  try {
    await Promise.all(states.map((s) => s.sync()));
  } catch (error) {
    await fleet.close();
    throw error;
  }
  return fleet;
}

/**
 * The listener of each endpoint, by kind, around the handling shared by the whole fleet. TLS and DNS
 * are loaded only when asked for: their libraries are devDependencies, absent from the image, where
 * the compose demo's HTTP fleet runs.
 */
async function protocol(
  kind: EndpointKind,
  spec: FleetSpec,
  idcs: string[],
  delays: Delays,
): Promise<{ listener: (state: EndpointState) => Listener; layout: Partial<FleetLayout> }> {
  switch (kind) {
    case 'http': {
      const http = new HttpEndpoints(spec.http ?? {}, delays);
      return { listener: (state) => streamListener(http.handler(state)), layout: {} };
    }
    case 'tcp': {
      const tcp = new TcpEndpoints(spec.tcp ?? {}, delays);
      return { listener: (state) => streamListener(tcp.handler(state)), layout: {} };
    }
    case 'tls': {
      const { DEFAULT_TLS_HOSTNAME, makeCertificates, TlsEndpoints } = await import('./tls-endpoint');
      const tlsSpec = spec.tls ?? {};
      const certs = await makeCertificates(
        idcs.map((name, k) => ({ name, host: idcHost(k) })),
        tlsSpec,
      );
      const tls = new TlsEndpoints(certs, delays);
      const pems = Object.fromEntries([...certs].map(([idc, c]) => [idc, c.cert]));
      return {
        listener: (state) => streamListener(tls.handler(state)),
        layout: { certs: pems, tlsHostname: tlsSpec.hostname ?? DEFAULT_TLS_HOSTNAME },
      };
    }
    case 'dns': {
      const { DnsEndpoints } = await import('./dns-endpoint');
      const dns = new DnsEndpoints(spec.dns ?? {}, delays);
      return { listener: (state) => udpListener(dns.handler(state)), layout: { dnsNames: dns.names() } };
    }
    default:
      throw new Error(`unknown endpoint kind ${JSON.stringify(kind)}`);
  }
}

class LocalFleet implements Fleet {
  readonly kind: EndpointKind;
  readonly idcs: readonly string[];
  readonly endpoints: readonly FleetEndpoint[];
  readonly certs?: Readonly<Record<string, string>>;
  readonly tlsHostname?: string;
  readonly dnsNames?: readonly string[];
  private readonly byId: Map<string, number>;
  private closing?: Promise<void>;

  constructor(
    layout: FleetLayout,
    private readonly states: readonly EndpointState[],
    private readonly delays: Delays,
  ) {
    this.kind = layout.kind;
    this.idcs = layout.idcs;
    this.endpoints = layout.endpoints;
    if (layout.certs !== undefined) this.certs = layout.certs;
    if (layout.tlsHostname !== undefined) this.tlsHostname = layout.tlsHostname;
    if (layout.dnsNames !== undefined) this.dnsNames = layout.dnsNames;
    this.byId = new Map(this.endpoints.map((e, i) => [e.id, i]));
  }

  async set(selector: Selector, input: ModeInput): Promise<void> {
    if (this.closing !== undefined) throw new Error('the fleet is closed');
    const mode = parseMode(input);
    const picked = selectEndpoints(this.endpoints, selector, this.byId);
    await Promise.all(picked.map((i) => this.states[i].setMode(mode)));
  }

  mode(id: string): Mode {
    return this.state(id).mode;
  }

  stats(id: string): EndpointStats {
    const { requests, connections, sockets } = this.state(id);
    return { requests, connections, open: sockets.size };
  }

  totals(): EndpointStats {
    let requests = 0;
    let connections = 0;
    let open = 0;
    for (const s of this.states) {
      requests += s.requests;
      connections += s.connections;
      open += s.sockets.size;
    }
    return { requests, connections, open };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.delays.cancelAll();
      await Promise.all(this.states.map((s) => s.close()));
    })();
    return this.closing;
  }

  private state(id: string): EndpointState {
    const index = this.byId.get(id);
    if (index === undefined) throw new Error(`unknown endpoint ${JSON.stringify(id)}`);
    return this.states[index];
  }
}
