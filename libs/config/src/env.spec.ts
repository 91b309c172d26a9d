import { EnvError, loadEnv } from './env';

describe('loadEnv', () => {
  it('applies the documented defaults', () => {
    const env = loadEnv({});
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/vigil');
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.PORT).toBe(3000);
    expect(env.VIGIL_ROLES).toEqual(['api', 'prober', 'controller']);
    expect(env.VIGIL_WEBHOOK_MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(env.VIGIL_SECRET_REF_PREFIX).toBe('VIGIL_REF_');
    expect(env.VIGIL_MAX_JSON_BYTES).toBe(256 * 1024);
    expect(env.VIGIL_TRUST_PROXY).toEqual(['loopback']);
    expect(env.VIGIL_REDIS_COMMAND_TIMEOUT_MS).toBe(5000);
    expect(env.VIGIL_SESSION_TTL).toBe(12 * 3_600_000);
    expect(env.VIGIL_CONSOLE_DIR).toBeUndefined();
    expect(env.VIGIL_EXTERNAL_URL).toBeUndefined();
    expect(Object.isFrozen(env)).toBe(true);
  });

  it('reads Sentinel addresses, with 26379 when a port is left out', () => {
    const env = loadEnv({ REDIS_SENTINELS: '10.0.0.1:26380, sentinel-b,[fd00::1]:26381' });
    expect(env.REDIS_SENTINELS).toEqual([
      { host: '10.0.0.1', port: 26380 },
      { host: 'sentinel-b', port: 26379 },
      { host: 'fd00::1', port: 26381 },
    ]);
    expect(env.REDIS_SENTINEL_NAME).toBe('mymaster');
  });

  it('reads Cluster nodes when the prefix is a hash tag', () => {
    const env = loadEnv({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2', VIGIL_REDIS_PREFIX: '{vigil}' });
    expect(env.REDIS_CLUSTER_NODES).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 6379 },
    ]);
    expect(env.VIGIL_REDIS_PREFIX).toBe('{vigil}');
  });

  it.each<[Record<string, string>, string]>([
    [
      { REDIS_CLUSTER_NODES: '10.0.0.1:7000' },
      'VIGIL_REDIS_PREFIX: with REDIS_CLUSTER_NODES, expected a hash tag',
    ],
    [
      { REDIS_CLUSTER_NODES: '10.0.0.1:7000', REDIS_SENTINELS: '10.0.0.1', VIGIL_REDIS_PREFIX: '{v}' },
      'REDIS_CLUSTER_NODES: set either REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both',
    ],
    [{ REDIS_SENTINELS: '10.0.0.1:99999' }, 'REDIS_SENTINELS: expected host:port entries'],
    [{ REDIS_SENTINELS: 'a,,b' }, 'REDIS_SENTINELS: expected host:port entries'],
    [
      { REDIS_CLUSTER_NODES: 'http://x', VIGIL_REDIS_PREFIX: '{v}' },
      'REDIS_CLUSTER_NODES: expected host:port',
    ],
    [{ REDIS_SENTINEL_NAME: 'my master' }, 'REDIS_SENTINEL_NAME: expected a master name'],
    [{ VIGIL_REDIS_PREFIX: '{a}b' }, 'VIGIL_REDIS_PREFIX: expected 1-64 letters'],
  ])('rejects a Redis topology naming the variable: %j', (source, message) => {
    expect(() => loadEnv(source)).toThrow(message);
  });

  it('treats empty strings as unset', () => {
    expect(loadEnv({ PORT: '' }).PORT).toBe(3000);
  });

  it('opens /metrics only when VIGIL_METRICS_PUBLIC is exactly true', () => {
    expect(loadEnv({}).VIGIL_METRICS_PUBLIC).toBe(false);
    expect(loadEnv({ VIGIL_METRICS_PUBLIC: 'true' }).VIGIL_METRICS_PUBLIC).toBe(true);
    expect(loadEnv({ VIGIL_METRICS_PUBLIC: 'false' }).VIGIL_METRICS_PUBLIC).toBe(false);
    expect(() => loadEnv({ VIGIL_METRICS_PUBLIC: 'yes' })).toThrow(
      'VIGIL_METRICS_PUBLIC: expected true or false',
    );
  });

  it('parses roles and removes repeats', () => {
    expect(loadEnv({ VIGIL_ROLES: 'prober, prober,api' }).VIGIL_ROLES).toEqual(['prober', 'api']);
  });

  it.each<[string, number | string[]]>([
    ['2', 2],
    ['0', 0],
    ['loopback, 10.0.0.0/8,fd00::/8', ['loopback', '10.0.0.0/8', 'fd00::/8']],
    ['192.0.2.7', ['192.0.2.7']],
  ])('reads VIGIL_TRUST_PROXY=%s as Express trust proxy', (text, expected) => {
    expect(loadEnv({ VIGIL_TRUST_PROXY: text }).VIGIL_TRUST_PROXY).toEqual(expected);
  });

  it.each<[string, string]>([
    ['https://vigil.example.com', 'https://vigil.example.com'],
    ['https://vigil.example.com/', 'https://vigil.example.com'],
    ['http://10.0.0.5:8080/console//', 'http://10.0.0.5:8080/console'],
  ])('reads VIGIL_EXTERNAL_URL=%s without its trailing slashes', (text, expected) => {
    expect(loadEnv({ VIGIL_EXTERNAL_URL: text }).VIGIL_EXTERNAL_URL).toBe(expected);
  });

  const EXTERNAL_URL = 'VIGIL_EXTERNAL_URL: expected an absolute http(s) URL without query or fragment';
  it.each([
    ['30m', 30 * 60_000],
    ['1h30m', 90 * 60_000],
    ['5m', 5 * 60_000],
    ['30d', 30 * 86_400_000],
  ])('reads VIGIL_SESSION_TTL=%s as %i ms', (text, ms) => {
    expect(loadEnv({ VIGIL_SESSION_TTL: text }).VIGIL_SESSION_TTL).toBe(ms);
  });

  it('keeps VIGIL_CONSOLE_DIR as given', () => {
    expect(loadEnv({ VIGIL_CONSOLE_DIR: '/srv/console' }).VIGIL_CONSOLE_DIR).toBe('/srv/console');
  });

  it.each([
    ...['12', '4m', '31d', '12 hours', '-1h'].map((v) => [
      'VIGIL_SESSION_TTL',
      v,
      `VIGIL_SESSION_TTL: expected a duration from 5m to 30d, such as "12h" or "30m" (got "${v}")`,
    ]),
    ['VIGIL_EXTERNAL_URL', 'vigil.example.com', EXTERNAL_URL],
    ['VIGIL_EXTERNAL_URL', '/console', EXTERNAL_URL],
    ['VIGIL_EXTERNAL_URL', 'ftp://vigil.example.com', EXTERNAL_URL],
    ['VIGIL_EXTERNAL_URL', 'https://vigil.example.com/?tab=1', EXTERNAL_URL],
    ['VIGIL_EXTERNAL_URL', 'https://vigil.example.com/#x', EXTERNAL_URL],
    [
      'VIGIL_TRUST_PROXY',
      'true',
      'VIGIL_TRUST_PROXY: trusting every hop lets any client choose its own address',
    ],
    ['VIGIL_TRUST_PROXY', '10.0.0.0/33', 'VIGIL_TRUST_PROXY: "10.0.0.0/33" is not a proxy'],
    ['VIGIL_TRUST_PROXY', 'loopback,', 'VIGIL_TRUST_PROXY: "" is not a proxy'],
    ['VIGIL_TRUST_PROXY', '500', 'VIGIL_TRUST_PROXY: expected a hop count from 0 to 100'],
    ['PORT', 'abc', 'PORT: expected an integer from 0 to 65535 (got "abc")'],
    ['PORT', '70000', 'PORT: expected an integer from 0 to 65535 (got "70000")'],
    ['VIGIL_ROLES', 'api,web', 'VIGIL_ROLES: expected a comma-separated list of api, prober, controller'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL: expected a URL like postgres://user@host:5432/vigil'],
    ['REDIS_URL', 'nope', 'REDIS_URL: expected a URL like redis://127.0.0.1:6379'],
    ['VIGIL_VANTAGE', 'SHA!', 'VIGIL_VANTAGE: expected an IDC name such as "sha"'],
    [
      'VIGIL_WEBHOOK_MAX_BODY_BYTES',
      '512',
      'VIGIL_WEBHOOK_MAX_BODY_BYTES: expected an integer from 1024 to 67108864 (got "512")',
    ],
    [
      'VIGIL_SECRET_REF_PREFIX',
      'vigil_ref_',
      'VIGIL_SECRET_REF_PREFIX: expected a non-empty variable-name prefix such as "VIGIL_REF_"',
    ],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent'],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadEnv({ [name]: value })).toThrow(EnvError);
    expect(() => loadEnv({ [name]: value })).toThrow(message);
  });

  it('never echoes a token in the error', () => {
    expect(() => loadEnv({ VIGIL_ADMIN_TOKEN: 'short-secret' })).toThrow(
      /VIGIL_ADMIN_TOKEN: expected at least 16 characters$/m,
    );
  });

  describe('a remote prober (config from Redis)', () => {
    it('is what VIGIL_VANTAGE without DATABASE_URL starts: the prober role only', () => {
      const env = loadEnv({ REDIS_URL: 'redis://prober-fra:pw@10.0.0.1:6379', VIGIL_VANTAGE: 'fra' });
      expect(env.VIGIL_CONFIG_SOURCE).toBe('redis');
      expect(env.VIGIL_ROLES).toEqual(['prober']);
    });

    it.each([
      [{}, 'postgres'],
      [{ VIGIL_VANTAGE: 'fra', DATABASE_URL: 'postgres://db/vigil' }, 'postgres'],
      [{ VIGIL_VANTAGE: 'fra', VIGIL_CONFIG_SOURCE: 'postgres' }, 'postgres'],
      [{ VIGIL_VANTAGE: 'fra', VIGIL_CONFIG_SOURCE: 'redis', VIGIL_ROLES: 'prober' }, 'redis'],
    ])('%j reads its config from %s', (vars, source) => {
      expect(loadEnv(vars).VIGIL_CONFIG_SOURCE).toBe(source);
    });

    it.each([
      [
        { VIGIL_VANTAGE: 'fra', VIGIL_ROLES: 'prober,controller' },
        'VIGIL_ROLES: a process with VIGIL_CONFIG_SOURCE=redis is a prober only',
      ],
      [{ VIGIL_CONFIG_SOURCE: 'redis' }, 'VIGIL_VANTAGE: required with VIGIL_CONFIG_SOURCE=redis'],
      [
        { VIGIL_CONFIG_SOURCE: 'redis', VIGIL_VANTAGE: 'fra', DATABASE_URL: 'postgres://u:pw@db/vigil' },
        /DATABASE_URL: a prober with VIGIL_CONFIG_SOURCE=redis never uses Postgres: unset it$/m,
      ],
    ])('refuses %j', (vars, message) => {
      expect(() => loadEnv(vars)).toThrow(message);
    });
  });

  it('reports every bad variable at once', () => {
    expect(() => loadEnv({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT:[\s\S]*LOG_LEVEL:/);
  });
});
