import { createServer } from 'node:net';
import { Fleet, startFleet } from './fleet';
import { failure, httpGet, until } from './testing/clients';

describe('fleet: HTTP endpoints', () => {
  let fleet: Fleet;
  const url = (id: string): string => fleet.endpoints.find((e) => e.id === id)!.url!;

  beforeAll(async () => {
    fleet = await startFleet({ idcs: 3, endpointsPerIdc: 3 });
  });
  afterAll(() => fleet.close());
  beforeEach(() => fleet.set('all', 'up'));

  it('lays out 3 IDCs x 3 endpoints, each IDC on its own loopback address', () => {
    expect(fleet.idcs).toEqual(['sha', 'bjs', 'szx']);
    expect(fleet.endpoints.map((e) => e.id)).toEqual([
      ...['sha-1', 'sha-2', 'sha-3'],
      ...['bjs-1', 'bjs-2', 'bjs-3'],
      ...['szx-1', 'szx-2', 'szx-3'],
    ]);
    const bjs1 = fleet.endpoints[3];
    expect(bjs1).toMatchObject({ idc: 'bjs', kind: 'http', host: '127.0.2.1' });
    expect(bjs1.port).toBeGreaterThan(0);
    expect(bjs1.address).toBe(`127.0.2.1:${bjs1.port}`);
    expect(bjs1.url).toBe(`http://127.0.2.1:${bjs1.port}/healthz`);
  });

  it('up: 200 with a JSON body naming the endpoint, counted per endpoint', async () => {
    const before = fleet.stats('sha-2');
    const res = await fetch(url('sha-2'), { headers: { connection: 'close' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ status: 'ok', endpoint: 'sha-2' });
    expect((await httpGet(url('sha-2').replace('/healthz', '/any/path'))).status).toBe(200);
    expect(fleet.stats('sha-2')).toMatchObject({
      requests: before.requests + 2,
      connections: before.connections + 2,
    });
  });

  it('status: answers the code', async () => {
    await fleet.set({ endpoint: 'sha-1' }, { mode: 'status', code: 503 });
    const res = await httpGet(url('sha-1'));
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ status: 'error', endpoint: 'sha-1', code: 503 });
    expect((await httpGet(url('sha-2'))).status).toBe(200);
  });

  it('down/refused: nothing listens, then the same port serves again', async () => {
    await fleet.set({ endpoint: 'sha-1' }, 'refused');
    expect(fleet.mode('sha-1')).toEqual({ mode: 'down', how: 'refused' });
    expect(await failure(httpGet(url('sha-1')))).toBe('ECONNREFUSED');
    await fleet.set({ endpoint: 'sha-1' }, { mode: 'up' });
    expect((await httpGet(url('sha-1'))).status).toBe(200);
  });

  it('down/reset: accepts, then RST', async () => {
    await fleet.set({ endpoint: 'sha-1' }, { mode: 'down', how: 'reset' });
    expect(await failure(httpGet(url('sha-1')))).toBe('ECONNRESET');
  });

  it('hang: accepts and never answers (the client times out)', async () => {
    await fleet.set({ endpoint: 'sha-1' }, 'hang');
    const before = fleet.stats('sha-1').requests;
    expect(await failure(httpGet(url('sha-1'), 150))).toBe('ETIMEDOUT');
    expect(fleet.stats('sha-1').requests).toBe(before + 1);
    await until(() => fleet.stats('sha-1').open === 0); // the client gave up: the hung socket is released
  });

  it('going down resets connections that were held open (the process died)', async () => {
    await fleet.set({ endpoint: 'sha-1' }, 'hang');
    const held = httpGet(url('sha-1'), 5000);
    const requests = fleet.stats('sha-1').requests;
    await until(() => fleet.stats('sha-1').requests > requests); // the request has arrived and hangs
    await fleet.set({ endpoint: 'sha-1' }, 'reset');
    expect(await failure(held)).toBe('ECONNRESET');
  });

  it('slow: answers after at least the delay', async () => {
    await fleet.set({ endpoint: 'sha-3' }, { mode: 'slow', ms: 120 });
    const res = await httpGet(url('sha-3'));
    expect(res.status).toBe(200);
    expect(res.ms).toBeGreaterThanOrEqual(120);
  });

  it('flap: p=1 always resets, p=0 never fails', async () => {
    await fleet.set({ endpoint: 'szx-1' }, { mode: 'flap', p: 1 });
    await fleet.set({ endpoint: 'szx-2' }, { mode: 'flap', p: 0 });
    for (let i = 0; i < 5; i++) {
      expect(await failure(httpGet(url('szx-1')))).toBe('ECONNRESET');
      expect((await httpGet(url('szx-2'))).status).toBe(200);
    }
  });

  it('per IDC: switches every endpoint of one IDC and no other', async () => {
    await fleet.set({ idc: 'bjs' }, 'refused');
    for (const e of fleet.endpoints) {
      if (e.idc === 'bjs') expect(await failure(httpGet(e.url!))).toBe('ECONNREFUSED');
      else expect((await httpGet(e.url!)).status).toBe(200);
    }
  });

  it('whole fleet and lists of endpoints', async () => {
    await fleet.set('all', { mode: 'status', code: 500 });
    const all = await Promise.all(fleet.endpoints.map((e) => httpGet(e.url!)));
    expect(all.map((r) => r.status)).toEqual(Array(9).fill(500));
    await fleet.set({ endpoints: ['sha-1', 'szx-3'] }, 'up');
    expect((await httpGet(url('szx-3'))).status).toBe(200);
    expect((await httpGet(url('szx-2'))).status).toBe(500);
  });

  it('rejects unknown endpoints, IDCs and bad modes', async () => {
    await expect(fleet.set({ endpoint: 'nope-1' }, 'up')).rejects.toThrow('unknown endpoint "nope-1"');
    await expect(fleet.set({ idc: 'nope' }, 'up')).rejects.toThrow('unknown IDC "nope"');
    await expect(fleet.set('all', { mode: 'flap', p: 2 })).rejects.toThrow('probability');
    expect(() => fleet.stats('nope-1')).toThrow('unknown endpoint');
  });
});

describe('fleet: basePort and close', () => {
  it('puts endpoint j of every IDC on basePort + j of its own address, and close() frees them', async () => {
    const probe = createServer();
    const base = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.1.1', () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise((resolve) => probe.close(resolve));
    const fleet = await startFleet({ idcs: ['east', 'west'], endpointsPerIdc: 1, basePort: base });
    try {
      expect(fleet.endpoints.map((e) => e.address)).toEqual([`127.0.1.1:${base}`, `127.0.2.1:${base}`]);
      expect((await httpGet(fleet.endpoints[1].url!)).status).toBe(200);
    } finally {
      await fleet.close();
    }
    expect(await failure(httpGet(fleet.endpoints[1].url!))).toBe('ECONNREFUSED');
    await expect(fleet.set('all', 'up')).rejects.toThrow('closed');
  });
});
