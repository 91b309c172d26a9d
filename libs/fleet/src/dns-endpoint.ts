import { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';
import { Answer, AUTHORITATIVE_ANSWER, decode, DecodedPacket, encode, RECURSION_DESIRED } from 'dns-packet';
import { Delays, EndpointState } from './endpoint-state';
import { decide } from './modes';
import { DnsSpec } from './types';

const NOERROR = 0;
const SERVFAIL = 2;
const NXDOMAIN = 3;

export type Zone = ReadonlyMap<string, readonly string[]>;

/** Normalises a DNS name for lookups: lower case, no trailing dot. */
export function dnsKey(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The zone of a spec as a lookup map; throws on an address that is not an IP. */
export function buildZone(spec: DnsSpec): Zone {
  const zone = new Map<string, readonly string[]>();
  for (const [name, ips] of Object.entries(spec.zone ?? {})) {
    for (const ip of ips)
      if (!isIPv4(ip) && !isIPv6(ip)) throw new Error(`dns zone ${name}: ${ip} is not an IP`);
    zone.set(dnsKey(name), [...ips]);
  }
  return zone;
}

/**
 * The answer to a query (pure): A / AAAA records from the zone, NOERROR with no records for other types
 * of a known name, NXDOMAIN for an unknown name, SERVFAIL when `servfail` (the endpoint's `status` mode).
 */
export function answerQuery(query: DecodedPacket, zone: Zone, ttl: number, servfail: boolean): Buffer {
  const questions = query.questions ?? [];
  const answers: Answer[] = [];
  let rcode = NOERROR;
  if (servfail) rcode = SERVFAIL;
  else
    for (const q of questions) {
      const ips = zone.get(dnsKey(q.name));
      if (ips === undefined) {
        rcode = NXDOMAIN;
        continue;
      }
      for (const ip of ips) {
        if (q.type === 'A' && isIPv4(ip)) answers.push({ type: 'A', name: q.name, ttl, data: ip });
        if (q.type === 'AAAA' && isIPv6(ip)) answers.push({ type: 'AAAA', name: q.name, ttl, data: ip });
      }
    }
  const flags = AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & RECURSION_DESIRED) | rcode;
  return encode({ type: 'response', id: query.id, flags, questions, answers });
}

/**
 * DNS endpoints: one UDP socket per endpoint answering from the fleet's zone. Modes per query: up
 * answers, slow answers late, status answers SERVFAIL, hang and down/reset are silent (the query is
 * dropped), flap drops with probability p, and down/refused closes the socket (the client gets ICMP
 * port unreachable, which resolvers report as ECONNREFUSED).
 */
export class DnsEndpoints {
  private readonly zone: Zone;
  private readonly ttl: number;

  constructor(
    spec: DnsSpec,
    private readonly delays: Delays,
  ) {
    this.zone = buildZone(spec);
    this.ttl = spec.ttl ?? 30;
  }

  /** The names of the zone (for fleetConfig). */
  names(): string[] {
    return [...this.zone.keys()];
  }

  handler(state: EndpointState): (socket: UdpSocket, msg: Buffer, from: RemoteInfo) => void {
    return (socket, msg, from) => {
      state.requests++;
      let query: DecodedPacket;
      try {
        query = decode(msg);
      } catch {
        return;
      }
      if (query.type !== 'query') return;
      const action = decide(state.mode, Math.random());
      if (action.kind !== 'respond') return;
      const servfail = state.mode.mode === 'status';
      const send = (): void => {
        try {
          socket.send(answerQuery(query, this.zone, this.ttl, servfail), from.port, from.address);
        } catch {
          // the socket was closed meanwhile (down/refused or fleet closed)
        }
      };
      if (action.delayMs === 0) send();
      else this.delays.later(action.delayMs, send);
    };
  }
}
