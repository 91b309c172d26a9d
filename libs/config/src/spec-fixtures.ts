/** Test fixtures for the config specs (not part of the public API). */

/** A small valid config document as a user writes it (no defaults applied). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function baseConfig(): any {
  return {
    apiVersion: 'vigil/v1',
    idcs: [
      { name: 'sha', capacity: 100 },
      { name: 'bjs', capacity: 100 },
      { name: 'szx', capacity: 50 },
    ],
    services: [
      {
        name: 'live-edge',
        endpoints: [
          { idc: 'sha', name: 'sha-1', url: 'http://10.0.0.1:8080/healthz' },
          { idc: 'bjs', name: 'bjs-1', url: 'http://10.0.1.1:8080/healthz' },
        ],
        checks: [{ name: 'http', type: 'http' }],
      },
      {
        name: 'origin',
        endpoints: [
          { idc: 'sha', address: '10.0.2.1:443' },
          { idc: 'szx', address: '10.0.3.1:443' },
        ],
        checks: [
          { name: 'tcp', type: 'tcp' },
          { name: 'cert', type: 'tls' },
        ],
      },
    ],
    rules: [
      {
        name: 'idc-down',
        when: 'idc.state == "UNHEALTHY"',
        actions: [{ type: 'shift-away' }, { type: 'notify', channels: ['oncall'] }],
      },
    ],
    channels: [
      {
        name: 'oncall',
        type: 'webhook',
        url: 'https://hooks.example/vigil',
        secret: { secretRef: 'VIGIL_REF_HOOK_SECRET' },
      },
    ],
  };
}
