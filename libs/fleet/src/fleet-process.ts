/**
 * Entry point of a fleet in its own process, started by spawnFleet() (remote-fleet.ts) with an IPC
 * channel: from source `node -r ts-node/register/transpile-only libs/fleet/src/fleet-process.ts`, once
 * built `node dist/libs/fleet/src/fleet-process.js`. It answers FleetRequests (ipc.ts) and exits when the
 * parent disconnects or dies, so that a crashed test or benchmark never leaves thousands of listeners.
 */
import { Fleet, startFleet } from './fleet';
import { FleetReply, FleetRequest } from './ipc';

let fleet: Fleet | undefined;
let stopping = false;

async function run(request: FleetRequest): Promise<unknown> {
  if (request.op === 'start') {
    if (fleet !== undefined) throw new Error('the fleet is already started');
    fleet = await startFleet(request.spec);
    const { kind, idcs, endpoints, certs, tlsHostname, dnsNames } = fleet;
    return { kind, idcs, endpoints, certs, tlsHostname, dnsNames, pid: process.pid };
  }
  if (request.op === 'cpu') return process.cpuUsage();
  if (fleet === undefined) throw new Error('the fleet is not started');
  switch (request.op) {
    case 'set':
      return fleet.set(request.selector, request.mode);
    case 'mode':
      return fleet.mode(request.endpoint);
    case 'stats':
      return fleet.stats(request.endpoint);
    case 'totals':
      return fleet.totals();
    case 'close':
      return fleet.close();
  }
}

function reply(message: FleetReply, then?: () => void): void {
  if (process.connected && process.send !== undefined) process.send(message, undefined, {}, () => then?.());
  else then?.();
}

async function stop(code: number): Promise<never> {
  stopping = true;
  await fleet?.close().catch(() => undefined);
  process.exit(code);
}

if (process.send === undefined) {
  process.stderr.write('fleet-process: start it with spawnFleet() (it needs an IPC channel)\n');
  process.exit(2);
}

process.on('disconnect', () => void stop(0));
process.on('message', (message: FleetRequest) => {
  if (stopping) return;
  run(message).then(
    (result) =>
      reply(
        { id: message.id, ok: true, result: result ?? null },
        message.op === 'close' ? () => void stop(0) : undefined,
      ),
    (error: unknown) =>
      reply({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
