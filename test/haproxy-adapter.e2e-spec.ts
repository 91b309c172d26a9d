import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AdapterEndpoint, WeightChange } from '../libs/traffic/src/adapter';
import { HaproxyAdapter, type HaproxyAdapterOptions } from '../libs/traffic/src/haproxy/haproxy-adapter';
import { parseServersState, type ServerState } from '../libs/traffic/src/haproxy/runtime-api';
import { startHaproxy, type RunningHaproxy } from './support/haproxy';

// Ports (27500-27529): 27501-27506 HTTP servers, 27510/27511 HAProxy A (frontend, admin TCP),
// 27516 A's operator-level socket, 27512 HAProxy B, 27513 a listener that never answers, 27514 nothing, 27515 a static-rr HAProxy.
const endpoints: AdapterEndpoint[] = [
  { name: 'sha-1', idc: 'sha', capacity: 1 },
  { name: 'sha-2', idc: 'sha', capacity: 1 },
  { name: 'bj-1', idc: 'bj', capacity: 1 },
  { name: 'bj-2', idc: 'bj', capacity: 2 },
  { name: 'gz-1', idc: 'gz', capacity: 1 },
  { name: 'gz-2', idc: 'gz', capacity: 1 },
];
/** gz-2's server is named differently, through the `servers` map. */
const serverNames: Record<string, string> = { 'gz-2': 'gz-b' };
const serverOf = (endpoint: string) => serverNames[endpoint] ?? endpoint;
const servers = endpoints.map((e, i) => ({ name: serverOf(e.name), address: `127.0.0.1:${27501 + i}` }));

let a: RunningHaproxy;
let b: RunningHaproxy;
let staticRr: RunningHaproxy;
const backends: HttpServer[] = [];
let silent: TcpServer;
const silentSockets = new Set<Socket>();
let step = 0;

function change(weights: Record<string, number>, drained?: string[]): WeightChange {
  step++;
  return {
    service: 'live',
    weights,
    actionId: 'act-1',
    step,
    idempotencyKey: `act-1/${step}`,
    ...(drained === undefined ? {} : { drained }),
  };
}

function adapter(overrides: Partial<HaproxyAdapterOptions> = {}): HaproxyAdapter {
  return new HaproxyAdapter({
    runtimeApi: [a.runtimeApi[1], b.runtimeApi[0]], // A over TCP, B over its unix socket
    backend: 'be_live',
    endpoints,
    servers: serverNames,
    timeoutMs: 2000,
    ...overrides,
  });
}

/** `show servers state be_live` straight from an instance, by server name. */
async function state(haproxy: RunningHaproxy): Promise<Record<string, ServerState>> {
  const rows = parseServersState(await haproxy.command('show servers state be_live'));
  return Object.fromEntries(rows.map((r) => [r.name, r]));
}
async function weightsOf(haproxy: RunningHaproxy): Promise<Record<string, number>> {
  return Object.fromEntries(Object.values(await state(haproxy)).map((s) => [s.name, s.userWeight]));
}

/** Which server answered each of `n` requests through the frontend. */
async function landings(haproxy: RunningHaproxy, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await fetch(haproxy.frontendUrl);
    expect(res.status).toBe(200);
    const name = res.headers.get('x-server') ?? '?';
    counts[name] = (counts[name] ?? 0) + 1;
    await res.text();
  }
  return counts;
}

beforeAll(async () => {
  for (const [i, s] of servers.entries()) {
    const server = createHttpServer((_req, res) => res.writeHead(200, { 'x-server': s.name }).end(s.name));
    await new Promise<void>((resolve) => server.listen(27501 + i, '127.0.0.1', resolve));
    backends.push(server);
  }
  silent = createTcpServer((socket) => silentSockets.add(socket)); // accepts, never answers
  await new Promise<void>((resolve) => silent.listen(27513, '127.0.0.1', resolve));
  const others = { be_other: [{ name: 'stranger', address: '127.0.0.1:27509' }] };
  [a, b, staticRr] = await Promise.all([
    startHaproxy({
      frontendPort: 27510,
      adminTcpPort: 27511,
      operatorTcpPort: 27516,
      backend: 'be_live',
      servers,
      extraBackends: others,
    }),
    startHaproxy({ frontendPort: 27512, backend: 'be_live', servers }),
    startHaproxy({ frontendPort: 27515, backend: 'be_live', servers, balance: 'static-rr' }),
  ]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), staticRr?.stop()]);
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await Promise.all(backends.map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('HaproxyAdapter against real HAProxy 2.6', () => {
  it('check() passes when both instances have the backend and every server', async () => {
    const result = await adapter().check();
    expect(result).toEqual({ ok: true, detail: expect.stringContaining('2 instance(s) at admin level') });
  });

  it('sets the weights on both instances, split by capacity, and reads the IDC shares back', async () => {
    const result = await adapter().apply(change({ sha: 50, bj: 30, gz: 20 }));
    expect(result).toMatchObject({ ok: true, attempts: 2, appliedAt: expect.any(Number) });
    // sha 25+25, bj 10+20, gz 10+10, scaled by 256/25.
    const want = { 'sha-1': 256, 'sha-2': 256, 'bj-1': 102, 'bj-2': 205, 'gz-1': 102, 'gz-b': 102 };
    expect(await weightsOf(a)).toEqual(want);
    expect(await weightsOf(b)).toEqual(want);
    const read = await adapter().read();
    if (!read.ok) throw new Error(read.detail);
    expect(read.drained).toEqual([]);
    expect(read.tolerance).toBeGreaterThan(0);
    expect(read.tolerance).toBeLessThan(1);
    expect(Math.abs(read.weights.sha - 50)).toBeLessThanOrEqual(read.tolerance);
    expect(Math.abs(read.weights.bj - 30)).toBeLessThanOrEqual(read.tolerance);
    expect(Math.abs(read.weights.gz - 20)).toBeLessThanOrEqual(read.tolerance);
  });

  it('applies the same change twice harmlessly', async () => {
    const req = change({ sha: 0, bj: 50, gz: 50 });
    expect(await adapter().apply(req)).toMatchObject({ ok: true, attempts: 2 });
    const first = await weightsOf(a);
    expect(await adapter().apply(req)).toMatchObject({ ok: true, attempts: 2 });
    expect(await weightsOf(a)).toEqual(first);
    expect(await weightsOf(b)).toEqual(first);
    expect(first).toMatchObject({ 'sha-1': 0, 'sha-2': 0, 'bj-2': 256, 'gz-1': 192 });
  });

  it('drains an endpoint and takes it back, on both instances', async () => {
    expect(await adapter().apply(change({ sha: 50, bj: 25, gz: 25 }, ['sha-1']))).toMatchObject({ ok: true });
    for (const h of [a, b]) expect((await state(h))['sha-1'].adminState).toBe(8);
    const read = await adapter().read();
    expect(read).toMatchObject({ ok: true, drained: ['sha-1'] });
    // Drain leaves the weight (shares ignore drain).
    expect((await state(a))['sha-1'].userWeight).toBe(256);

    expect(await adapter().apply(change({ sha: 50, bj: 25, gz: 25 }, []))).toMatchObject({ ok: true });
    for (const h of [a, b]) expect((await state(h))['sha-1'].adminState).toBe(0);
    expect(await adapter().read()).toMatchObject({ ok: true, drained: [] });
  });

  it("leaves an operator's maintenance alone when draining and undraining", async () => {
    await a.command('set server be_live/sha-2 state maint');
    try {
      const drain = await adapter().apply(change({ sha: 50, bj: 25, gz: 25 }, ['sha-2']));
      expect(drain).toMatchObject({
        ok: true,
        detail: expect.stringContaining(`in maintenance, drain left as is: sha-2 (${a.runtimeApi[1]})`),
      });
      expect((await state(a))['sha-2'].adminState).toBe(1); // still MAINT on A
      expect((await state(b))['sha-2'].adminState).toBe(8); // drained on B
      expect(await adapter().apply(change({ sha: 50, bj: 25, gz: 25 }, []))).toMatchObject({ ok: true });
      expect((await state(a))['sha-2'].adminState).toBe(1);
      expect((await state(b))['sha-2'].adminState).toBe(0);
    } finally {
      await a.command('set server be_live/sha-2 state ready');
    }
  });

  it('refuses an IDC with weight but no server, sending nothing', async () => {
    await adapter().apply(change({ sha: 100 }));
    const before = await weightsOf(a);
    const result = await adapter().apply(change({ sha: 50, hk: 50 }));
    expect(result).toEqual({ ok: false, attempts: 0, detail: 'no endpoint in hk to take its weight' });
    expect(await weightsOf(a)).toEqual(before);
  });

  it('catches an unknown server or backend in check() and apply(), writing nothing', async () => {
    await adapter().apply(change({ sha: 100 }));
    const before = await weightsOf(a);
    const unknownServer = adapter({ endpoints: [...endpoints, { name: 'sha-9', idc: 'sha', capacity: 1 }] });
    const missing = 'backend be_live has no server sha-9 (endpoint sha-9)';
    const check = await unknownServer.check();
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(`tcp://127.0.0.1:27511: ${missing}`);
    expect(check.detail).toContain(`unix:${b.socketPath}: ${missing}`);
    const apply = await unknownServer.apply(change({ sha: 0, bj: 50, gz: 50 }));
    expect(apply).toMatchObject({ ok: false, attempts: 0, detail: expect.stringContaining(missing) });
    expect(await unknownServer.read()).toMatchObject({ ok: false, detail: expect.stringContaining(missing) });

    const unknownBackend = adapter({ backend: 'be_nope' });
    expect(await unknownBackend.check()).toMatchObject({
      ok: false,
      detail: expect.stringContaining("backend be_nope: Can't find backend."),
    });
    expect(await unknownBackend.apply(change({ sha: 0, bj: 50, gz: 50 }))).toMatchObject({
      ok: false,
      attempts: 0,
    });
    expect(await weightsOf(a)).toEqual(before);
    expect(await weightsOf(b)).toEqual(before);
  });

  it('reports a backend whose balance cannot change weights at runtime', async () => {
    const result = await adapter({ runtimeApi: staticRr.runtimeApi }).check();
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining('uses balance static-rr') });
  });

  it('refuses a Runtime API below level admin, writing nothing', async () => {
    const operator = adapter({ runtimeApi: ['tcp://127.0.0.1:27516'] });
    const level = 'tcp://127.0.0.1:27516: the Runtime API is at level operator; changes need level admin';
    expect(await operator.check()).toEqual({ ok: false, detail: level });
    const before = await weightsOf(a);
    expect(await operator.apply(change({ gz: 100 }))).toEqual({
      ok: false,
      attempts: 0,
      detail: `nothing written: ${level}`,
    });
    expect(await weightsOf(a)).toEqual(before);
    // Reading needs no admin level.
    expect(await operator.read()).toMatchObject({ ok: true });
  });

  it('settles soon after the signal aborts, with nothing sent', async () => {
    const silentOne = adapter({ runtimeApi: ['tcp://127.0.0.1:27513'], timeoutMs: 30_000 });
    const controller = new AbortController();
    const pending = silentOne.apply(change({ sha: 100 }), controller.signal);
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toEqual({
      ok: false,
      attempts: 0,
      detail: 'nothing written: tcp://127.0.0.1:27513: aborted',
    });
  });

  it('fails clearly and in time when an instance is unreachable or silent', async () => {
    const refused = adapter({ runtimeApi: ['tcp://127.0.0.1:27514'] });
    const result = await refused.apply(change({ sha: 100 }));
    expect(result).toEqual({
      ok: false,
      attempts: 0,
      detail: 'nothing written: tcp://127.0.0.1:27514: connect ECONNREFUSED 127.0.0.1:27514',
    });
    expect(await adapter({ runtimeApi: ['unix:/nonexistent/admin.sock'] }).read()).toMatchObject({
      ok: false,
      detail: expect.stringContaining('ENOENT'),
    });

    const silentOne = adapter({ runtimeApi: ['tcp://127.0.0.1:27513'], timeoutMs: 300 });
    const started = Date.now();
    expect(await silentOne.check()).toEqual({
      ok: false,
      detail: 'tcp://127.0.0.1:27513: timeout: no complete answer within 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('sends nothing once the fence says no, and reports instances that differ', async () => {
    await adapter().apply(change({ sha: 100 }));
    const before = await weightsOf(a);
    const fenced = await adapter().apply(change({ gz: 100 }), undefined, () => Promise.resolve(false));
    expect(fenced).toMatchObject({ ok: false, attempts: 0, fenced: true });
    expect(fenced.uncertain).toBeUndefined();
    expect(await weightsOf(a)).toEqual(before);

    let asked = 0;
    const halfway = await adapter().apply(change({ gz: 100 }), undefined, () =>
      Promise.resolve(asked++ === 0),
    );
    expect(halfway).toMatchObject({ ok: false, attempts: 1, fenced: true, uncertain: true });
    expect(await weightsOf(a)).toMatchObject({ 'sha-1': 0, 'gz-1': 256 });
    expect(await weightsOf(b)).toEqual(before);
    const read = await adapter().read();
    expect(read).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^HAProxy instances differ: unix:\S+ has bj 0%, gz 0%, sha 100%/),
    });
    // A retry of the same step re-sends the absolute weights: both instances agree again.
    expect(await adapter().apply({ ...change({ gz: 100 }), idempotencyKey: 'retry' })).toMatchObject({
      ok: true,
    });
    const healed = await adapter().read();
    expect(healed).toMatchObject({ ok: true, weights: { sha: 0, bj: 0, gz: 100 } });
  });

  it('does nothing when the signal was aborted before sending', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await adapter().apply(change({ sha: 100 }), controller.signal)).toMatchObject({
      ok: false,
      attempts: 0,
    });
  });

  it('moves real traffic: at 100/0/0 every request lands in that IDC', async () => {
    expect(await adapter().apply(change({ sha: 0, bj: 100, gz: 0 }))).toMatchObject({ ok: true });
    const toBj = await landings(a, 30);
    expect(Object.keys(toBj).sort()).toEqual(['bj-1', 'bj-2']);
    expect(toBj['bj-2']).toBeGreaterThan(toBj['bj-1']); // capacity 2 vs 1

    expect(await adapter().apply(change({ sha: 0, bj: 0, gz: 100 }))).toMatchObject({ ok: true });
    const toGz = await landings(b, 20);
    expect(Object.keys(toGz).sort()).toEqual(['gz-1', 'gz-b']);
  });
});
