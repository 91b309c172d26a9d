import { parseArgs } from 'node:util';
import { idcNames } from './layout';
import type { FleetSpec, ModeInput, Selector } from './types';

/** What `fleet-server` runs: a fleet for other hosts, its control port and a fake GSLB. */
export interface FleetServerOptions {
  spec: FleetSpec & { basePort: number };
  /** Port of the control API (GET the layout, POST a mode). */
  controlPort: number;
  /** Port of the fake traffic manager (webhook adapter, unsigned), or none. */
  gslbPort?: number;
  /** IDCs that start `refused`, so a fresh demo shows an unhealthy IDC at once. */
  down: string[];
}

export const FLEET_SERVER_USAGE = `usage: node dist/libs/fleet/src/fleet-server.js [options]
  --idcs <a,b,c>           IDC names (default sha,bjs,szx)
  --endpoints-per-idc <n>  endpoints in each IDC (default 4)
  --base-port <port>       IDC k, endpoint j listens on base + k * n + j (default 24100)
  --listen <address>       address every endpoint listens on (default 0.0.0.0)
  --advertise <host>       host name probers reach the fleet by (default: the host name)
  --control-port <port>    control API (default 24090)
  --gslb-port <port>       fake GSLB taking Vigil's weight changes (default: none)
  --down <a,b>             IDCs that start refused (default: none)`;

const port = (name: string, text: string | undefined, fallback?: number): number | undefined => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65_535)
    throw new Error(`--${name}: expected a port, got "${text}"`);
  return value;
};

/** Reads the command line; throws an Error naming the bad option. */
export function parseFleetServerArgs(argv: readonly string[], hostname: string): FleetServerOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      idcs: { type: 'string', default: 'sha,bjs,szx' },
      'endpoints-per-idc': { type: 'string', default: '4' },
      'base-port': { type: 'string', default: '24100' },
      listen: { type: 'string', default: '0.0.0.0' },
      advertise: { type: 'string', default: hostname },
      'control-port': { type: 'string', default: '24090' },
      'gslb-port': { type: 'string' },
      down: { type: 'string', default: '' },
    },
  });
  const idcs = idcNames(values.idcs.split(',').map((s) => s.trim()));
  const perIdc = Number(values['endpoints-per-idc']);
  if (!/^\d+$/.test(values['endpoints-per-idc']) || perIdc < 1 || perIdc > 1000)
    throw new Error(`--endpoints-per-idc: expected 1 to 1000, got "${values['endpoints-per-idc']}"`);
  const down = values.down === '' ? [] : values.down.split(',').map((s) => s.trim());
  for (const idc of down) if (!idcs.includes(idc)) throw new Error(`--down: unknown IDC "${idc}"`);
  const gslbPort = port('gslb-port', values['gslb-port']);
  return {
    spec: {
      idcs,
      endpointsPerIdc: perIdc,
      basePort: port('base-port', values['base-port'])!,
      network: { listen: values.listen, advertise: values.advertise },
    },
    controlPort: port('control-port', values['control-port'])!,
    ...(gslbPort === undefined ? {} : { gslbPort }),
    down,
  };
}

/** The modes the control API takes by name. */
const MODES: readonly ModeInput[] = ['up', 'refused', 'reset', 'hang'];

/** A control request: switch endpoints, or why not (with the HTTP status to answer). */
export type ControlRoute =
  | { kind: 'layout' }
  | { kind: 'set'; selector: Selector; mode: ModeInput }
  | { status: number; error: string };

/**
 * Routes the control API: `GET /` shows the layout and modes; `POST /idcs/<idc>/<mode>` and
 * `POST /endpoints/<id>/<mode>` switch them (mode: up, refused, reset or hang).
 */
export function controlRoute(method: string, path: string): ControlRoute {
  const parts = path.split('?')[0].split('/').filter(Boolean);
  if (parts.length === 0) return method === 'GET' ? { kind: 'layout' } : { status: 405, error: 'use GET /' };
  const [scope, name, mode] = parts;
  if (parts.length !== 3 || (scope !== 'idcs' && scope !== 'endpoints'))
    return { status: 404, error: 'expected /idcs/<idc>/<mode> or /endpoints/<id>/<mode>' };
  if (method !== 'POST') return { status: 405, error: 'use POST' };
  if (!MODES.includes(mode as ModeInput))
    return { status: 400, error: `unknown mode "${mode}": expected one of ${MODES.join(', ')}` };
  const selector: Selector = scope === 'idcs' ? { idc: name } : { endpoint: name };
  return { kind: 'set', selector, mode: mode as ModeInput };
}
