/* Real servers on 127.0.0.1 for the probe specs (not a spec itself). Every server listens on a random port. */
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import * as dnsPacket from 'dns-packet';
import { generate } from 'selfsigned';
import { storedConfigSchemas, type Endpoint } from '@libs/config';
import type { ProbeCheck, ProbeContext } from './types';

/** A running test server: its port, how many TCP connections it accepted, and how to stop it. */
export interface TestServer {
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}

/** A check as the validator outputs it (defaults applied), from the fields a test cares about. */
export function makeCheck(input: Record<string, unknown>): ProbeCheck {
  return storedConfigSchemas.check.parse({ name: 'probe', timeout: '1s', ...input });
}

/** An endpoint at a url or an address. */
export function makeEndpoint(where: { url: string } | { address: string }): Endpoint {
  return { idc: 'sha', name: 'node-1', capacity: 1, labels: {}, ...where };
}

/** A context whose secretRefs read from `env`. */
export function makeContext(env: Record<string, string> = {}): ProbeContext {
  return {
    secret: (secret) => {
      const name = 'secretRef' in secret ? secret.secretRef : '';
      if (env[name] === undefined) throw new Error(`secret ${name} is not set`);
      return env[name];
    },
  };
}

async function track(server: Server): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let count = 0;
  // 'connection' is the raw TCP accept, for http, https and tls servers alike.
  server.on('connection', (socket: Socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server with `handler`. */
export function startHttpServer(handler: RequestListener): Promise<TestServer> {
  return track(createHttpServer(handler));
}

/** An HTTPS server with `handler` and the given certificate. */
export function startHttpsServer(cert: TestCert, handler: RequestListener): Promise<TestServer> {
  return track(createHttpsServer({ key: cert.key, cert: cert.cert }, handler));
}

/** A TCP server calling `onSocket` for every connection. */
export function startTcpServer(onSocket: (socket: Socket) => void): Promise<TestServer> {
  return track(createNetServer(onSocket));
}

/** A TLS server that completes the handshake and closes. */
export function startTlsServer(cert: TestCert): Promise<TestServer> {
  return track(createTlsServer({ key: cert.key, cert: cert.cert }, (socket) => socket.end()));
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await startTcpServer(() => undefined);
  await server.close();
  return server.port;
}

/** A certificate made for the test. */
export interface TestCert {
  key: string;
  cert: string;
}

/** A self-signed EC certificate for `names` (DNS SANs) and 127.0.0.1, valid from `fromDays` to `toDays` from now. */
export async function makeCert(names: string[], fromDays: number, toDays: number): Promise<TestCert> {
  const day = 86_400_000;
  const pems = await generate([{ name: 'commonName', value: names[0] }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() + fromDays * day),
    notAfterDate: new Date(Date.now() + toDays * day),
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7, ip: '127.0.0.1' }],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** What the test DNS server answers for a question: answers, an rcode, or silence. */
export type DnsReply =
  { answers: dnsPacket.Answer[] } | { rcode: 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' } | 'silence';

const RCODES = { NXDOMAIN: 3, SERVFAIL: 2, REFUSED: 5 } as const;

/** A UDP DNS server on 127.0.0.1 answering with `reply(question)`. */
export async function startDnsServer(reply: (question: dnsPacket.Question) => DnsReply): Promise<TestServer> {
  const socket = createSocket('udp4');
  let count = 0;
  socket.on('message', (message, from) => {
    count++;
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (question === undefined) return;
    const answer = reply(question);
    if (answer === 'silence') return;
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags:
        dnsPacket.RECURSION_DESIRED |
        dnsPacket.RECURSION_AVAILABLE |
        ('rcode' in answer ? RCODES[answer.rcode] : 0),
      questions: [question],
      answers: 'answers' in answer ? answer.answers : [],
    });
    socket.send(response, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    connections: () => count,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
