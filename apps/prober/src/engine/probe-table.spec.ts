import { validateConfig, type StoredConfig } from '@libs/config';
import type { Probe } from '@libs/probes';
import { buildProbeTable } from './probe-table';

const config = (() => {
  const result = validateConfig({
    apiVersion: 'vigil/v1',
    idcs: [
      { name: 'sha', capacity: 10 },
      { name: 'bjs', capacity: 10 },
      { name: 'szx', capacity: 10 },
    ],
    services: [
      {
        name: 'edge',
        endpoints: [
          { idc: 'sha', name: 'a', url: 'http://127.0.0.1:1/' },
          { idc: 'bjs', name: 'b', url: 'http://127.0.0.1:2/' },
        ],
        checks: [
          { name: 'http', type: 'http', interval: '5s', timeout: '1s' },
          { name: 'core', type: 'http', interval: '10s', vantages: ['sha', 'bjs'] },
        ],
      },
    ],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.config as StoredConfig;
})();

const probe: Probe = async () => ({ ok: true, latencyMs: 1 });

function all(table: ReturnType<typeof buildProbeTable>, vantage: string, shards: number) {
  return Array.from({ length: shards }, (_, s) => table.shard(vantage, s)).flat();
}

describe('buildProbeTable', () => {
  it('has one task per check x endpoint for each vantage the check probes from', () => {
    const table = buildProbeTable(config, 3, '*', 4, () => probe);
    expect(table.version).toBe(3);
    expect(table.vantages).toEqual(['sha', 'bjs', 'szx']);
    expect(
      all(table, 'sha', 4)
        .map((t) => t.id)
        .sort(),
    ).toEqual(['edge/core/a', 'edge/core/b', 'edge/http/a', 'edge/http/b']);
    expect(
      all(table, 'szx', 4)
        .map((t) => t.id)
        .sort(),
    ).toEqual(['edge/http/a', 'edge/http/b']);
    expect(table.tasks).toBe(4 + 4 + 2);
  });

  it('serves only the named vantage', () => {
    const table = buildProbeTable(config, 1, ['szx'], 4, () => probe);
    expect(table.vantages).toEqual(['szx']);
    expect(all(table, 'sha', 4)).toEqual([]);
    expect(table.tasks).toBe(2);
  });

  it('gives tasks ids, intervals and phases inside the interval', () => {
    const table = buildProbeTable(config, 1, ['sha'], 1, () => probe);
    const task = table.shard('sha', 0).find((t) => t.id === 'edge/core/b')!;
    expect(task).toMatchObject({ check: 'edge/core', endpoint: 'edge.b', type: 'http', intervalMs: 10_000 });
    expect(task.phase).toBeGreaterThanOrEqual(0);
    expect(task.phase).toBeLessThan(10_000);
  });

  it('compiles each check x endpoint once, whatever the number of vantages', () => {
    const compile = jest.fn(() => probe);
    buildProbeTable(config, 1, '*', 4, compile);
    expect(compile).toHaveBeenCalledTimes(4);
  });
});
