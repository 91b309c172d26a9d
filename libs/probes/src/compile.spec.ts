import { compileProbe } from './compile';
import { errorKindOf, ProbeTimeoutError } from './errors';
import { makeCheck, makeContext, makeEndpoint } from './test-servers';

describe('compileProbe', () => {
  it('compiles a check that cannot run into a probe failing as other', async () => {
    const check = makeCheck({ type: 'http', http: { bodyRegex: '(' } });
    const outcome = await compileProbe(check, makeEndpoint({ url: 'http://127.0.0.1:1/' }), makeContext())();
    expect(outcome).toMatchObject({ ok: false, errorKind: 'other', latencyMs: 0 });
    expect(outcome.detail).toMatch(
      /^check probe cannot run: bodyRegex is not a valid RE2 regular expression/,
    );
  });

  it('fails an endpoint without a usable address', async () => {
    const check = makeCheck({ type: 'tcp' });
    const outcome = await compileProbe(check, makeEndpoint({ address: 'no-port' }), makeContext())();
    expect(outcome).toMatchObject({
      ok: false,
      errorKind: 'other',
      detail: expect.stringContaining('no usable'),
    });
  });
});

describe('errorKindOf', () => {
  it.each([
    [new ProbeTimeoutError(5), 'timeout'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'timeout'],
    [{ code: 'UND_ERR_HEADERS_TIMEOUT' }, 'timeout'],
    [{ code: 'UND_ERR_BODY_TIMEOUT' }, 'timeout'],
    [{ name: 'AbortError' }, 'timeout'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'ECONNRESET' }, 'reset'],
    [{ code: 'EPIPE' }, 'reset'],
    [{ code: 'UND_ERR_SOCKET' }, 'reset'],
    [{ code: 'ENOTFOUND' }, 'dns'],
    [{ code: 'EAI_AGAIN' }, 'dns'],
    [{ code: 'CERT_HAS_EXPIRED' }, 'tls'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls'],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'tls'],
    [{ code: 'HPE_INVALID_CONSTANT' }, 'other'],
    [new Error('plain'), 'other'],
  ])('%j is %s', (err, kind) => {
    expect(errorKindOf(err)).toBe(kind);
  });
});
