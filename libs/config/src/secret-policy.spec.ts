import { loadEnv } from './env';
import { openSecret } from './secrets';
import {
  checkSecretRefs,
  DEFAULT_SECRET_REF_POLICY,
  refusedSecretRef,
  secretRefPolicy,
} from './secret-policy';
import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

describe('refusedSecretRef', () => {
  const custom = secretRefPolicy(loadEnv({ VIGIL_SECRET_REF_PREFIX: 'VIGIL_' }));

  it.each([
    ['VIGIL_REF_PROBE_TOKEN', DEFAULT_SECRET_REF_POLICY, null],
    ['VIGIL_ADMIN_TOKEN', DEFAULT_SECRET_REF_POLICY, /one of Vigil's own variables/],
    ['VIGIL_SECRET_KEY', DEFAULT_SECRET_REF_POLICY, /one of Vigil's own variables/],
    ['DATABASE_URL', DEFAULT_SECRET_REF_POLICY, /one of Vigil's own variables/],
    ['REDIS_URL', DEFAULT_SECRET_REF_POLICY, /one of Vigil's own variables/],
    ['VIGIL_SECRET_REF_PREFIX', DEFAULT_SECRET_REF_POLICY, /one of Vigil's own variables/],
    ['VIGIL_TOKEN', DEFAULT_SECRET_REF_POLICY, /one of Vigil's own variables/],
    ['AWS_SECRET_ACCESS_KEY', DEFAULT_SECRET_REF_POLICY, /must name a variable starting with "VIGIL_REF_"/],
    ['VIGIL_REF_', DEFAULT_SECRET_REF_POLICY, /must name a variable starting with "VIGIL_REF_"/],
    // A wider prefix chosen by the host's operator still never reaches Vigil's own variables.
    ['VIGIL_PROBE_TOKEN', custom, null],
    ['VIGIL_ADMIN_TOKEN', custom, /one of Vigil's own variables/],
    ['VIGIL_SECRET_KEY', custom, /one of Vigil's own variables/],
  ])('%s', (name, policy, expected) => {
    const refused = refusedSecretRef(name, policy);
    if (expected === null) expect(refused).toBeNull();
    else expect(refused).toMatch(expected);
  });
});

describe('checkSecretRefs', () => {
  it('names the path of every refused secretRef, in a header, a channel and alerts', () => {
    const raw = baseConfig();
    raw.services[0].checks[0].http = { headers: { Authorization: { secretRef: 'VIGIL_ADMIN_TOKEN' } } };
    raw.channels[0].secret = { secretRef: 'DATABASE_URL' };
    raw.alerts = { signingSecret: { secretRef: 'VIGIL_REF_ALERTS' } };
    expect(checkSecretRefs(raw, DEFAULT_SECRET_REF_POLICY).map((issue) => issue.path)).toEqual([
      'services[0].checks[0].http.headers.Authorization.secretRef',
      'channels[0].secret.secretRef',
    ]);
  });

  it('walks a raw document with an alias cycle without looping', () => {
    const cyclic: Record<string, unknown> = { token: { secretRef: 'VIGIL_SECRET_KEY' } };
    cyclic.self = cyclic;
    expect(checkSecretRefs(cyclic, DEFAULT_SECRET_REF_POLICY)).toEqual([
      { path: 'token.secretRef', message: expect.stringContaining('VIGIL_SECRET_KEY') },
    ]);
  });
});

describe('validateConfig with a secretRef policy', () => {
  it("refuses Vigil's own credentials and names outside the prefix, with the path", () => {
    const raw = baseConfig();
    raw.services[0].checks[0].http = { headers: { Authorization: { secretRef: 'VIGIL_ADMIN_TOKEN' } } };
    raw.channels.push({ name: 'pd', type: 'pagerduty', routingKey: { secretRef: 'PD_KEY' } });
    const result = validateConfig(raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.details).toEqual([
      {
        path: 'services[0].checks[0].http.headers.Authorization.secretRef',
        message: "VIGIL_ADMIN_TOKEN is one of Vigil's own variables and cannot be used as a secretRef",
      },
      {
        path: 'channels[1].routingKey.secretRef',
        message: expect.stringMatching(/^must name a variable starting with "VIGIL_REF_"/),
      },
    ]);
  });

  it('follows the prefix it is given', () => {
    const raw = baseConfig();
    raw.channels[0].secret = { secretRef: 'OPS_HOOK' };
    expect(validateConfig(raw, secretRefPolicy(loadEnv({ VIGIL_SECRET_REF_PREFIX: 'OPS_' }))).ok).toBe(true);
    expect(validateConfig(raw).ok).toBe(false);
  });
});

describe('openSecret and the secretRef policy', () => {
  const env = loadEnv({});
  const source = { VIGIL_ADMIN_TOKEN: 'admin-token-0123456789', VIGIL_REF_TOKEN: 'probe-token' };

  it('never reads a refused variable, even from a config stored before the policy', () => {
    expect(() => openSecret({ secretRef: 'VIGIL_ADMIN_TOKEN' }, env, source)).toThrow(
      /secretRef VIGIL_ADMIN_TOKEN is refused/,
    );
    expect(() => openSecret({ secretRef: 'VIGIL_ADMIN_TOKEN' }, env, source)).not.toThrow(
      /admin-token-0123456789/,
    );
    expect(openSecret({ secretRef: 'VIGIL_REF_TOKEN' }, env, source)).toBe('probe-token');
  });
});
