/**
 * A real HTTP receiver on loopback, playing a notification channel (webhook, Slack, PagerDuty) in
 * tests, the demo and benchmarks: records every request (raw body) and answers as told.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceiverRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as received. */
  body: string;
  /** The status it was answered with (undefined: left hanging). */
  status?: number;
  /** When its body had arrived (epoch ms). */
  at: number;
}

/**
 * How to answer: a status (and body, headers), optionally `delayMs` after the body arrived, or `hang`
 * (read the request, never answer).
 */
export type ReceiverReply =
  { status: number; body?: string; headers?: Record<string, string>; delayMs?: number } | 'hang';

export interface Receiver {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  requests: ReceiverRequest[];
  /** The answer to the next requests, or a function of each request; change it at will. */
  reply: ReceiverReply | ((request: ReceiverRequest) => ReceiverReply);
  close(): Promise<void>;
}

export async function startReceiver(
  reply: Receiver['reply'] = { status: 200, body: 'ok' },
): Promise<Receiver> {
  const requests: ReceiverRequest[] = [];
  const receiver = { requests, reply } as Receiver;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceiverRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(request);
      const answer = typeof receiver.reply === 'function' ? receiver.reply(request) : receiver.reply;
      if (answer === 'hang') return;
      const send = () => {
        request.status = answer.status;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (!answer.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** A loopback URL where nothing listens (connection refused). */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
