/**
 * The fleet simulator as a server (the compose demo's `fleet` service), run from the image:
 * `node dist/libs/fleet/src/fleet-server.js --advertise fleet --gslb-port 24099`. Its endpoints
 * listen on one address for probers in other containers; a control API switches their modes
 * (`curl -X POST localhost:24090/idcs/szx/refused`), and a fake GSLB takes Vigil's weight changes.
 * Imports only what runs without devDependencies (the image has none).
 */
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { startFleet, type Fleet } from './fleet';
import {
  controlRoute,
  FLEET_SERVER_USAGE,
  parseFleetServerArgs,
  type FleetServerOptions,
} from './fleet-server-options';
import { startTrafficManager, type FakeTrafficManager } from './traffic-manager';

const log = (message: string) => process.stdout.write(`fleet: ${message}\n`);

/** The layout, each endpoint's mode and the GSLB's current weights. */
function layout(fleet: Fleet, gslb: FakeTrafficManager | undefined) {
  const weights: Record<string, Record<string, number>> = {};
  for (const change of gslb?.applied() ?? []) weights[change.service] = change.weights;
  return {
    idcs: fleet.idcs,
    endpoints: fleet.endpoints.map((e) => ({ id: e.id, idc: e.idc, url: e.url, mode: fleet.mode(e.id) })),
    ...(gslb === undefined ? {} : { gslb: { url: gslb.url, weights } }),
  };
}

async function serve(options: FleetServerOptions): Promise<() => Promise<void>> {
  const fleet = await startFleet(options.spec);
  for (const idc of options.down) await fleet.set({ idc }, 'refused');
  const gslb =
    options.gslbPort === undefined
      ? undefined
      : await startTrafficManager({ host: options.spec.network?.listen, port: options.gslbPort });
  const control = createServer((req, res) => {
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body, null, 2)}\n`);
    req.resume();
    const route = controlRoute(req.method ?? '', req.url ?? '/');
    if ('status' in route) return send(route.status, { error: route.error });
    if (route.kind === 'layout') return send(200, layout(fleet, gslb));
    fleet.set(route.selector, route.mode).then(
      () => {
        log(`${JSON.stringify(route.selector)} -> ${String(route.mode)}`);
        send(200, { selector: route.selector, mode: route.mode });
      },
      (error: Error) => send(/^unknown/.test(error.message) ? 404 : 500, { error: error.message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    control.once('error', reject);
    control.listen(options.controlPort, options.spec.network?.listen, resolve);
  });
  const first = fleet.endpoints[0];
  const last = fleet.endpoints.at(-1)!;
  log(
    `${fleet.endpoints.length} endpoints in ${fleet.idcs.join(', ')} on ${first.host}:${first.port}-${last.port}` +
      `${options.down.length ? ` (${options.down.join(', ')} refused)` : ''}; control :${options.controlPort}` +
      `${gslb === undefined ? '' : `; GSLB :${options.gslbPort}`}`,
  );
  return async () => {
    control.close();
    control.closeAllConnections();
    await Promise.all([fleet.close(), gslb?.close()]);
  };
}

let options: FleetServerOptions;
try {
  options = parseFleetServerArgs(process.argv.slice(2), hostname());
} catch (error) {
  process.stderr.write(`fleet: ${(error as Error).message}\n${FLEET_SERVER_USAGE}\n`);
  process.exit(2);
}
serve(options).then(
  (close) => {
    const stop = () => void close().finally(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (error: unknown) => {
    process.stderr.write(`fleet: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
