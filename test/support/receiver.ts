import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got: the raw body as sent (for signatures) and its JSON. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  json: any;
  /** The status the receiver answered. */
  status: number;
}

/**
 * An HTTP server for outbound notifications (webhook, Slack, PagerDuty shapes alike): records every
 * POST and answers with the status scripted for its path (default 200). `script(path, [500, 500])`
 * answers the next two requests to `path` with 500, then the default again.
 */
export class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, number[]>();
  private readonly defaults = new Map<string, number>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const raw = Buffer.concat(chunks).toString('utf8');
        const status = this.scripts.get(path)?.shift() ?? this.defaults.get(path) ?? 200;
        let json: unknown = undefined;
        try {
          json = JSON.parse(raw);
        } catch {
          json = undefined;
        }
        this.received.push({ path, headers: req.headers, raw, json, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next answers to `path`, in order. */
  script(path: string, statuses: number[]): void {
    this.scripts.set(path, [...statuses]);
  }

  /** The answer to `path` once the script is used up. */
  answer(path: string, status: number): void {
    this.defaults.set(path, status);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
