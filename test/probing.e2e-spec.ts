import Redis from 'ioredis';
import { fleetConfig, startFleet, type Fleet } from '@libs/fleet';
import { call } from './support/http';
import { poll, sample } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

describe('Vigil probes what the config says, from every vantage, without restarts', () => {
  let fleet: Fleet;
  let vigil: VigilUnderTest;
  const metrics = async () => (await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken })).text;
  const apply = (doc: unknown) =>
    call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
  const above = (series: string, min: number) => async () => {
    const value = sample(await metrics(), series);
    return value !== undefined && value > min ? value : undefined;
  };

  beforeAll(async () => {
    // Fixed ports below the ephemeral range: a port closed for "refused" cannot be taken meanwhile.
    fleet = await startFleet({ idcs: ['sha', 'bjs'], endpointsPerIdc: 4, basePort: 23100 });
    vigil = await startVigil(); // every role: api, prober (all vantages), controller
  });
  afterAll(async () => {
    await vigil.close();
    await fleet.close();
  });

  it('probes from each IDC as a vantage and the controller receives the results', async () => {
    const applied = await apply(fleetConfig(fleet, { service: 'live', interval: '1s', timeout: '500ms' }));
    expect(applied.status).toBe(200);
    await poll(
      above('vigil_probes_total{vantage="sha",type="http",result="ok"}', 0),
      15_000,
      'probes from sha',
    );
    await poll(
      above('vigil_probes_total{vantage="bjs",type="http",result="ok"}', 0),
      15_000,
      'probes from bjs',
    );
    await poll(above('vigil_results_ingested_total{vantage="bjs"}', 0), 15_000, 'results at the controller');
    const text = await metrics();
    expect(sample(text, 'vigil_probe_tasks{vantage="sha"}')).toBe(8);
    expect(text).toMatch(/^vigil_queue_jobs\{queue="results.sha",state="waiting"\} \d+/m);
    expect(text).toMatch(/^vigil_probe_lateness_seconds_count\{vantage="sha"\} [1-9]/m);
  });

  it('announces a heartbeat per vantage', async () => {
    const redis = new Redis(vigil.env.REDIS_URL);
    try {
      const keys = await redis.keys(`${vigil.env.VIGIL_REDIS_PREFIX}:probers:*`);
      expect(keys.map((k) => k.split(':')[2]).sort()).toEqual(['bjs', 'sha']);
    } finally {
      await redis.quit();
    }
  });

  it('reports an IDC that goes down with the error kind', async () => {
    await fleet.set({ idc: 'bjs' }, 'refused');
    await poll(
      above('vigil_probes_total{vantage="sha",type="http",result="refused"}', 0),
      15_000,
      'refused probes',
    );
    await fleet.set({ idc: 'bjs' }, 'up');
  });

  it('follows a new config version within an interval', async () => {
    const shaOnly = { ...fleet, endpoints: fleet.endpoints.filter((e) => e.idc === 'sha').slice(0, 2) };
    const doc = fleetConfig(shaOnly, {
      service: 'live',
      interval: '1s',
      timeout: '500ms',
      vantages: ['sha'],
    });
    expect((await apply(doc)).body).toMatchObject({ version: 2, changed: true });
    await poll(
      async () => {
        const text = await metrics();
        return sample(text, 'vigil_probe_tasks{vantage="sha"}') === 2 ? text : undefined;
      },
      15_000,
      'the probe table of version 2',
    );
  });
});
