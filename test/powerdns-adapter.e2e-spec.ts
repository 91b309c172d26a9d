import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { request } from 'undici';
import { PowerDnsAdapter, type PowerDnsAdapterOptions, type WeightChange } from '@libs/traffic';
import { resolveMany, startPowerDns, type PowerDnsUnderTest } from './support/powerdns';

// Ports 27530-27559: the PowerDNS under test, one with LUA records off, and stand-ins for a broken API.
const DNS_PORT = 27530;
const API_PORT = 27531;
const LUA_OFF_DNS_PORT = 27532;
const LUA_OFF_API_PORT = 27533;
const REFUSING_PORT = 27539;
const HANGING_PORT = 27540;
const FLAKY_PORT = 27541;

const API_KEY = 'e2e-pdns-key-5f1c';
const ZONE = 'example.org.';
const addresses = { sha: ['192.0.2.1'], bj: ['192.0.2.2'], gz: ['192.0.2.4', '192.0.2.3'] };
const idcOf: Record<string, string> = {
  '192.0.2.1': 'sha',
  '192.0.2.2': 'bj',
  '192.0.2.3': 'gz',
  '192.0.2.4': 'gz',
};

let pdns: PowerDnsUnderTest;

beforeAll(async () => {
  pdns = await startPowerDns({ dnsPort: DNS_PORT, apiPort: API_PORT, apiKey: API_KEY, zone: ZONE });
});

afterAll(async () => {
  await pdns?.stop();
});

function adapter(overrides: Partial<PowerDnsAdapterOptions> = {}): PowerDnsAdapter {
  return new PowerDnsAdapter({
    url: pdns.apiUrl,
    apiKey: API_KEY,
    serverId: 'localhost',
    zone: ZONE,
    name: `live.${ZONE}`,
    recordType: 'A',
    selector: 'pickwrandom',
    ttlSeconds: 45,
    addresses,
    timeoutMs: 2000,
    ...overrides,
  });
}

function change(weights: Record<string, number>, step = 1): WeightChange {
  return {
    service: 'edge',
    weights,
    actionId: 'act-1',
    step,
    idempotencyKey: `act-1/${step}`,
    fencingToken: 7,
  };
}

/**
 * The LUA rrset of `name` as the API has it (TTL and records), read with the right key, independent of
 * the adapter; undefined when there is none. (4.7 also lists every name's comments as empty rrsets.)
 */
async function rrset(name: string): Promise<{ ttl: number; records: unknown[] } | undefined> {
  const url = `${pdns.apiUrl}/api/v1/servers/localhost/zones/${ZONE}?rrset_name=${name}&rrset_type=LUA`;
  const res = await request(url, { headers: { 'x-api-key': API_KEY } });
  const zone = (await res.body.json()) as { rrsets: { name: string; ttl: number; records: unknown[] }[] };
  const found = zone.rrsets.find((r) => r.name === name && r.records.length > 0);
  return found && { ttl: found.ttl, records: found.records };
}

/** Answers per IDC, in percent of `n` queries. */
async function mixOf(name: string, n: number): Promise<Record<string, number>> {
  const counts = await resolveMany(name, n, pdns.dnsAddress);
  const percent: Record<string, number> = { sha: 0, bj: 0, gz: 0 };
  for (const [address, count] of Object.entries(counts)) percent[idcOf[address]] += (count * 100) / n;
  return percent;
}

function expectWithin(read: Awaited<ReturnType<PowerDnsAdapter['read']>>, weights: Record<string, number>) {
  if (!read.ok) throw new Error(read.detail);
  for (const [idc, weight] of Object.entries(weights)) {
    expect(Math.abs(read.weights[idc] - weight)).toBeLessThanOrEqual(read.tolerance);
  }
}

describe('PowerDnsAdapter against a real PowerDNS', () => {
  it('checks the API, the key, the zone and LUA records', async () => {
    const checked = await adapter({ name: `check.${ZONE}` }).check();
    expect(checked.ok).toBe(true);
    expect(checked.detail).toMatch(
      /^PowerDNS 4\.\d+\.\d+ at http:\/\/127\.0\.0\.1:27531: zone example\.org\. found/,
    );
    expect(checked.detail).toContain(`LUA records enabled, check.${ZONE} LUA not written yet`);
  });

  it('applies weights in one PATCH, reads them back, and DNS answers follow them', async () => {
    const dns = adapter();
    const applied = await dns.apply(change({ sha: 50, bj: 30, gz: 20 }));
    expect(applied).toMatchObject({ ok: true, attempts: 1, status: 204 });
    const written = await rrset(`live.${ZONE}`);
    expect(written?.ttl).toBe(45);
    expect(written?.records).toEqual([
      {
        content: `A "pickwrandom({{3000,'192.0.2.2'},{1000,'192.0.2.3'},{1000,'192.0.2.4'},{5000,'192.0.2.1'}})"`,
        disabled: false,
      },
    ]);
    const read = await dns.read();
    expectWithin(read, { sha: 50, bj: 30, gz: 20 });
    expect(read).toMatchObject({ drained: [], detail: expect.stringMatching(/; ttl 45s$/) });
    expect(await adapter({ ttlSeconds: 30 }).read()).toMatchObject({
      detail: expect.stringMatching(/; ttl 45s \(config says 30s\)$/),
    });

    // 2,000 queries: each IDC's share has a standard deviation ≤ 1.12 points, so ±5 is > 4.4 sd.
    const mix = await mixOf(`live.${ZONE}`, 2000);
    expect(Math.abs(mix.sha - 50)).toBeLessThanOrEqual(5);
    expect(Math.abs(mix.bj - 30)).toBeLessThanOrEqual(5);
    expect(Math.abs(mix.gz - 20)).toBeLessThanOrEqual(5);
  });

  it('drains an IDC at 0: its address is never answered', async () => {
    const dns = adapter();
    expect(await dns.apply(change({ sha: 0, bj: 50, gz: 50 }, 2))).toMatchObject({ ok: true, attempts: 1 });
    expectWithin(await dns.read(), { sha: 0, bj: 50, gz: 50 });
    const counts = await resolveMany(`live.${ZONE}`, 300, pdns.dnsAddress);
    expect(counts['192.0.2.1']).toBeUndefined();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('applies the same key twice harmlessly', async () => {
    const dns = adapter({ name: `twice.${ZONE}` });
    const step = change({ sha: 20, bj: 40, gz: 40 }, 3);
    expect(await dns.apply(step)).toMatchObject({ ok: true });
    const first = await rrset(`twice.${ZONE}`);
    expect(first).toBeDefined();
    expect(await dns.apply(step)).toMatchObject({ ok: true });
    expect(await rrset(`twice.${ZONE}`)).toEqual(first);
    expectWithin(await dns.read(), { sha: 20, bj: 40, gz: 40 });
  });

  it('with pickwhashed, answers one resolver always the same, different resolvers differently', async () => {
    const dns = adapter({ name: `sticky.${ZONE}`, selector: 'pickwhashed' });
    expect(await dns.apply(change({ sha: 50, bj: 30, gz: 20 }))).toMatchObject({ ok: true });
    expect(Object.keys(await resolveMany(`sticky.${ZONE}`, 50, pdns.dnsAddress))).toHaveLength(1);
    const answers = new Set<string>();
    for (let host = 10; host < 26; host++) {
      const counts = await resolveMany(`sticky.${ZONE}`, 5, pdns.dnsAddress, {
        localAddress: `127.0.0.${host}`,
      });
      expect(Object.keys(counts)).toHaveLength(1);
      answers.add(Object.keys(counts)[0]);
    }
    // 16 resolvers all hashed to one IDC would happen with a probability below 1e-4.
    expect(answers.size).toBeGreaterThan(1);
  });

  it('answers AAAA from IPv6 addresses', async () => {
    const v6 = { sha: ['2001:DB8::1'], bj: ['::1'] };
    const dns = adapter({ name: `v6.${ZONE}`, recordType: 'AAAA', addresses: v6 });
    expect(await dns.apply(change({ sha: 70, bj: 30 }))).toMatchObject({ ok: true });
    expectWithin(await dns.read(), { sha: 70, bj: 30 });
    const counts = await resolveMany(`v6.${ZONE}`, 200, pdns.dnsAddress, { type: 'AAAA' });
    expect(Object.keys(counts).sort()).toEqual(['2001:db8::1', '::1']);
  });

  it('fails at once on a bad API key, naming 401 and never the key; the record is unchanged', async () => {
    const before = await rrset(`live.${ZONE}`);
    expect(before).toBeDefined();
    const wrongKey = 'wrong-key-3b9d7e';
    const dns = adapter({ apiKey: wrongKey });
    const applied = await dns.apply(change({ sha: 100, bj: 0, gz: 0 }, 4));
    expect(applied).toMatchObject({ ok: false, attempts: 1, status: 401 });
    expect(applied.uncertain).toBeUndefined();
    expect(applied.detail).toContain('HTTP 401 (the API key was refused)');
    const read = await dns.read();
    const checked = await dns.check();
    expect(read).toMatchObject({ ok: false, detail: expect.stringContaining('HTTP 401') });
    expect(checked).toMatchObject({ ok: false, detail: expect.stringContaining('HTTP 401') });
    for (const detail of [applied.detail, read.detail, checked.detail]) {
      expect(detail).not.toContain(wrongKey);
      expect(detail).not.toContain(API_KEY);
    }
    expect(await rrset(`live.${ZONE}`)).toEqual(before);
  });

  it('fails clearly on an unknown zone', async () => {
    const dns = adapter({ zone: 'nope.example.', name: 'live.nope.example.' });
    expect(await dns.check()).toEqual({
      ok: false,
      detail: `${pdns.apiUrl}: HTTP 404: zone nope.example. not found on server localhost`,
    });
    const applied = await dns.apply(change({ sha: 100, bj: 0, gz: 0 }));
    expect(applied).toMatchObject({
      ok: false,
      attempts: 1,
      status: 404,
      detail: 'HTTP 404: zone nope.example. not found on server localhost (attempt 1 of 3, not retried)',
    });
    expect(applied.uncertain).toBeUndefined();
  });

  it("fails at once on a 422, with the server's error", async () => {
    const patch = await request(`${pdns.apiUrl}/api/v1/servers/localhost/zones/${ZONE}`, {
      method: 'PATCH',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        rrsets: [
          {
            name: `alias.${ZONE}`,
            type: 'CNAME',
            ttl: 60,
            changetype: 'REPLACE',
            records: [{ content: `live.${ZONE}`, disabled: false }],
          },
        ],
      }),
    });
    await patch.body.text();
    expect(patch.statusCode).toBe(204);
    const applied = await adapter({ name: `alias.${ZONE}` }).apply(change({ sha: 100, bj: 0, gz: 0 }));
    expect(applied).toMatchObject({ ok: false, attempts: 1, status: 422 });
    expect(applied.detail).toBe(
      `HTTP 422: RRset alias.${ZONE} IN LUA: Conflicts with pre-existing RRset (attempt 1 of 3, not retried)`,
    );
    expect(await rrset(`alias.${ZONE}`)).toBeUndefined();
  });

  it('says when LUA records are disabled on the server', async () => {
    const off = await startPowerDns({
      dnsPort: LUA_OFF_DNS_PORT,
      apiPort: LUA_OFF_API_PORT,
      apiKey: API_KEY,
      zone: ZONE,
      settings: { 'enable-lua-records': 'no' },
    });
    try {
      expect(await adapter({ url: off.apiUrl }).check()).toEqual({
        ok: false,
        detail: expect.stringMatching(/: LUA records are disabled on the server \(enable-lua-records\)$/),
      });
    } finally {
      await off.stop();
    }
  });

  it('sends nothing when the fence says no', async () => {
    let asked = 0;
    const dns = adapter({ name: `fenced.${ZONE}` });
    const result = await dns.apply(change({ sha: 100, bj: 0, gz: 0 }), undefined, () => {
      asked++;
      return Promise.resolve(false);
    });
    expect(result).toEqual({
      ok: false,
      attempts: 0,
      fenced: true,
      detail: 'not sent: this controller no longer leads (fenced)',
    });
    expect(asked).toBe(1);
    expect(await rrset(`fenced.${ZONE}`)).toBeUndefined();
    expect(await dns.read()).toEqual({
      ok: false,
      detail: `fenced.${ZONE} LUA on ${pdns.apiUrl}: no such record`,
    });
  });

  it('gives up within the deadline when the API refuses connections, not uncertain', async () => {
    const dns = adapter({ url: `http://127.0.0.1:${REFUSING_PORT}`, backoffBaseMs: 50, deadlineMs: 3000 });
    const started = Date.now();
    const result = await dns.apply(change({ sha: 100, bj: 0, gz: 0 }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ ok: false, attempts: 3, detail: expect.stringContaining('ECONNREFUSED') });
    expect(result.uncertain).toBeUndefined();
    expect(await dns.check()).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
  });

  it('is uncertain when the API took the request and never answered', async () => {
    const sockets = new Set<Socket>();
    const hanging: TcpServer = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => hanging.listen(HANGING_PORT, '127.0.0.1', resolve));
    try {
      const dns = adapter({
        url: `http://127.0.0.1:${HANGING_PORT}`,
        timeoutMs: 300,
        maxAttempts: 2,
        backoffBaseMs: 50,
      });
      const started = Date.now();
      const result = await dns.apply(change({ sha: 100, bj: 0, gz: 0 }));
      const elapsed = Date.now() - started;
      expect(result).toMatchObject({ ok: false, attempts: 2, uncertain: true });
      expect(result.detail).toMatch(/^timeout: no complete answer in time \(attempt 2 of 2, giving up\)$/);
      expect(elapsed).toBeGreaterThanOrEqual(600);
      expect(elapsed).toBeLessThan(5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  it('retries a 5xx and lands the change on the next attempt', async () => {
    let requests = 0;
    const flaky: HttpServer = createHttpServer((req, res) => {
      requests++;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (requests === 1) {
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"backend busy"}');
          return;
        }
        // Later requests go through to the real server, key and body unchanged.
        void request(`${pdns.apiUrl}${req.url}`, {
          method: req.method as 'PATCH',
          headers: { 'x-api-key': String(req.headers['x-api-key']), 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        }).then(async (upstream) => res.writeHead(upstream.statusCode).end(await upstream.body.text()));
      });
    });
    await new Promise<void>((resolve) => flaky.listen(FLAKY_PORT, '127.0.0.1', resolve));
    try {
      const logged: string[] = [];
      const dns = adapter({
        url: `http://127.0.0.1:${FLAKY_PORT}`,
        name: `flaky.${ZONE}`,
        backoffBaseMs: 50,
        log: (message, fields) => logged.push(`${message} ${JSON.stringify(fields)}`),
      });
      expect(await dns.apply(change({ sha: 10, bj: 10, gz: 80 }))).toMatchObject({
        ok: true,
        attempts: 2,
        status: 204,
      });
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain('HTTP 503: backend busy');
      expect(logged[0]).not.toContain(API_KEY);
      expectWithin(await adapter({ name: `flaky.${ZONE}` }).read(), { sha: 10, bj: 10, gz: 80 });
    } finally {
      await new Promise((resolve) => flaky.close(resolve));
    }
  });

  it('reads a record Vigil did not write, or with an unknown address, as not ok', async () => {
    const dns = adapter();
    const other = adapter({ addresses: { sha: ['192.0.2.1'], bj: ['192.0.2.2'] } });
    expect(await other.read()).toEqual({
      ok: false,
      detail: `live.${ZONE} LUA on ${pdns.apiUrl}: 192.0.2.3, 192.0.2.4 are not an address of any IDC in the config`,
    });
    const patch = await request(`${pdns.apiUrl}/api/v1/servers/localhost/zones/${ZONE}`, {
      method: 'PATCH',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        rrsets: [
          {
            name: `live.${ZONE}`,
            type: 'LUA',
            ttl: 45,
            changetype: 'REPLACE',
            records: [{ content: `A "ifportup(443, {'192.0.2.1', '192.0.2.2'})"`, disabled: false }],
          },
        ],
      }),
    });
    await patch.body.text();
    expect(patch.statusCode).toBe(204);
    expect(await dns.read()).toEqual({
      ok: false,
      detail: expect.stringContaining(`live.${ZONE} LUA on ${pdns.apiUrl}: not a record written by Vigil`),
    });
    expect(await dns.check()).toMatchObject({
      ok: true,
      detail: expect.stringContaining(
        `live.${ZONE} LUA present in another format (the first shift replaces it)`,
      ),
    });
  });
});
