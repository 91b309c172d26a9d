import { sealSecrets } from './secrets';
import { baseConfig } from './spec-fixtures';
import { withCurrentDefaults } from './stored';
import { validateConfig } from './validate';

/** A config as the api stores it: validated, defaults applied, secrets sealed, through JSON. */
function stored(): any {
  const validated = validateConfig(baseConfig());
  if (!validated.ok) throw new Error(JSON.stringify(validated.details));
  const sealed = sealSecrets(validated.config, null, 'k'.repeat(32));
  if (!sealed.ok) throw new Error(JSON.stringify(sealed.details));
  return JSON.parse(JSON.stringify(sealed.config));
}

describe('withCurrentDefaults', () => {
  it('hands a current stored document on unchanged', () => {
    const errors: string[] = [];
    expect(withCurrentDefaults(stored(), (m) => errors.push(m))).toEqual(stored());
    expect(errors).toEqual([]);
  });

  it('fills in the defaults of fields added since the document was stored', () => {
    const old = stored();
    delete old.services[0].policy.failbackBackoff;
    const config = withCurrentDefaults(old, () => undefined);
    expect(config.services[0].policy.failbackBackoff).toEqual({ window: '1h', maxHold: '1h' });
  });

  it('hands on a document the current schema refuses as stored, and says why', () => {
    const odd = stored();
    odd.services[0].policy.retired = true;
    const errors: string[] = [];
    expect(withCurrentDefaults(odd, (m) => errors.push(m))).toBe(odd);
    expect(errors).toEqual([expect.stringContaining('services.0.policy')]);
  });
});
