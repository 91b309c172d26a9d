import { Resolver } from 'node:dns/promises';
import { decode, encode } from 'dns-packet';
import { answerQuery, buildZone } from './dns-endpoint';
import { Fleet, startFleet } from './fleet';
import { failure } from './testing/clients';

const zone = {
  'live.example.com': ['10.0.0.1', '10.0.0.2', '2001:db8::1'],
  'Origin.Example.com.': ['10.0.1.1'],
};

const data = (record: object): unknown => (record as { data?: unknown }).data;

describe('answerQuery', () => {
  const query = (name: string, type: 'A' | 'AAAA' | 'TXT' = 'A') =>
    decode(encode({ type: 'query', id: 7, flags: 256, questions: [{ type, name }] }));
  const answer = (name: string, type?: 'A' | 'AAAA' | 'TXT', servfail = false) =>
    decode(answerQuery(query(name, type), buildZone({ zone }), 30, servfail));

  it('answers A and AAAA records from the zone, case-insensitively', () => {
    const a = answer('LIVE.example.com');
    expect(a).toMatchObject({ id: 7, type: 'response', rcode: 'NOERROR', flag_aa: true, flag_rd: true });
    expect(a.answers!.map(data)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(answer('live.example.com', 'AAAA').answers!.map(data)).toEqual(['2001:db8::1']);
    expect(answer('origin.example.com').answers!.map(data)).toEqual(['10.0.1.1']);
  });

  it('answers NOERROR without records for other types, NXDOMAIN for unknown names, SERVFAIL on demand', () => {
    expect(answer('live.example.com', 'TXT')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(answer('nope.example.com')).toMatchObject({ rcode: 'NXDOMAIN', answers: [] });
    expect(answer('live.example.com', 'A', true)).toMatchObject({ rcode: 'SERVFAIL', answers: [] });
  });

  it('rejects a zone entry that is not an IP', () => {
    expect(() => buildZone({ zone: { 'a.example': ['not-an-ip'] } })).toThrow('not an IP');
  });
});

describe('fleet: DNS endpoints', () => {
  let fleet: Fleet;
  const resolvers: Resolver[] = [];
  const resolver = (id: string): Resolver => {
    const r = new Resolver({ timeout: 80, tries: 1 });
    r.setServers([fleet.endpoints.find((e) => e.id === id)!.address]);
    resolvers.push(r);
    return r;
  };

  beforeAll(async () => {
    fleet = await startFleet({ idcs: 2, endpointsPerIdc: 2, kind: 'dns', dns: { zone } });
  });
  afterAll(async () => {
    for (const r of resolvers) r.cancel();
    await fleet.close();
  });
  beforeEach(() => fleet.set('all', 'up'));

  it('answers A records and NXDOMAIN over UDP, counting queries', async () => {
    expect(fleet.dnsNames).toEqual(['live.example.com', 'origin.example.com']);
    expect(fleet.endpoints[2]).toMatchObject({ id: 'bjs-1', kind: 'dns', host: '127.0.2.1' });
    expect((await resolver('bjs-1').resolve4('live.example.com')).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(await failure(resolver('bjs-1').resolve4('nope.example.com'))).toBe('ENOTFOUND');
    expect(fleet.stats('bjs-1')).toEqual({ requests: 2, connections: 0, open: 0 });
  });

  it('status mode answers SERVFAIL', async () => {
    await fleet.set({ idc: 'sha' }, { mode: 'status', code: 503 });
    expect(await failure(resolver('sha-1').resolve4('live.example.com'))).toBe('ESERVFAIL');
    expect(await resolver('bjs-1').resolve4('origin.example.com')).toEqual(['10.0.1.1']);
  });

  it('hang, down/reset and flap p=1 are silent (the resolver times out); refused is ICMP-unreachable', async () => {
    await fleet.set({ endpoint: 'sha-1' }, 'hang');
    await fleet.set({ endpoint: 'sha-2' }, 'reset');
    await fleet.set({ endpoint: 'bjs-2' }, { mode: 'flap', p: 1 });
    const codes = ['sha-1', 'sha-2', 'bjs-2'].map((id) => failure(resolver(id).resolve4('live.example.com')));
    expect(await Promise.all(codes)).toEqual(['ETIMEOUT', 'ETIMEOUT', 'ETIMEOUT']);
    await fleet.set({ endpoint: 'sha-1' }, 'refused');
    expect(await failure(resolver('sha-1').resolve4('live.example.com'))).toMatch(
      /^(ECONNREFUSED|ETIMEOUT)$/,
    );
  });

  it('slow answers after at least the delay', async () => {
    await fleet.set({ endpoint: 'sha-1' }, { mode: 'slow', ms: 60 });
    const r = new Resolver({ timeout: 1000, tries: 1 });
    r.setServers([fleet.endpoints[0].address]);
    const started = performance.now();
    expect(await r.resolve4('origin.example.com')).toEqual(['10.0.1.1']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(60);
  });
});
