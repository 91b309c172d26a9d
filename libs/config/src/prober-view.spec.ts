import { isWithheldSecret, proberView, readProberView } from './prober-view';
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
