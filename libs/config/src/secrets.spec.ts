import { DEFAULT_SECRET_REF_PREFIX } from './env';
import { Config, StoredConfig } from './schema';
import { openSecret, redactSecrets, sealSecrets } from './secrets';
import { REDACTED, SealedSecret } from './secret-types';
import { visitSecrets } from './secret-walk';
import { baseConfig } from './spec-fixtures';
import { validateConfig } from './validate';

const KEY = 'operator-secret-key';
/** What openSecret reads of the environment: the key and the default secretRef prefix. */
const ENV = { VIGIL_SECRET_KEY: KEY, VIGIL_SECRET_REF_PREFIX: DEFAULT_SECRET_REF_PREFIX };
const NO_KEY = { ...ENV, VIGIL_SECRET_KEY: undefined };

/** The base config with plaintext secrets in a header and two channels. */
function withPlainSecrets(hook = 'hook-plain', slack = 'https://hooks.slack.example/T0/B0'): Config {
  const raw = baseConfig();
  raw.services[0].checks[0].http = { headers: { Authorization: { value: 'Bearer probe' }, 'X-Env': 'prod' } };
  raw.channels[0].secret = { value: hook };
  raw.channels.push({ name: 'slack-sre', type: 'slack', webhookUrl: { value: slack } });
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config;
}

function seal(
  config: Config,
  previous: StoredConfig | null = null,
  key: string | undefined = KEY,
): StoredConfig {
  const result = sealSecrets(config, previous, key);
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config;
}

const hookOf = (config: { channels: unknown[] }) => (config.channels[0] as { secret: unknown }).secret;

describe('sealSecrets', () => {
  it('encrypts plaintext secrets and keeps secretRefs', () => {
    const stored = seal(withPlainSecrets());
    const hook = hookOf(stored) as SealedSecret;
    expect(hook).toEqual({
      encrypted: expect.stringMatching(/^v1:/),
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(stored)).not.toContain('hook-plain');
    expect(JSON.stringify(stored)).not.toContain('Bearer probe');
    const sealed = seal(validateConfigOk(baseConfig()));
    expect(hookOf(sealed)).toEqual({ secretRef: 'VIGIL_REF_HOOK_SECRET' });
  });

  it('round-trips through openSecret', () => {
    const stored = seal(withPlainSecrets());
    expect(openSecret(hookOf(stored) as SealedSecret, ENV, {})).toBe('hook-plain');
  });

  it('reports every plaintext secret when no key is configured', () => {
    const result = sealSecrets(withPlainSecrets(), null, undefined);
    const message =
      'a plaintext secret needs VIGIL_SECRET_KEY to be set on the server; set it, or use {secretRef: ENV_NAME}';
    expect(result).toEqual({
      ok: false,
      details: [
        { path: 'services[0].checks[0].http.headers.Authorization', message },
        { path: 'channels[0].secret', message },
        { path: 'channels[1].webhookUrl', message },
      ],
    });
  });

  it('seals a value given again anew, so that a right guess looks like a wrong one', () => {
    const first = seal(withPlainSecrets());
    const again = seal(withPlainSecrets(), first);
    expect((hookOf(again) as SealedSecret).encrypted).not.toBe((hookOf(first) as SealedSecret).encrypted);
    expect(openSecret(hookOf(again) as SealedSecret, ENV, {})).toBe('hook-plain');
  });

  it('re-encrypts a changed value with a new fingerprint', () => {
    const first = seal(withPlainSecrets());
    const second = seal(withPlainSecrets('hook-rotated'), first);
    expect((hookOf(second) as SealedSecret).fingerprint).not.toBe(
      (hookOf(first) as SealedSecret).fingerprint,
    );
    expect(openSecret(hookOf(second) as SealedSecret, ENV, {})).toBe('hook-rotated');
  });

  it('keeps the previous secret for "<redacted>", matched by name even when lists are reordered', () => {
    const stored = seal(withPlainSecrets());
    const shown = redactSecrets(stored);
    shown.channels.reverse();
    const again = sealSecrets(shown, stored, undefined);
    expect(again.ok).toBe(true);
    const channels = again.ok ? again.config.channels : [];
    expect(channels.map((c) => c.name)).toEqual(['slack-sre', 'oncall']);
    expect(openSecret((channels[1] as { secret: SealedSecret }).secret, ENV, {})).toBe('hook-plain');
    expect(openSecret((channels[0] as { webhookUrl: SealedSecret }).webhookUrl, ENV, {})).toBe(
      'https://hooks.slack.example/T0/B0',
    );
  });

  it('refuses "<redacted>" where no secret was stored, naming the path', () => {
    const config = withPlainSecrets();
    (config.channels[0] as { secret: unknown }).secret = { value: REDACTED };
    const previous = seal(validateConfigOk(baseConfig())); // oncall used a secretRef there
    expect(sealSecrets(config, previous, KEY)).toEqual({
      ok: false,
      details: [
        {
          path: 'channels[0].secret',
          message: 'is "<redacted>" but no stored secret exists at this path to keep; send the value again',
        },
      ],
    });
  });

  it('is idempotent on a sealed config and leaves its input untouched', () => {
    const config = withPlainSecrets();
    const copy = structuredClone(config);
    const stored = seal(config);
    expect(config).toEqual(copy);
    expect(seal(stored as unknown as Config, stored, undefined)).toEqual(stored);
  });
});

describe('a redacted secret whose destination changed', () => {
  /** Every kind of secret that is sent somewhere, sealed. */
  const stored = () => {
    const raw = baseConfig();
    raw.services[0].checks[0].http = { headers: { Authorization: { value: 'Bearer probe' } } };
    raw.services[0].trafficManager = {
      type: 'webhook',
      url: 'https://gslb.example/w',
      secret: { value: 'tm' },
    };
    raw.channels[0].secret = { value: 'hook-plain' };
    raw.channels.push({ name: 'pd', type: 'pagerduty', routingKey: { value: 'p'.repeat(32) } });
    raw.channels.push({
      name: 'slack-sre',
      type: 'slack',
      webhookUrl: { value: 'https://hooks.slack.example/T' },
    });
    raw.channels.push({
      name: 'mail',
      type: 'email',
      host: 'smtp.example.com',
      username: 'vigil',
      password: { value: 'smtp-pass' },
      from: 'vigil@example.com',
      to: ['oncall@example.com'],
    });
    raw.channels.push({ name: 'og', type: 'opsgenie', apiKey: { value: 'genie' } });
    raw.channels.push({
      name: 'lark',
      type: 'lark',
      webhookUrl: { value: 'https://open.feishu.cn/open-apis/bot/v2/hook/a' },
      signingSecret: { value: 'lark-sign' },
    });
    raw.channels.push({ name: 'teams', type: 'teams', webhookUrl: { value: 'https://teams.example/w' } });
    return seal(validateConfigOk(raw));
  };
  type Channels = Array<Record<string, unknown>>;
  const resealed = (edit: (shown: Config) => void) => {
    const previous = stored();
    const shown = redactSecrets(previous);
    edit(shown);
    return sealSecrets(validateConfigOk(shown), previous, KEY);
  };
  const moved = (path: string) => ({
    path,
    message: 'is "<redacted>" but where this secret is sent changed; send the value again to send it there',
  });

  it('keeps every secret while nothing it is sent to changes', () => {
    const result = resealed((c) => {
      c.services[0].checks[0].interval = '30s';
      c.channels[1].name = 'pd';
      (c.services[0].endpoints[0] as { capacity: number }).capacity = 3;
    });
    expect(result.ok).toBe(true);
  });

  it.each<[string, (c: Config) => void, string[]]>([
    [
      "an endpoint's url (the probe header)",
      (c) => (c.services[0].endpoints[0].url = 'http://attacker.example:8080/healthz'),
      ['services[0].checks[0].http.headers.Authorization'],
    ],
    [
      'an endpoint added to the service (the header goes to every endpoint)',
      (c) =>
        c.services[0].endpoints.push({ ...c.services[0].endpoints[0], name: 'x', url: 'http://10.9.9.9/' }),
      ['services[0].checks[0].http.headers.Authorization'],
    ],
    [
      'certificate verification turned off',
      (c) => {
        const check = c.services[0].checks[0] as { http: { tlsVerify: boolean } };
        check.http.tlsVerify = false;
      },
      ['services[0].checks[0].http.headers.Authorization'],
    ],
    [
      "the traffic manager's url",
      (c) => ((c.services[0].trafficManager as { url: string }).url = 'https://attacker.example/w'),
      ['services[0].trafficManager.secret'],
    ],
    [
      "a webhook channel's url",
      (c) => ((c.channels[0] as { url: string }).url = 'https://hooks.example/other-tenant'),
      ['channels[0].secret'],
    ],
    [
      "a PagerDuty channel's url",
      (c) => ((c.channels[1] as { url: string }).url = 'https://attacker.example/v2/enqueue'),
      ['channels[1].routingKey'],
    ],
    [
      "an email channel's host",
      (c) => ((c.channels as Channels)[3].host = 'smtp.attacker.example'),
      ['channels[3].password'],
    ],
    ["an email channel's port", (c) => ((c.channels as Channels)[3].port = 2525), ['channels[3].password']],
    [
      "an email channel's TLS mode",
      (c) => ((c.channels as Channels)[3].tls = 'implicit'),
      ['channels[3].password'],
    ],
    [
      "an Opsgenie channel's apiUrl",
      (c) => ((c.channels as Channels)[4].apiUrl = 'https://attacker.example'),
      ['channels[4].apiKey'],
    ],
    [
      "a Lark channel's webhookUrl (itself a secret)",
      (c) => ((c.channels as Channels)[5].webhookUrl = { value: 'https://attacker.example/hook' }),
      ['channels[5].signingSecret'],
    ],
  ])('refuses it after a change of %s, naming the path', (_title, edit, paths) => {
    expect(resealed(edit)).toEqual({ ok: false, details: paths.map(moved) });
  });

  it('keeps a Lark signing secret while its webhookUrl is redacted, or given again unchanged', () => {
    expect(resealed(() => {}).ok).toBe(true);
    const again = resealed((c) => {
      (c.channels as Channels)[5].webhookUrl = { value: 'https://open.feishu.cn/open-apis/bot/v2/hook/a' };
    });
    expect(again.ok).toBe(true);
  });

  it('accepts the moved secret when its value is given again', () => {
    const result = resealed((c) => {
      c.services[0].endpoints[0].url = 'http://10.0.0.9:8080/healthz';
      const check = c.services[0].checks[0] as { http: { headers: Record<string, unknown> } };
      check.http.headers.Authorization = { value: 'Bearer new' };
    });
    expect(result.ok).toBe(true);
  });
});

describe('a secret outside the named lists: alerts.signingSecret', () => {
  const withSigningKey = (key: string) => {
    const raw = baseConfig();
    raw.alerts = { signingSecret: { value: key } };
    return validateConfigOk(raw);
  };
  const signingOf = (config: { alerts: { signingSecret?: unknown } }) => config.alerts.signingSecret;

  it('is sealed on apply, opens again, and is redacted on read', () => {
    const stored = seal(withSigningKey('alert-hmac-key'));
    expect(signingOf(stored)).toEqual({
      encrypted: expect.stringMatching(/^v1:/),
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(stored)).not.toContain('alert-hmac-key');
    expect(openSecret(signingOf(stored) as SealedSecret, ENV, {})).toBe('alert-hmac-key');
    const shown = redactSecrets(stored);
    expect(signingOf(shown)).toEqual({ value: REDACTED });
    expect(JSON.stringify(shown)).not.toMatch(/encrypted|fingerprint|alert-hmac-key/);
  });

  it('keeps the stored key for "<redacted>"', () => {
    const stored = seal(withSigningKey('alert-hmac-key'));
    expect(seal(redactSecrets(stored), stored, undefined)).toEqual(stored);
    const rotated = seal(withSigningKey('rotated-key'), stored);
    expect((signingOf(rotated) as SealedSecret).fingerprint).not.toBe(
      (signingOf(stored) as SealedSecret).fingerprint,
    );
  });

  it('is reported at its path when it cannot be sealed', () => {
    const message =
      'a plaintext secret needs VIGIL_SECRET_KEY to be set on the server; set it, or use {secretRef: ENV_NAME}';
    expect(sealSecrets(withSigningKey('k'), null, undefined)).toEqual({
      ok: false,
      details: [{ path: 'alerts.signingSecret', message }],
    });
    const redacted = validateConfigOk({ ...baseConfig(), alerts: { signingSecret: { value: REDACTED } } });
    expect(sealSecrets(redacted, seal(validateConfigOk(baseConfig())), KEY)).toEqual({
      ok: false,
      details: [
        {
          path: 'alerts.signingSecret',
          message: 'is "<redacted>" but no stored secret exists at this path to keep; send the value again',
        },
      ],
    });
  });

  it('keeps a secretRef as it is', () => {
    const raw = baseConfig();
    raw.alerts = { signingSecret: { secretRef: 'VIGIL_REF_ALERT_SIGNING_KEY' } };
    const stored = seal(validateConfigOk(raw));
    expect(signingOf(stored)).toEqual({ secretRef: 'VIGIL_REF_ALERT_SIGNING_KEY' });
    expect(signingOf(redactSecrets(stored))).toEqual({ secretRef: 'VIGIL_REF_ALERT_SIGNING_KEY' });
  });
});

describe('redactSecrets', () => {
  it('replaces stored secrets by <redacted> and keeps secretRefs', () => {
    const raw = baseConfig();
    raw.channels.push({
      name: 'pd',
      type: 'pagerduty',
      routingKey: { value: 'pd-key-0123456789abcdef012345678' },
    });
    const stored = seal(validateConfigOk(raw));
    const shown = redactSecrets(stored);
    expect(shown.channels[0]).toMatchObject({ secret: { secretRef: 'VIGIL_REF_HOOK_SECRET' } });
    expect(shown.channels[1]).toMatchObject({ routingKey: { value: REDACTED } });
    expect(JSON.stringify(shown)).not.toMatch(/encrypted|fingerprint|pd-key/);
    expect(stored.channels[1]).toMatchObject({ routingKey: { fingerprint: expect.any(String) } });
  });
});

describe('openSecret', () => {
  it('reads a secretRef from the given environment', () => {
    expect(openSecret({ secretRef: 'VIGIL_REF_HOOK' }, NO_KEY, { VIGIL_REF_HOOK: 's3cret' })).toBe('s3cret');
  });

  it.each<[string, Parameters<typeof openSecret>, RegExp]>([
    [
      'an unset variable',
      [{ secretRef: 'VIGIL_REF_HOOK' }, ENV, {}],
      /environment variable VIGIL_REF_HOOK is not set/,
    ],
    ['a redacted value', [{ value: REDACTED }, ENV, {}], /redacted/],
    [
      'a sealed secret without key',
      [{ encrypted: 'v1:AAAA', fingerprint: 'x' }, NO_KEY, {}],
      /VIGIL_SECRET_KEY/,
    ],
    ['garbage ciphertext', [{ encrypted: 'nope', fingerprint: 'x' }, ENV, {}], /unknown format/],
  ])('refuses %s', (_title, args, error) => {
    expect(() => openSecret(...args)).toThrow(error);
  });

  it('refuses the wrong key', () => {
    const hook = hookOf(seal(withPlainSecrets())) as SealedSecret;
    expect(() => openSecret(hook, { ...ENV, VIGIL_SECRET_KEY: 'another-key' }, {})).toThrow(
      /wrong VIGIL_SECRET_KEY/,
    );
  });
});

describe('visitSecrets', () => {
  it('visits every secret with an index path and a name-based id', () => {
    const config = withPlainSecrets();
    config.alerts.signingSecret = { secretRef: 'VIGIL_REF_ALERT_SIGNING_KEY' };
    const seen: string[] = [];
    visitSecrets(config, (_secret, at) => seen.push(`${at.path} | ${at.id}`));
    expect(seen).toEqual([
      'services[0].checks[0].http.headers.Authorization | services[live-edge].checks[http].http.headers.Authorization',
      'channels[0].secret | channels[oncall].secret',
      'channels[1].webhookUrl | channels[slack-sre].webhookUrl',
      'alerts.signingSecret | alerts.signingSecret',
    ]);
  });
});

function validateConfigOk(raw: unknown): Config {
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config;
}
