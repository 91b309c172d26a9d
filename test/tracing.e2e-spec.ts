import {
  startFleet,
  startReceiver,
  startTrafficManager,
  type FakeTrafficManager,
  type Fleet,
  type Receiver,
} from '@libs/fleet';
import { startVigilProcess, stopController, type ControllerProcess } from './support/controller-process';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { idcsTurnedHealthy, type ActionRow } from './support/waits';

/** The JSON log lines a process wrote. */
const logLines = (p: ControllerProcess): Array<Record<string, unknown>> =>
  p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * Tracing end to end: a prober and controller process (the real entry point) exporting to a loopback
 * OTLP/HTTP receiver (JSON encoding), an IDC that fails, a rule that shifts its traffic through a
 * signed webhook traffic manager, and a webhook channel told of it. One trace holds the probe batch,
 * the health decision, the rule, each step and the delivery; then the same drill back with tracing
 * disabled sends nothing.
 */
describe('tracing (OTLP/HTTP, prober and controller process)', () => {
  const SECRET = 'gslb-trace-secret-0123456789';
  const PAGER_SECRET = 'pager-signing-secret-9876543210';
  const PATH_TOKEN = 'path-token-s3cr3t';
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let pager: Receiver;
  let otlp: OtlpReceiver;
  let vigil: VigilUnderTest;
  let traced: ControllerProcess | undefined;
  const told = (event: string) =>
    pager.requests.map((r) => JSON.parse(r.body)).filter((n: { event: string }) => n.event === event);

  beforeAll(async () => {
    process.env.VIGIL_REF_TEST_GSLB_SECRET = SECRET;
    process.env.VIGIL_REF_TEST_PAGER_SECRET = PAGER_SECRET;
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 27960 });
    gslb = await startTrafficManager({ secret: SECRET });
    pager = await startReceiver({ status: 204 });
    otlp = await startOtlpReceiver();
    vigil = await startVigil({ VIGIL_ROLES: 'api' });
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: {
        ...drillConfig(fleet, {
          gslbUrl: gslb.url,
          secretEnv: 'VIGIL_REF_TEST_GSLB_SECRET',
          mode: 'enforce',
        }),
        channels: [
          {
            name: 'pager',
            type: 'webhook',
            url: `${pager.url}/hooks/${PATH_TOKEN}`,
            secret: { secretRef: 'VIGIL_REF_TEST_PAGER_SECRET' },
          },
        ],
        notifications: { routes: [{ channels: ['pager'], events: ['action.proposed', 'action.executed'] }] },
      },
    });
    expect(applied.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    if (traced) await stopController(traced);
    await vigil?.close();
    await Promise.all([gslb?.close(), pager?.close(), otlp?.close(), fleet?.close()]);
  });

  it('one trace runs from the probe batch to the decision, the rule, each step and the delivery', async () => {
    traced = startVigilProcess(vigil, 'traced', 'prober,controller', {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      VIGIL_REF_TEST_GSLB_SECRET: SECRET,
    });
    await idcsTurnedHealthy(vigil, 3, 90_000);
    await fleet.set({ idc: 'szx' }, 'refused');
    const [action] = await poll(
      async () => {
        const rows = await vigil.sql<ActionRow>(
          `SELECT * FROM actions WHERE kind = 'shift-away' AND state = 'completed'`,
        );
        return rows.length ? rows : undefined;
      },
      60_000,
      'the shift to complete',
    );
    await poll(async () => (told('action.executed').length ? true : undefined), 20_000, 'the pager told');
    // SIGTERM: the app closes, then what the exporter still buffers is sent.
    await stopController(traced);
    const output = traced;
    traced = undefined;

    const spans = otlp.spans;
    expect(
      otlp.requests.every((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json')),
    ).toBe(true);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['vigil-prober-controller']));
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (s: ReceivedSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    const chain = (s: ReceivedSpan | undefined): ReceivedSpan[] => (s ? [s, ...chain(parentOf(s))] : []);

    // The action's span, and the way up to the probe batch that started it all.
    const created = spans.find(
      (s) => s.name === 'vigil.action.created' && s.attributes['vigil.action.id'] === action.id,
    );
    expect(created).toBeDefined();
    const up = chain(created);
    expect(up.map((s) => s.name)).toEqual([
      'vigil.action.created',
      'vigil.rule.fire',
      'vigil.health.decision',
      'vigil.health.evaluate',
      'vigil.results.ingest',
      'vigil.probe.batch',
    ]);
    const [, rule, decision, , ingest, batch] = up;
    expect(new Set(up.map((s) => s.traceId)).size).toBe(1);
    const trace = created!.traceId;
    expect(rule.attributes).toMatchObject({
      'vigil.rule': 'idc-down',
      'vigil.service': 'live',
      'vigil.idc': 'szx',
    });
    expect(decision.attributes).toMatchObject({
      'vigil.event.kind': 'idc',
      'vigil.idc': 'szx',
      'vigil.state.after': 'UNHEALTHY',
    });
    expect(created!.attributes).toMatchObject({
      'vigil.action.kind': 'shift-away',
      'vigil.action.state': 'executing',
    });
    expect(batch.attributes['vigil.batch.urgent']).toBeGreaterThan(0);
    expect(ingest.attributes['vigil.batch.id']).toBe(batch.attributes['vigil.batch.id']);

    // Each planned step: a span under the action's, with the traffic manager's call under it.
    const steps = spans.filter(
      (s) => s.name === 'vigil.action.step' && s.attributes['vigil.action.id'] === action.id,
    );
    expect(steps.map((s) => s.attributes['vigil.step']).sort()).toEqual(
      action.plan.steps!.map((_, i) => i + 1),
    );
    for (const step of steps) {
      expect(step.traceId).toBe(trace);
      expect(step.parentSpanId).toBe(created!.spanId);
      expect(step.attributes['vigil.step.outcome']).toBe('applied');
      const calls = spans.filter((s) => s.name === 'vigil.traffic.apply' && s.parentSpanId === step.spanId);
      expect(calls).toHaveLength(1);
      expect(calls[0].attributes).toMatchObject({
        'vigil.traffic_manager.type': 'webhook',
        'vigil.traffic.ok': true,
      });
    }

    // The pager's deliveries: under BullMQ's job spans, under a notifier dispatch that follows from
    // this trace (its parent, or a link when a newer cause came meanwhile).
    const deliveries = spans.filter((s) => s.name === 'vigil.notify.deliver');
    for (const event of ['action.proposed', 'action.executed'])
      expect(deliveries.map((s) => s.attributes['vigil.notification.event'])).toContain(event);
    for (const delivery of deliveries) {
      expect(delivery.attributes).toMatchObject({
        'vigil.channel': 'pager',
        'vigil.channel.type': 'webhook',
        'vigil.notify.outcome': 'delivered',
      });
      const names = chain(delivery).map((s) => s.name);
      expect(names).toEqual([
        'vigil.notify.deliver',
        'process notifications',
        'addBulk notifications',
        'vigil.notify.dispatch',
        ...names.slice(4),
      ]);
      const dispatch = chain(delivery)[3];
      const causes = [dispatch.parentSpanId, ...dispatch.links.map((l) => l.spanId)];
      expect(causes.some((id) => id !== undefined && byId.get(id)?.traceId === trace)).toBe(true);
    }

    // No secret, and no URL at all, in any attribute.
    const attributes = JSON.stringify(spans.map((s) => [s.attributes, s.status]));
    for (const secret of [SECRET, PAGER_SECRET, PATH_TOKEN, gslb.url, pager.url])
      expect(attributes).not.toContain(secret);
    expect(attributes).not.toMatch(/https?:\/\//);

    // A log line written in the trace carries its id; every line has a level name and an ISO time.
    const lines = logLines(output);
    expect(lines.some((l) => l.trace_id === trace && typeof l.span_id === 'string')).toBe(true);
    for (const line of lines) {
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(line.level);
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  }, 240_000);

  it('with OTEL_SDK_DISABLED=true nothing is exported and no log line has a trace id', async () => {
    const sent = otlp.requests.length;
    const plain = startVigilProcess(vigil, 'untraced', 'prober,controller', {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_SDK_DISABLED: 'true',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      VIGIL_REF_TEST_GSLB_SECRET: SECRET,
    });
    traced = plain;
    await fleet.set({ idc: 'szx' }, 'up');
    await poll(
      async () => {
        const rows = await vigil.sql<ActionRow>(
          `SELECT * FROM actions WHERE kind = 'failback' AND state = 'completed'`,
        );
        return rows.length ? rows : undefined;
      },
      90_000,
      'the failback to complete',
    );
    await poll(
      async () => (told('action.executed').length >= 2 ? true : undefined),
      20_000,
      'the pager told',
    );
    await stopController(plain);
    traced = undefined;
    expect(otlp.requests.length).toBe(sent);
    const lines = logLines(plain);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => 'trace_id' in l || 'span_id' in l)).toEqual([]);
  }, 180_000);
});
