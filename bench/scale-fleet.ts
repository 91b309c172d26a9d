/**
 * Child process of the scale benchmark: the simulated fleet. A few loopback ports stand in for
 * 100,000 endpoints (each endpoint is a path on its IDC's ports), and every request gets the same
 * 200 at once over a kept-alive connection. Raw TCP with a canned response, not node:http: the fleet
 * shares the machine with the probers, so it should cost as little CPU as a fleet can.
 *
 * argv: host, then the ports. Sends 'ready' once listening; answers 'cpu' with its CPU seconds and
 * request count, and exits when the parent disconnects.
 */
import { createServer, type Socket } from 'node:net';

const RESPONSE = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok',
);
const END = Buffer.from('\r\n\r\n');

const [host, ...ports] = process.argv.slice(2);
let requests = 0;

/** Answers each request (GET or HEAD without a body: a request ends at its blank line). */
function serve(socket: Socket): void {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    let buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    for (let end = buf.indexOf(END); end !== -1; end = buf.indexOf(END)) {
      requests++;
      socket.write(RESPONSE);
      buf = buf.subarray(end + END.length);
    }
    pending = buf.length > 0 ? Buffer.from(buf) : Buffer.alloc(0);
  });
}

async function main(): Promise<void> {
  await Promise.all(
    ports.map(
      (port) =>
        new Promise<void>((resolve, reject) => {
          const server = createServer(serve);
          server.once('error', reject);
          server.listen({ host, port: Number(port), backlog: 4096 }, resolve);
        }),
    ),
  );
  process.on('message', (m: string) => {
    if (m !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send!({ cpuSeconds: (user + system) / 1e6, requests });
  });
  process.on('disconnect', () => process.exit(0));
  process.send!('ready');
}

main().catch((err: unknown) => {
  process.stderr.write(`scale fleet: ${(err as Error).message}\n`);
  process.exit(1);
});
