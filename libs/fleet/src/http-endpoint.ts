import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { accept, Delays, endpointOf, EndpointState, reset } from './endpoint-state';
import { decide } from './modes';
import { HttpSpec } from './types';

/**
 * HTTP endpoints. Every endpoint has its own listening socket (so that `refused` is a closed port), but
 * they all hand their connections to ONE http.Server that is never listened on itself: one parser
 * configuration and one request handler for the whole fleet, and nothing allocated per request beyond
 * what node:http needs (the 200 body is built once per endpoint).
 *
 * Tuned for connection churn (benchmark: 10,000 endpoints, 2,000 probes/s, each on a new connection):
 * a short keep-alive timeout so idle connections do not pile up, a small header-count limit, Nagle off.
 */
export class HttpEndpoints {
  private readonly server;
  private readonly okBodies = new WeakMap<EndpointState, Buffer>();

  constructor(
    spec: HttpSpec,
    private readonly delays: Delays,
  ) {
    this.server = createServer(
      { keepAliveTimeout: spec.keepAliveTimeoutMs ?? 1000, noDelay: true, maxHeaderSize: 16_384 },
      (req, res) => this.onRequest(req, res),
    );
    this.server.maxHeadersCount = 64;
    this.server.on('clientError', (_err, socket: Socket) => socket.destroy());
  }

  /** The connection handler of one endpoint's listener. */
  handler(state: EndpointState): (socket: Socket) => void {
    this.okBodies.set(state, Buffer.from(JSON.stringify({ status: 'ok', endpoint: state.info.id })));
    return (socket) => {
      accept(state, socket);
      if (state.mode.mode === 'down') reset(socket);
      else this.server.emit('connection', socket);
    };
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const state = endpointOf(req.socket);
    if (state === undefined) return void req.socket.destroy();
    state.requests++;
    const action = decide(state.mode, Math.random());
    if (action.kind === 'reset') return reset(req.socket);
    if (action.kind === 'hang') return; // never answered; the socket stays tracked until it closes
    if (action.delayMs === 0) return this.send(state, res, action.status);
    const timer = this.delays.later(action.delayMs, () => this.send(state, res, action.status));
    res.once('close', () => this.delays.cancel(timer));
  }

  private send(state: EndpointState, res: ServerResponse, status: number): void {
    if (res.destroyed || res.headersSent) return;
    const body = status === 200 ? this.okBodies.get(state) : statusBody(state.info.id, status);
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  }
}

/** The body of a `status` answer; none for 204 and 304, which have no body. */
export function statusBody(id: string, status: number): Buffer | undefined {
  if (status === 204 || status === 304) return undefined;
  const text = status < 400 ? 'ok' : 'error';
  return Buffer.from(JSON.stringify({ status: text, endpoint: id, code: status }));
}
