import { DEFAULT_SECRET_REF_PREFIX } from './env';
import { isWithheldSecret, proberView, readProberView, vantageResealer } from './prober-view';
import { newProberKeyPair, openForVantage, proberPrivateKey } from './vantage-seal';
import { sealSecrets } from './secrets';
import { REDACTED } from './secret-types';
import { visitSecrets } from './secret-walk';
import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

/** The base config, stored: a sealed probe header, a secretRef probe header, a sealed channel secret. */
function stored() {
  const raw = baseConfig();
  raw.services[0].checks[0].http = { headers: { Authorization: { value: 'Bearer sealed-probe-token' } } };
  raw.services[1].checks[0] = {
    name: 'tcp',
    type: 'http',
    http: { headers: { 'X-Token': { secretRef: 'VIGIL_REF_PROBE' } } },
  };
  raw.channels[0].secret = { value: 'hook-secret' };
  const validated = validateConfig(raw);
  if (!validated.ok) throw new Error(JSON.stringify(validated.details));
  const sealed = sealSecrets(validated.config, null, 'operator-secret-key');
  if (!sealed.ok) throw new Error(JSON.stringify(sealed.details));
  return sealed.config;
}

describe('proberView', () => {
  it('seals a check secret again for the vantages with a key, and withholds the others', () => {
    const sha = newProberKeyPair();
    const reseal = vantageResealer({
      VIGIL_SECRET_KEY: 'operator-secret-key',
      VIGIL_SECRET_REF_PREFIX: DEFAULT_SECRET_REF_PREFIX,
      VIGIL_PROBER_KEYS: { sha: sha.public },
    });
    const view = proberView(stored(), reseal);
    const check = view.services[0].checks[0] as unknown as {
      http: { headers: Record<string, { encrypted: string }> };
    };
    const header = check.http.headers.Authorization;
    expect(openForVantage(header.encrypted, 'sha', proberPrivateKey(sha.private))).toBe(
      'Bearer sealed-probe-token',
    );
    expect(() => openForVantage(header.encrypted, 'bjs', proberPrivateKey(sha.private))).toThrow(
      'not sealed for vantage bjs',
    );
    expect(JSON.stringify(view)).not.toContain('sealed-probe-token');
  });

  it('withholds every sealed secret without prober keys or without the master key', () => {
    const keys = { sha: newProberKeyPair().public };
    const env = { VIGIL_SECRET_REF_PREFIX: DEFAULT_SECRET_REF_PREFIX };
    expect(vantageResealer({ ...env, VIGIL_SECRET_KEY: 'operator-secret-key' })).toBeUndefined();
    expect(vantageResealer({ ...env, VIGIL_PROBER_KEYS: keys })).toBeUndefined();
  });

  it('carries no secret but secretRefs: sealed ones are withheld', () => {
    const config = stored();
    const text = JSON.stringify(proberView(config));
    expect(text).not.toContain('encrypted');
    expect(text).not.toContain('sealed-probe-token');
    const forms: unknown[] = [];
    visitSecrets(proberView(config), (secret) => forms.push(secret));
    expect(forms).toEqual([{ value: REDACTED }, { secretRef: 'VIGIL_REF_PROBE' }]);
  });

  it('keeps what a prober uses and leaves out rules, channels and traffic managers', () => {
    const view = proberView(stored());
    expect(Object.keys(view).sort()).toEqual(['apiVersion', 'idcs', 'services']);
    expect(view.services.map((s) => Object.keys(s))).not.toContainEqual(
      expect.arrayContaining(['trafficManager']),
    );
    expect(view.services[0].endpoints).toEqual(stored().services[0].endpoints);
  });

  it('reads back with the current defaults and withheld secrets told apart', () => {
    const errors: string[] = [];
    const read = readProberView(JSON.parse(JSON.stringify(proberView(stored()))), (m) => errors.push(m));
    expect(errors).toEqual([]);
    const { interval, timeout } = stored().services[0].checks[0];
    expect(read.services[0].checks[0]).toMatchObject({ name: 'http', type: 'http', interval, timeout });
    expect(read.rules).toEqual([]);
    const secrets: boolean[] = [];
    visitSecrets(read, (secret) => secrets.push(isWithheldSecret(secret)));
    expect(secrets).toEqual([true, false]);
  });
});
