import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** How a cut looks to the client: connections refused (a stopped server) or hanging (a partition). */
export type CutMode = 'refuse' | 'blackhole';

/**
 * A TCP proxy on a loopback port that a test controls, to take a real server (Redis, Postgres) away
 * from the app under test and give it back, without touching the server itself.
 */
export class TcpProxy {
  private server?: Server;
  private readonly pipes = new Set<Socket>();
  private mode: CutMode | null = null;
  private listenPort = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly port = 0,
  ) {}

  /** Starts listening; resolves with the proxy's port. */
  async start(): Promise<number> {
    await this.listen(this.port);
    return this.listenPort;
  }

  /** `host:port` of the proxy. */
  get address(): string {
    return `127.0.0.1:${this.listenPort}`;
  }

  /** Rewrites a `redis://` or `postgres://` URL to go through the proxy. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.listenPort);
    return u.toString();
  }

  /** Drops every open connection; new ones are refused or held without an answer until `restore()`. */
  async cut(mode: CutMode = 'refuse'): Promise<void> {
    this.mode = mode;
    for (const socket of this.pipes) socket.destroy();
    this.pipes.clear();
    if (mode === 'refuse') await this.close();
  }

  /** Lets connections through again, on the same port. */
  async restore(): Promise<void> {
    const wasRefusing = this.mode === 'refuse';
    this.mode = null;
    for (const socket of this.pipes) socket.destroy();
    this.pipes.clear();
    if (wasRefusing) await this.listen(this.listenPort);
  }

  async stop(): Promise<void> {
    this.mode = 'refuse';
    for (const socket of this.pipes) socket.destroy();
    this.pipes.clear();
    await this.close();
  }

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.listenPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    // Blackhole: the connection opens but nothing ever answers, as across a partition.
    if (this.mode === 'blackhole') return;
    const upstream = createConnection(this.target);
    this.track(upstream);
    // One side gone: take the other down too, as a real connection reset would.
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }

  private track(socket: Socket): void {
    this.pipes.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.pipes.delete(socket));
  }
}
