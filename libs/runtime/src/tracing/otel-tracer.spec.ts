import { trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { parseTraceparent } from './trace-context';
import { NOOP_TRACER, startTracing, tracer, type VigilTracer } from './tracer';

describe('tracing off', () => {
  it('is the no-op tracer, with no SDK loaded, until started with settings', () => {
    expect(startTracing(null)).toBe(NOOP_TRACER);
    expect(tracer().enabled).toBe(false);
    expect(Object.keys(require.cache).some((path) => path.includes('@opentelemetry/sdk-node'))).toBe(false);
    expect(tracer().inSpan('vigil.x', {}, (span) => span.traceparent)).toBeUndefined();
    expect(tracer().bullmq()).toBeUndefined();
  });
});

/** One SDK for the file (its providers are process-global), exporting to memory. */
describe('the OpenTelemetry tracer', () => {
  const exporter = new InMemorySpanExporter();
  let t: VigilTracer;
  const finished = async (name: string): Promise<ReadableSpan> => {
    const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as unknown as {
      forceFlush(): Promise<void>;
    };
    await provider.forceFlush();
    return exporter.getFinishedSpans().find((s) => s.name === name)!;
  };

  beforeAll(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- what startTracing loads, with a test exporter
    const { startOtelTracer } = require('./otel-tracer') as typeof import('./otel-tracer');
    t = startOtelTracer(
      { url: 'http://127.0.0.1:9/v1/traces', serviceName: 'vigil-test', samplerFromEnv: false },
      exporter,
    );
  });
  afterAll(() => t.shutdown());

  it('parents spans on a traceparent or the active span, links others, and keeps ids after end', async () => {
    const remote = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const other = '00-11111111111111111111111111111111-2222222222222222-01';
    const seen = t.inSpan('vigil.outer', { parent: remote, links: [other, 'garbage'] }, (outer) => {
      const inner = t.start('vigil.inner', { attributes: { a: 'x', skipped: undefined, list: ['p', 'q'] } });
      inner.end();
      return {
        outer: outer.traceparent,
        inner: inner.traceparent,
        active: t.active(),
        fields: t.logFields(),
      };
    });
    const outer = parseTraceparent(seen.outer)!;
    expect(outer.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(parseTraceparent(seen.inner)!.traceId).toBe(outer.traceId);
    expect(seen.active).toBe(seen.outer);
    expect(seen.fields).toEqual({ trace_id: outer.traceId, span_id: outer.spanId });
    expect(t.active()).toBeUndefined();
    expect(t.logFields()).toBeUndefined();

    const o = await finished('vigil.outer');
    expect(o.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(o.links.map((l) => l.context.spanId)).toEqual(['2222222222222222']);
    const i = await finished('vigil.inner');
    expect(i.parentSpanContext?.spanId).toBe(outer.spanId);
    expect(i.attributes).toEqual({ a: 'x', list: ['p', 'q'] });

    const fresh = parseTraceparent(t.inSpan('vigil.root', { parent: null }, (s) => s.traceparent))!;
    expect(fresh.traceId).not.toBe(outer.traceId);
  });

  it('marks the span of a rejected promise failed by the error class only, and passes the rejection on', async () => {
    await expect(
      t.inSpan('vigil.fails', {}, () => Promise.reject(new TypeError('https://hooks.example/s3cr3t'))),
    ).rejects.toThrow('s3cr3t');
    const span = await finished('vigil.fails');
    expect(span.status).toEqual({ code: 2, message: 'TypeError' });
    expect(JSON.stringify([span.attributes, span.events])).not.toContain('s3cr3t');
  });

  it("gives BullMQ one telemetry object, and drops BullMQ's housekeeping roots", () => {
    expect(t.bullmq()).toBe(t.bullmq());
    expect(t.start('getNextJob notifications').traceparent).toBeUndefined();
  });
});
