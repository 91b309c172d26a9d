import { createSocket, RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { createServer, Server, Socket } from 'node:net';
import { isListening, killsConnections, UP } from './modes';
import { FleetEndpoint, Mode } from './types';

/** Something an endpoint listens with: a TCP server or a UDP socket. */
export interface Listener {
  /** Starts listening; resolves with the port (the OS picks one for port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Stops listening now (open connections are not waited for). */
  close(): Promise<void>;
}

const STATE = Symbol('fleet.endpoint');
type TrackedSocket = Socket & { [STATE]?: EndpointState };

/** The live state of one endpoint: its mode, counters, listener and open connections. */
export class EndpointState {
  mode: Mode = UP;
  requests = 0;
  connections = 0;
  listening = false;
  closed = false;
  readonly sockets = new Set<Socket>();
  /** Serialises listen/close of this endpoint so that quick mode changes cannot interleave. */
  private transition: Promise<void> = Promise.resolve();

  readonly listener: Listener;

  constructor(
    readonly info: FleetEndpoint,
    makeListener: (state: EndpointState) => Listener,
  ) {
    this.listener = makeListener(this);
  }

  /** Switches the mode; resolves once the listener is open or closed accordingly. */
  setMode(mode: Mode): Promise<void> {
    this.mode = mode;
    if (killsConnections(mode)) this.resetAll();
    return this.sync();
  }

  /** Opens or closes the listener to match the mode (and `closed`). */
  sync(): Promise<void> {
    const next = this.transition.catch(() => undefined).then(() => this.syncNow());
    this.transition = next;
    return next;
  }

  /** Closes the endpoint for good: listener, connections. */
  close(): Promise<void> {
    this.closed = true;
    this.resetAll();
    return this.sync();
  }

  private async syncNow(): Promise<void> {
    const want = !this.closed && isListening(this.mode);
    if (want && !this.listening) {
      const port = await this.listener
        .listen(this.info.bind ?? this.info.host, this.info.port)
        .catch((error: Error) => {
          throw listenError(this.info, error);
        });
      this.listening = true;
      if (this.info.port === 0) setPort(this.info, port);
    } else if (!want && this.listening) {
      this.listening = false;
      await this.listener.close();
    }
  }

  private resetAll(): void {
    for (const socket of this.sockets) reset(socket);
    this.sockets.clear();
  }
}

/**
 * OS-picked ports come from the ephemeral range, so while an endpoint is `refused` another process
 * binding port 0 (on this address or on 0.0.0.0) may take its port; a basePort below
 * ip_local_port_range (e.g. 20000) avoids that.
 */
function listenError(info: FleetEndpoint, error: Error): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const hint =
    code === 'EADDRINUSE'
      ? ' (another process holds the port; use a basePort below the ephemeral port range)'
      : '';
  return Object.assign(
    new Error(`fleet endpoint ${info.id} cannot listen on ${info.address}: ${error.message}${hint}`),
    {
      code,
    },
  );
}

function setPort(info: FleetEndpoint, port: number): void {
  info.port = port;
  info.address = `${info.host}:${port}`;
  if (info.url !== undefined) info.url = `http://${info.address}/healthz`;
}

/** Counts and tracks an accepted connection (untracked again when it closes). */
export function accept(state: EndpointState, socket: Socket): void {
  state.connections++;
  state.sockets.add(socket);
  (socket as TrackedSocket)[STATE] = state;
  socket.on('error', ignore);
  socket.once('close', untrack);
}

/** The endpoint an accepted socket belongs to. */
export function endpointOf(socket: Socket): EndpointState | undefined {
  return (socket as TrackedSocket)[STATE];
}

// Shared listeners (no closure per connection).
function untrack(this: TrackedSocket): void {
  this[STATE]?.sockets.delete(this);
}

export function ignore(): void {}

/** Closes a connection with RST (SO_LINGER 0) where possible, else plainly. */
export function reset(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/**
 * A TCP listener: a fresh net.Server on every listen (for `refused`, the server is closed and the port is
 * free; libuv sets SO_REUSEADDR, so it can listen on the same port again at once).
 */
export function streamListener(onConnection: (socket: Socket) => void): Listener {
  let server: Server | undefined;
  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        const s = createServer({ noDelay: true }, onConnection);
        s.once('error', reject);
        s.listen({ host, port, backlog: 1024 }, () => {
          s.off('error', reject);
          s.on('error', ignore);
          server = s;
          resolve((s.address() as { port: number }).port);
        });
      }),
    close: async () => {
      // close() releases the port synchronously; its callback would wait for open connections.
      server?.close();
      server = undefined;
    },
  };
}

/** A UDP listener (DNS). Closing it makes the port unreachable (ICMP port unreachable). */
export function udpListener(onMessage: (socket: UdpSocket, msg: Buffer, from: RemoteInfo) => void): Listener {
  let socket: UdpSocket | undefined;
  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        const s = createSocket('udp4');
        s.once('error', reject);
        s.on('message', (msg, from) => onMessage(s, msg, from));
        s.bind({ address: host, port }, () => {
          s.off('error', reject);
          s.on('error', ignore);
          socket = s;
          resolve(s.address().port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        const s = socket;
        socket = undefined;
        if (s === undefined) resolve();
        else s.close(() => resolve());
      }),
  };
}

/** Delayed work (slow mode) that the fleet can cancel on close. */
export class Delays {
  private readonly timers = new Set<NodeJS.Timeout>();

  later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
