/**
 * A real SMTP server on loopback (the `smtp-server` package) playing a mail relay in tests: STARTTLS
 * with the given certificate, AUTH required (only after STARTTLS, as smtp-server does unless told
 * otherwise), every message recorded raw with its envelope, and answers to DATA scripted per message.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** MAIL FROM and RCPT TO addresses. */
  from: string;
  to: string[];
  /** Who logged in (AUTH), and whether the session was on TLS when the message came. */
  user: string | undefined;
  secure: boolean;
  /** The raw message as received (headers and body). */
  raw: string;
  /** The answer it got: 250, or the scripted code. */
  code: number;
}

export interface TestSmtpServer {
  port: number;
  /** Every message that reached the end of DATA, in order (answered 250 or with a scripted error). */
  mails: ReceivedMail[];
  /** Codes (4xx, 5xx) to answer the next messages' DATA with, used up in order; then 250. */
  script: number[];
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (port 0 unless given), with a user `username` / `password`. */
export async function startSmtpServer(opts: {
  cert: { key: string; cert: string };
  username: string;
  password: string;
  port?: number;
}): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const script: number[] = [];
  const server = new SMTPServer({
    key: opts.cert.key,
    cert: opts.cert.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      if (auth.username === opts.username && auth.password === opts.password)
        return callback(null, { user: auth.username });
      const error = Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const code = script.shift() ?? 250;
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          secure: session.secure,
          raw: Buffer.concat(chunks).toString('utf8'),
          code,
        });
        if (code === 250) return callback(null);
        callback(Object.assign(new Error(`scripted ${code} answer`), { responseCode: code }));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  return {
    port,
    mails,
    script,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A header of a raw message (unfolded), or undefined. */
export function mailHeader(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
