import { csrfTokenOf, passesCsrf, type CsrfInput } from './csrf';

const key = Buffer.alloc(32, 7);
const token = csrfTokenOf(key, 'session-token');
const base: CsrfInput = { method: 'POST', header: token, origin: undefined, host: 'vigil.example:8080' };

describe('csrfTokenOf', () => {
  it('is stable for a session and differs between sessions and keys', () => {
    expect(csrfTokenOf(key, 'session-token')).toBe(token);
    expect(csrfTokenOf(key, 'other-session')).not.toBe(token);
    expect(csrfTokenOf(Buffer.alloc(32, 8), 'session-token')).not.toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('passesCsrf', () => {
  it.each<[string, Partial<CsrfInput>, boolean]>([
    ['a write with the token and no Origin', {}, true],
    ['a write with the token from its own origin', { origin: 'https://vigil.example:8080' }, true],
    ['a lower-case method name', { method: 'delete' }, true],
    ['a write without the token', { header: undefined }, false],
    ['a write with a wrong token', { header: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') }, false],
    ['a write with a shorter token', { header: token.slice(1) }, false],
    ['a write with the token twice', { header: [token, token] }, false],
    ['a write from another site', { origin: 'https://evil.example' }, false],
    ['a write from another port', { origin: 'https://vigil.example:9090' }, false],
    ['a write from an opaque origin', { origin: 'null' }, false],
    [
      'a write with no host to compare with',
      { origin: 'https://vigil.example:8080', host: undefined },
      false,
    ],
    ['a GET without anything', { method: 'GET', header: undefined, origin: 'https://evil.example' }, true],
    ['a HEAD without the token', { method: 'HEAD', header: undefined }, true],
    ['an OPTIONS without the token', { method: 'OPTIONS', header: undefined }, true],
  ])('%s', (_, change, expected) => {
    expect(passesCsrf({ ...base, ...change }, token)).toBe(expected);
  });
});
