import { Fleet, startFleet } from './fleet';
import { failure, tcpExchange, tlsHandshake, until } from './testing/clients';

describe('fleet: TCP endpoints', () => {
  let fleet: Fleet;
  const at = (id: string) => fleet.endpoints.find((e) => e.id === id)!;
  const ping = (id: string, timeoutMs?: number) =>
    tcpExchange(at(id).host, at(id).port, 'PING\r\n', timeoutMs);

  beforeAll(async () => {
    fleet = await startFleet({ idcs: 2, endpointsPerIdc: 2, kind: 'tcp' });
  });
  afterAll(() => fleet.close());
  beforeEach(() => fleet.set('all', 'up'));

  it('up: answers PONG to PING, counting connections and requests', async () => {
    expect(fleet.endpoints[0]).toMatchObject({ id: 'sha-1', kind: 'tcp', host: '127.0.1.1' });
    expect(fleet.endpoints[0].url).toBeUndefined();
    const before = fleet.stats('bjs-1');
    expect((await ping('bjs-1')).reply).toBe('PONG\r\n');
    expect(fleet.stats('bjs-1')).toMatchObject({
      requests: before.requests + 1,
      connections: before.connections + 1,
    });
  });

  it('refused, reset, hang, slow and flap', async () => {
    await fleet.set({ endpoint: 'sha-1' }, 'refused');
    expect(await failure(ping('sha-1'))).toBe('ECONNREFUSED');
    await fleet.set({ endpoint: 'sha-1' }, 'reset');
    expect(await failure(ping('sha-1'))).toBe('ECONNRESET');
    await fleet.set({ endpoint: 'sha-1' }, 'hang');
    expect(await failure(ping('sha-1', 100))).toBe('ETIMEDOUT');
    await until(() => fleet.stats('sha-1').open === 0); // the client gave up: the hung socket is released
    await fleet.set({ endpoint: 'sha-1' }, { mode: 'slow', ms: 80 });
    expect((await ping('sha-1')).ms).toBeGreaterThanOrEqual(80);
    await fleet.set({ endpoint: 'sha-1' }, { mode: 'flap', p: 1 });
    expect(await failure(ping('sha-1'))).toBe('ECONNRESET');
    await fleet.set({ endpoint: 'sha-1' }, { mode: 'flap', p: 0 });
    expect((await ping('sha-1')).reply).toBe('PONG\r\n');
  });

  it('per IDC', async () => {
    await fleet.set({ idc: 'sha' }, 'reset');
    expect(await failure(ping('sha-2'))).toBe('ECONNRESET');
    expect((await ping('bjs-2')).reply).toBe('PONG\r\n');
  });

  it('has a configurable request and reply', async () => {
    const custom = await startFleet({
      idcs: 1,
      endpointsPerIdc: 1,
      kind: 'tcp',
      tcp: { expect: 'HELO\n', reply: 'OK\n' },
    });
    try {
      const [e] = custom.endpoints;
      expect((await tcpExchange(e.host, e.port, 'noise HELO\n')).reply).toBe('OK\n');
    } finally {
      await custom.close();
    }
  });
});

describe('fleet: TLS endpoints', () => {
  let fleet: Fleet;
  const hostname = 'edge.fleet.test';
  const at = (id: string) => fleet.endpoints.find((e) => e.id === id)!;
  const handshake = (id: string, servername = hostname, ca = fleet.certs![at(id).idc]) =>
    tlsHandshake({ host: at(id).host, port: at(id).port, servername, ca });

  beforeAll(async () => {
    fleet = await startFleet({ idcs: 2, endpointsPerIdc: 1, kind: 'tls', tls: { hostname, days: 30 } });
  });
  afterAll(() => fleet.close());

  it('completes the handshake with the IDC certificate, then closes', async () => {
    expect(fleet.tlsHostname).toBe(hostname);
    expect(fleet.certs!.sha).not.toBe(fleet.certs!.bjs); // one certificate per IDC
    const result = await handshake('bjs-1');
    expect(result.authorized).toBe(true);
    expect(result.certificate.subject.CN).toBe(hostname);
    expect(result.certificate.subjectaltname).toContain('IP Address:127.0.2.1');
    const days = (Date.parse(result.certificate.valid_to) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(30);
    expect(fleet.stats('bjs-1')).toMatchObject({ requests: 1, connections: 1 });
  });

  it('is rejected by a client that expects another hostname or trusts another IDC', async () => {
    expect(await failure(handshake('sha-1', 'other.example'))).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await failure(handshake('sha-1', hostname, fleet.certs!.bjs))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('follows the modes per connection', async () => {
    await fleet.set({ endpoint: 'sha-1' }, 'reset');
    expect(await failure(handshake('sha-1'))).toBe('ECONNRESET');
    await fleet.set({ endpoint: 'sha-1' }, 'refused');
    expect(await failure(handshake('sha-1'))).toBe('ECONNREFUSED');
    await fleet.set({ endpoint: 'sha-1' }, { mode: 'slow', ms: 50 });
    expect((await handshake('sha-1')).authorized).toBe(true);
  });

  it('can serve an expired certificate, which the client sees', async () => {
    const expired = await startFleet({ idcs: 1, endpointsPerIdc: 1, kind: 'tls', tls: { expired: true } });
    try {
      const [e] = expired.endpoints;
      const options = { host: e.host, port: e.port, servername: expired.tlsHostname, ca: expired.certs!.sha };
      expect(await failure(tlsHandshake(options))).toBe('CERT_HAS_EXPIRED');
      const seen = await tlsHandshake({ ...options, rejectUnauthorized: false });
      expect(seen.authorized).toBe(false);
      expect(seen.authorizationError).toBe('CERT_HAS_EXPIRED');
      expect(Date.parse(seen.certificate.valid_to)).toBeLessThan(Date.now());
    } finally {
      await expired.close();
    }
  });
});
