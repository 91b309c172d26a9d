import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startFleet,
  startReceiver,
  startTrafficManager,
  type FakeTrafficManager,
  type Fleet,
  type Receiver,
} from '@libs/fleet';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll, sample } from './support/poll';
import { startPrometheus, type RunningPrometheus } from './support/prometheus';
import { labelValuesMetric, promqlMetricNames } from './support/promql-names';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { everyIdcHealthy } from './support/waits';

const DASHBOARD_FILE = join(__dirname, '..', 'deploy', 'grafana', 'vigil.json');
/** This suite's fixed ports (range 27940-27959): the fleet's endpoints, and Prometheus. */
const FLEET_BASE_PORT = 27944;
const PROMETHEUS_PORT = 27950;

interface Target {
  expr: string;
  refId: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
  datasource?: { type?: string; uid?: string };
}
interface Variable {
  name: string;
  type: string;
  query: string | { query: string };
  datasource?: { type?: string; uid?: string };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;

/** Every panel, rows' nested ones too. */
const allPanels = (panels: readonly Panel[]): Panel[] =>
  panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

/** Every `datasource.uid` anywhere in the model. */
function datasourceUids(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(datasourceUids);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'datasource' && value && typeof value === 'object' && 'uid' in value
      ? [String((value as { uid: unknown }).uid)]
      : datasourceUids(value),
  );
}

/** A panel query as Grafana sends it: its variables replaced by what they stand for. */
const asSent = (expr: string) =>
  expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '15s').replace(/\$\{?service\}?/g, '.*');

describe('reading metric names out of PromQL', () => {
  it.each<[string, string[]]>([
    ['vigil_endpoint_up', ['vigil_endpoint_up']],
    ['sum by (vantage, result) (rate(vigil_probes_total{a="b(c)"}[1m]))', ['vigil_probes_total']],
    [
      'histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m]))) / on (job) group_left y offset 5m',
      ['x_bucket', 'y'],
    ],
    ['count(max by (e) (up{s=~"$service"}) == 0) or vector(0)', ['up']],
    ['a and b unless c or 1e3 * inf', ['a', 'b', 'c']],
  ])('%s names %j', (expr, names) => {
    expect(promqlMetricNames(expr).sort()).toEqual(names.sort());
  });

  it('reads the metric of a label_values variable', () => {
    expect(labelValuesMetric('label_values(vigil_idc_state, service)')).toEqual(['vigil_idc_state']);
    expect(labelValuesMetric('label_values(service)')).toEqual([]);
  });
});

describe('the Grafana dashboard deploy/grafana/vigil.json', () => {
  it('is a provisionable model: a uid, a title, a Prometheus data source variable and no data source of its own', () => {
    const model = dashboard();
    expect(model.uid).toMatch(/^[\w-]{1,40}$/);
    expect(model.title).toBe('Vigil');
    const variable = model.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const uids = datasourceUids(model);
    expect(uids.length).toBeGreaterThan(0);
    // Grafana's own annotation source aside, every query goes through the variable.
    expect(uids.filter((uid) => uid !== '-- Grafana --' && uid !== '${datasource}')).toEqual([]);
    const withQueries = allPanels(model.panels).filter((p) => p.type !== 'row');
    expect(withQueries.length).toBeGreaterThanOrEqual(10);
    for (const panel of withQueries) expect(panel.targets?.length).toBeGreaterThan(0);
  });

  describe('against a real Prometheus scraping a running Vigil', () => {
    const SECRET = 'grafana-test-gslb-secret';
    let fleet: Fleet;
    let gslb: FakeTrafficManager;
    let receiver: Receiver;
    let vigil: VigilUnderTest;
    let prometheus: RunningPrometheus;

    beforeAll(async () => {
      process.env.VIGIL_REF_TEST_GRAFANA_GSLB_SECRET = SECRET;
      fleet = await startFleet({
        idcs: ['sha', 'bjs', 'szx'],
        endpointsPerIdc: 1,
        basePort: FLEET_BASE_PORT,
      });
      gslb = await startTrafficManager({ secret: SECRET });
      receiver = await startReceiver();
      vigil = await startVigil();
      prometheus = await startPrometheus({
        port: PROMETHEUS_PORT,
        target: new URL(vigil.url).host,
        bearerToken: vigil.adminToken,
      });
      // The failover drill's config in dry run: an IDC lost is recorded as an action, and reported
      // to a webhook channel, so every family of metrics has samples.
      const doc = drillConfig(fleet, {
        gslbUrl: gslb.url,
        secretEnv: 'VIGIL_REF_TEST_GRAFANA_GSLB_SECRET',
        mode: 'dry-run',
      });
      doc.channels = [{ name: 'hook', type: 'webhook', url: `${receiver.url}/hook` }];
      doc.notifications = { groupWait: '1s', routes: [{ channels: ['hook'], events: ['idc.state'] }] };
      const applied = await call(vigil.url, 'PUT', '/api/v1/config', { token: vigil.adminToken, json: doc });
      expect(applied.status).toBe(200);
      await everyIdcHealthy(vigil, { idcs: 3 });
      await fleet.set({ idc: 'szx' }, 'refused');
      await poll(
        async () => {
          const text = (await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken })).text;
          const ready =
            /^vigil_actions_total\{kind="shift-away",outcome="dry-run"\} [1-9]/m.test(text) &&
            /^vigil_notification_deliveries_total\{channel="hook",result="delivered"\} [1-9]/m.test(text) &&
            sample(text, 'vigil_endpoint_up{service="live",idc="szx",endpoint="szx-1"}') === 0;
          return ready ? true : undefined;
        },
        60_000,
        'an action, a notification delivered and an endpoint down in /metrics',
      );
      // Prometheus has what Vigil exports once a scrape that started after this succeeded.
      const since = Date.now() / 1000;
      await poll(
        async () => {
          const answer = await prometheus.api<{ result: Array<{ value: [number, string] }> }>(
            '/api/v1/query',
            // The time of the last scrape (a sample's own), when it succeeded.
            { query: 'timestamp(up{job="vigil"}) and up{job="vigil"} == 1' },
          );
          const at = Number(answer.data?.result[0]?.value[1] ?? 0);
          return at > since ? true : undefined;
        },
        30_000,
        'a successful scrape of Vigil by Prometheus',
      );
    });
    afterAll(async () => {
      await prometheus?.stop();
      await vigil?.close();
      await receiver?.close();
      await gslb?.close();
      await fleet?.close();
      delete process.env.VIGIL_REF_TEST_GRAFANA_GSLB_SECRET;
    });

    it('runs every panel query and variable without error, naming only metrics Vigil exported', async () => {
      const names = await prometheus.api<string[]>('/api/v1/label/__name__/values');
      expect(names.status).toBe('success');
      const exported = new Set(names.data);
      expect(exported).toContain('vigil_endpoint_up');
      const model = dashboard();
      const queries = [
        ...allPanels(model.panels).flatMap((p) =>
          (p.targets ?? []).map((t) => ({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr })),
        ),
      ];
      const problems: string[] = [];
      for (const { where, expr } of queries) {
        const answer = await prometheus.api('/api/v1/query', { query: asSent(expr) });
        if (answer.status !== 'success') problems.push(`${where}: ${answer.errorType}: ${answer.error}`);
        for (const name of promqlMetricNames(expr))
          if (!exported.has(name)) problems.push(`${where}: no metric ${name} in what Vigil exported`);
      }
      for (const variable of model.templating.list.filter((v) => v.type === 'query')) {
        const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
        for (const name of labelValuesMetric(query))
          if (!exported.has(name)) problems.push(`variable ${variable.name}: no metric ${name}`);
      }
      expect(queries.length).toBeGreaterThan(20);
      expect(problems).toEqual([]);
    });
  });
});
