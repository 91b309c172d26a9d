import { decrypt, deriveKey } from './secret-crypto';
import {
  isSealedForVantages,
  newProberKeyPair,
  openForVantage,
  proberPrivateKey,
  proberPublicKey,
  sealForVantages,
} from './vantage-seal';

describe('secrets sealed for vantages', () => {
  const fra = newProberKeyPair();
  const sin = newProberKeyPair();
  const sealed = sealForVantages(
    'Bearer probe-token',
    new Map([
      ['fra', proberPublicKey(fra.public)],
      ['sin', proberPublicKey(sin.public)],
    ]),
  );

  it('open with the private key of each vantage they were sealed for', () => {
    expect(isSealedForVantages(sealed)).toBe(true);
    expect(openForVantage(sealed, 'fra', proberPrivateKey(fra.private))).toBe('Bearer probe-token');
    expect(openForVantage(sealed, 'sin', proberPrivateKey(sin.private))).toBe('Bearer probe-token');
  });

  it('do not open with another vantage key, for another vantage, or with the master key', () => {
    expect(() => openForVantage(sealed, 'fra', proberPrivateKey(sin.private))).toThrow(
      'cannot open the secret sealed for fra: wrong VIGIL_PROBER_KEY',
    );
    expect(() => openForVantage(sealed, 'sha', proberPrivateKey(fra.private))).toThrow(
      'this secret is not sealed for vantage sha',
    );
    expect(() => decrypt(deriveKey('operator-secret-key'), sealed)).toThrow(/unknown format/);
    expect(sealed).not.toContain('probe-token');
  });

  it('refuse keys that are not X25519', () => {
    expect(() => proberPublicKey(fra.private)).toThrow();
    expect(() => proberPrivateKey(fra.public)).toThrow();
  });
});
