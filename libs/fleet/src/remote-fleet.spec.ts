import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RemoteFleet, spawnFleet } from './remote-fleet';
import { failure, httpGet } from './testing/clients';

jest.setTimeout(20_000);

describe('spawnFleet: a fleet in a child process over IPC', () => {
  let fleet: RemoteFleet;

  beforeAll(async () => {
    fleet = await spawnFleet({ idcs: 2, endpointsPerIdc: 2 });
  });
  afterAll(() => fleet.close());

  it('serves, switches modes, reports stats and its CPU time, and closes', async () => {
    expect(fleet.pid).not.toBe(process.pid);
    expect(fleet.idcs).toEqual(['sha', 'bjs']);
    expect(fleet.endpoints.map((e) => e.id)).toEqual(['sha-1', 'sha-2', 'bjs-1', 'bjs-2']);
    const [sha1, , bjs1] = fleet.endpoints;
    expect((await httpGet(sha1.url!)).body).toBe('{"status":"ok","endpoint":"sha-1"}');
    await fleet.set({ idc: 'bjs' }, 'refused');
    expect(await fleet.mode('bjs-1')).toEqual({ mode: 'down', how: 'refused' });
    expect(await failure(httpGet(bjs1.url!))).toBe('ECONNREFUSED');
    await fleet.set({ endpoint: 'sha-1' }, { mode: 'status', code: 502 });
    expect((await httpGet(sha1.url!)).status).toBe(502);
    expect(await fleet.stats('sha-1')).toMatchObject({ requests: 2, connections: 2 });
    expect(await fleet.totals()).toMatchObject({ requests: 2, connections: 2 });
    const cpu = await fleet.cpuUsage();
    expect(cpu.user + cpu.system).toBeGreaterThan(0);
    await expect(fleet.set({ endpoint: 'nope-1' }, 'up')).rejects.toThrow('unknown endpoint "nope-1"');
    expect(() => fleet.set('all', { mode: 'slow', ms: -5 })).toThrow('ms >= 0');

    await fleet.close();
    expect(await fleet.exited).toBe(0);
    expect(await failure(httpGet(sha1.url!))).toBe('ECONNREFUSED');
    await expect(fleet.totals()).rejects.toThrow('not running');
  });
});

describe('spawnFleet: lifetime', () => {
  it('the child exits when its parent disconnects', async () => {
    const fleet = await spawnFleet({ idcs: 1, endpointsPerIdc: 1 });
    fleet.child.disconnect();
    expect(await fleet.exited).toBe(0);
    expect(await failure(httpGet(fleet.endpoints[0].url!))).toBe('ECONNREFUSED');
  });

  it('the child exits when its parent is killed', async () => {
    // A parent process that spawns a fleet and prints it; the fleet inherits the parent's stdout, so
    // the pipe closes (the 'close' event) only once both the parent and the fleet have exited.
    const remoteFleet = join(__dirname, 'remote-fleet.ts');
    const script = `require(${JSON.stringify(remoteFleet)}).spawnFleet({ idcs: 1, endpointsPerIdc: 1 })
      .then((f) => process.stdout.write(JSON.stringify({ pid: f.pid, url: f.endpoints[0].url }) + '\\n'));`;
    const parent = spawn(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script],
      {
        cwd: join(__dirname, '../../..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const closed = once(parent, 'close');
    const [line] = (await once(createInterface({ input: parent.stdout! }), 'line')) as [string];
    const child = JSON.parse(line) as { pid: number; url: string };
    expect((await httpGet(child.url)).status).toBe(200);

    parent.kill('SIGKILL');
    await closed;
    expect(await failure(httpGet(child.url))).toBe('ECONNREFUSED');
  });

  it('reports a spec the child rejects (and the child is gone)', async () => {
    await expect(spawnFleet({ idcs: ['Bad_Name'], endpointsPerIdc: 1 })).rejects.toThrow('invalid IDC name');
  });
});
