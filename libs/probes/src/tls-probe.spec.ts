import { compileProbe } from './compile';
import {
  makeCert,
  makeCheck,
  makeContext,
  makeEndpoint,
  startTlsServer,
  type TestServer,
} from './test-servers';
import type { ProbeOutcome } from './types';

const SLACK_MS = 1_000;
let valid: TestServer;
let expiring: TestServer;
let expired: TestServer;
let otherName: TestServer;

beforeAll(async () => {
  const [validCert, expiringCert, expiredCert, otherCert] = await Promise.all([
    makeCert(['localhost'], -1, 30.5),
    makeCert(['localhost'], -1, 5.5),
    makeCert(['localhost'], -40, -3.5),
    makeCert(['other.example'], -1, 30.5),
  ]);
  [valid, expiring, expired, otherName] = await Promise.all([
    startTlsServer(validCert),
    startTlsServer(expiringCert),
    startTlsServer(expiredCert),
    startTlsServer(otherCert),
  ]);
});
afterAll(() => Promise.all([valid, expiring, expired, otherName].map((server) => server.close())));

/** The test certificates are self-signed, so the chain is only verified where a test says so. */
function probe(server: TestServer, tls: Record<string, unknown> = {}): Promise<ProbeOutcome> {
  const check = makeCheck({ type: 'tls', tls: { verifyChain: false, serverName: 'localhost', ...tls } });
  return compileProbe(check, makeEndpoint({ address: `127.0.0.1:${server.port}` }), makeContext())();
}

describe('tls probe', () => {
  it('passes a certificate valid for 30 more days with minDaysToExpiry 14', async () => {
    const outcome = await probe(valid, { minDaysToExpiry: 14 });
    expect(outcome).toMatchObject({ ok: true, certDaysLeft: 30, detail: 'certificate expires in 30 days' });
    expect(outcome.errorKind).toBeUndefined();
    expect(outcome.phases?.tlsMs).toBeGreaterThanOrEqual(outcome.phases?.connectMs ?? Infinity);
    expect(outcome.latencyMs).toBeLessThan(1_000 + SLACK_MS);
  });

  it('fails a certificate that expires soon, saying how many days are left', async () => {
    const outcome = await probe(expiring, { minDaysToExpiry: 14 });
    expect(outcome).toMatchObject({ ok: false, errorKind: 'tls', certDaysLeft: 5 });
    expect(outcome.detail).toBe('certificate expires in 5 days (minimum 14)');
  });

  it('fails an expired certificate, whether or not the chain is verified', async () => {
    const outcome = await probe(expired);
    expect(outcome).toMatchObject({
      ok: false,
      errorKind: 'tls',
      detail: 'certificate expired 3 days ago',
      certDaysLeft: -4,
    });
    expect(await probe(expired, { verifyChain: true })).toMatchObject({ ok: false, errorKind: 'tls' });
  });

  it('fails a hostname mismatch', async () => {
    const outcome = await probe(otherName);
    expect(outcome).toMatchObject({ ok: false, errorKind: 'tls' });
    expect(outcome.detail).toMatch(/^certificate does not match localhost: /);
    expect(await probe(otherName, { verifyHostname: false })).toMatchObject({ ok: true });
  });

  it('checks the name against the endpoint host without serverName (here an IP in the SANs)', async () => {
    expect(await probe(valid, { serverName: undefined })).toMatchObject({ ok: true });
  });

  it('fails an untrusted chain when verifyChain is true', async () => {
    const outcome = await probe(valid, { verifyChain: true });
    expect(outcome).toMatchObject({ ok: false, errorKind: 'tls' });
    expect(outcome.detail).toBe('certificate not trusted: DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('passes an untrusted chain with verifyChain false when the hostname matches', async () => {
    const outcome = await probe(valid, { verifyChain: false, verifyHostname: true });
    expect(outcome).toMatchObject({ ok: true, certDaysLeft: 30 });
  });
});
