import { validateConfig, type StoredConfig } from '@libs/config';

/**
 * The controller specs' fleet: service `live` with endpoint `a` in sha and `b` in bjs (capacity 10
 * each), checked by `check`, plus the top-level sections in `extra` (rules, channels...), validated
 * as an apply would.
 */
export function twoIdcConfig(
  extra: Record<string, unknown> = {},
  check: Record<string, unknown> = { name: 'http', type: 'http' },
): StoredConfig {
  const result = validateConfig({
    apiVersion: 'vigil/v1',
    idcs: [
      { name: 'sha', capacity: 10 },
      { name: 'bjs', capacity: 10 },
    ],
    services: [
      {
        name: 'live',
        endpoints: [
          { idc: 'sha', name: 'a', url: 'http://127.0.0.1:1/' },
          { idc: 'bjs', name: 'b', url: 'http://127.0.0.1:2/' },
        ],
        checks: [check],
      },
    ],
    ...extra,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config as StoredConfig;
}
