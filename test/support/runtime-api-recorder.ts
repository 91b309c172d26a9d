import { connect, createServer, type Server, type Socket } from 'node:net';

/** One Runtime API batch that went through the recorder: the command line and what HAProxy answered. */
export interface RecordedBatch {
  at: number;
  /** The commands, split on `; ` (the adapter's non-interactive line). */
  commands: string[];
  /** HAProxy's whole answer (it ran the batch even when the answer was held back). */
  answer: string;
  /** Whether the client got the answer (false: held back by `holdNextWrite`). */
  answered: boolean;
}

/**
 * A TCP front for an HAProxy's admin unix socket that records every batch of commands and can hold
 * back HAProxy's answer to the next batch that changes something (`set server`): the change is made,
 * the client never hears of it. The HAProxy behind it is real; only the answer's way back is cut.
 */
export class RuntimeApiRecorder {
  readonly batches: RecordedBatch[] = [];
  private server?: Server;
  private hold = false;
  private readonly held = new Set<Socket>();

  constructor(
    private readonly socketPath: string,
    private readonly port: number,
  ) {}

  /** The address for Vigil's config: `tcp://127.0.0.1:<port>`. */
  get runtimeApi(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** The batches that set something (weights, drain states). */
  writes(): RecordedBatch[] {
    return this.batches.filter((b) => b.commands.some((c) => c.startsWith('set server ')));
  }

  /** The next batch with a `set server` reaches HAProxy, but its answer is never sent back. */
  holdNextWrite(): void {
    this.hold = true;
  }

  async start(): Promise<void> {
    // allowHalfOpen: the client half-closes after its line and still waits for the answer.
    this.server = createServer({ allowHalfOpen: true }, (client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', resolve);
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.held) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Reads the client's whole line (it half-closes after it), runs it on HAProxy, answers or holds. */
  private relay(client: Socket): void {
    const request: Buffer[] = [];
    client.on('error', () => undefined);
    client.on('close', () => this.held.delete(client));
    client.on('data', (d: Buffer) => request.push(d));
    client.on('end', () => {
      const line = Buffer.concat(request).toString('utf8');
      const commands = line.trim().split('; ');
      const holdThis = this.hold && commands.some((c) => c.startsWith('set server '));
      if (holdThis) this.hold = false;
      const upstream = connect({ path: this.socketPath });
      const answer: Buffer[] = [];
      upstream.on('error', () => client.destroy());
      upstream.on('data', (d: Buffer) => answer.push(d));
      upstream.on('close', () => {
        const text = Buffer.concat(answer).toString('utf8');
        this.batches.push({ at: Date.now(), commands, answer: text, answered: !holdThis });
        if (holdThis)
          this.held.add(client); // open, silent, until the client gives up or dies
        else client.end(text);
      });
      upstream.end(line);
    });
  }
}
