import type { Question } from 'dns-packet';
import { compileProbe } from './compile';
import {
  makeCheck,
  makeContext,
  makeEndpoint,
  startDnsServer,
  type DnsReply,
  type TestServer,
} from './test-servers';
import type { ProbeOutcome } from './types';

const SLACK_MS = 1_000;

function zone(question: Question): DnsReply {
  const { name, type } = question;
  if (name === 'api.test' && type === 'A')
    return {
      answers: [
        { name, type: 'A', ttl: 30, data: '10.0.0.1' },
        { name, type: 'A', ttl: 30, data: '10.0.0.2' },
      ],
    };
  if (name === 'www.test' && type === 'CNAME')
    return { answers: [{ name, type: 'CNAME', ttl: 30, data: 'API.test' }] };
  if (name === 'txt.test' && type === 'TXT')
    return { answers: [{ name, type: 'TXT', ttl: 30, data: ['v=1', ' ok'] }] };
  if (name === 'broken.test') return { rcode: 'SERVFAIL' };
  if (name === 'silent.test') return 'silence';
  if (name.endsWith('.test')) return { answers: [] };
  return { rcode: 'NXDOMAIN' };
}

let server: TestServer;
beforeAll(async () => {
  server = await startDnsServer(zone);
});
afterAll(() => server.close());

function probe(dns: Record<string, string>, timeout = '1s'): Promise<ProbeOutcome> {
  const check = makeCheck({ type: 'dns', timeout, dns });
  return compileProbe(check, makeEndpoint({ address: `127.0.0.1:${server.port}` }), makeContext())();
}

describe('dns probe', () => {
  it('passes when the expected A record is among the answers', async () => {
    const outcome = await probe({ name: 'api.test', expectAnswer: '10.0.0.2' });
    expect(outcome).toMatchObject({ ok: true, detail: '10.0.0.1, 10.0.0.2' });
    expect(outcome.errorKind).toBeUndefined();
    expect(outcome.latencyMs).toBeLessThan(1_000 + SLACK_MS);
  });

  it('fails a wrong answer as dns', async () => {
    const outcome = await probe({ name: 'api.test', expectAnswer: '10.0.0.9' });
    expect(outcome).toMatchObject({
      ok: false,
      errorKind: 'dns',
      detail: '10.0.0.1, 10.0.0.2; expected 10.0.0.9',
    });
  });

  it('compares CNAME answers without case or final dot, and joins TXT chunks', async () => {
    const cname = await probe({ name: 'www.test', recordType: 'CNAME', expectAnswer: 'api.test.' });
    expect(cname).toMatchObject({ ok: true, detail: 'api.test' });
    expect(await probe({ name: 'txt.test', recordType: 'TXT', expectAnswer: 'v=1 ok' })).toMatchObject({
      ok: true,
    });
  });

  it('takes NOERROR without records as NOERROR, but not as an expected answer', async () => {
    expect(await probe({ name: 'empty.test' })).toMatchObject({ ok: true, detail: 'no answer' });
    const outcome = await probe({ name: 'empty.test', expectAnswer: '10.0.0.1' });
    expect(outcome).toMatchObject({ ok: false, errorKind: 'dns', detail: 'no answer; expected 10.0.0.1' });
  });

  it('passes NXDOMAIN when it is expected and fails it when not', async () => {
    expect(await probe({ name: 'gone.example', expectRcode: 'NXDOMAIN' })).toMatchObject({
      ok: true,
      detail: 'NXDOMAIN',
    });
    const outcome = await probe({ name: 'gone.example' });
    expect(outcome).toMatchObject({
      ok: false,
      errorKind: 'dns',
      detail: 'rcode NXDOMAIN, expected NOERROR',
    });
    const inverse = await probe({ name: 'api.test', expectRcode: 'NXDOMAIN' });
    expect(inverse).toMatchObject({
      ok: false,
      errorKind: 'dns',
      detail: 'rcode NOERROR, expected NXDOMAIN',
    });
  });

  it('reports SERVFAIL', async () => {
    const outcome = await probe({ name: 'broken.test' });
    expect(outcome).toMatchObject({
      ok: false,
      errorKind: 'dns',
      detail: 'rcode SERVFAIL, expected NOERROR',
    });
    expect(await probe({ name: 'broken.test', expectRcode: 'SERVFAIL' })).toMatchObject({ ok: true });
  });

  it('times out when the server never answers', async () => {
    const outcome = await probe({ name: 'silent.test' }, '300ms');
    expect(outcome).toMatchObject({ ok: false, errorKind: 'timeout' });
    expect(outcome.detail).toMatch(/ETIMEOUT|no answer within/);
    expect(outcome.latencyMs).toBeLessThan(300 + SLACK_MS);
  });

  it('needs an IP address as the resolver', async () => {
    const check = makeCheck({ type: 'dns', dns: { name: 'api.test' } });
    const outcome = await compileProbe(check, makeEndpoint({ address: 'ns.example:53' }), makeContext())();
    expect(outcome).toMatchObject({ ok: false, errorKind: 'other' });
    expect(outcome.detail).toContain('IP address');
  });
});
