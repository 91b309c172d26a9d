import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { FleetEndpoint, FleetLayout } from '@libs/fleet';

/** One request as an endpoint received it. */
export interface Hit {
  endpoint: string;
  at: number;
}

/** A loopback HTTP fleet that records the arrival time of every request, for counting probes by tick. */
export interface RecordingFleet extends FleetLayout {
  readonly hits: Hit[];
  close(): Promise<void>;
}

/**
 * `count` HTTP endpoints of IDC `idc` (`<idc>-1`..), spread over `servers` listeners on ephemeral
 * loopback ports (several destinations, so new connections do not pile up in TIME_WAIT on one).
 */
export async function startRecordingFleet(idc: string, count: number, servers = 8): Promise<RecordingFleet> {
  const hits: Hit[] = [];
  const listening: Server[] = [];
  for (let i = 0; i < servers; i++) {
    const server = createServer((req, res) => {
      hits.push({ endpoint: req.url!.slice('/e/'.length), at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    server.keepAliveTimeout = 1000;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    listening.push(server);
  }
  const endpoints: FleetEndpoint[] = Array.from({ length: count }, (_, j) => {
    const { port } = listening[j % servers].address() as { port: number };
    const id = `${idc}-${j + 1}`;
    const address = `127.0.0.1:${port}`;
    return { id, idc, kind: 'http', host: '127.0.0.1', port, address, url: `http://${address}/e/${id}` };
  });
  return {
    kind: 'http',
    idcs: [idc],
    endpoints,
    hits,
    close: async () => {
      for (const s of listening) s.closeAllConnections();
      await Promise.all(listening.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
