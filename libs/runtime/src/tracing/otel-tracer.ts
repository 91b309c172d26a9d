import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ParentBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BullMQOtel } from 'bullmq-otel';
import { VigilRootSampler } from './root-sampler';
import { formatTraceparent, parseTraceparent } from './trace-context';
import type { SpanAttributes, SpanOptions, VigilSpan, VigilTracer } from './tracer';
import type { TracingSettings } from './tracing-settings';

/** The instrumentation scope of Vigil's spans. */
const SCOPE = 'vigil';

const KINDS = {
  internal: SpanKind.INTERNAL,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  client: SpanKind.CLIENT,
} as const;

function attributes(input: SpanAttributes | undefined): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(input ?? {}))
    if (value !== undefined) out[key] = typeof value === 'object' ? [...value] : value;
  return out;
}

/** A remote span's context from its traceparent, to parent or link to. */
function remote(traceparent: string | undefined) {
  const parsed = parseTraceparent(traceparent);
  return parsed
    ? { traceId: parsed.traceId, spanId: parsed.spanId, traceFlags: parsed.flags, isRemote: true }
    : undefined;
}

/** Sampled spans only (ended ones too): an unsampled span is nothing to parent or link to. */
function traceparentOf(span: Span): string | undefined {
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!(traceFlags & TraceFlags.SAMPLED)) return undefined;
  return formatTraceparent({ traceId, spanId, flags: traceFlags });
}

class OtelSpan implements VigilSpan {
  constructor(readonly span: Span) {}

  get traceparent(): string | undefined {
    return traceparentOf(this.span);
  }

  setAttributes(input: SpanAttributes): void {
    this.span.setAttributes(attributes(input));
  }

  fail(err: unknown): void {
    const type = err instanceof Error ? err.name : typeof err;
    this.span.setAttribute('error.type', type);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  }

  end(): void {
    this.span.end();
  }
}

/** The tracer while tracing is on: the SDK started, spans exported over OTLP/HTTP (JSON). */
class OtelTracer implements VigilTracer {
  readonly enabled = true;
  private readonly tracer = trace.getTracer(SCOPE);
  private telemetry?: BullMQOtel;

  constructor(private readonly sdk: NodeSDK) {}

  start(name: string, options: SpanOptions = {}): OtelSpan {
    return new OtelSpan(this.tracer.startSpan(name, this.spanOptions(options), this.parent(options)));
  }

  inSpan<T>(name: string, options: SpanOptions, fn: (span: VigilSpan) => T): T {
    const span = this.start(name, options);
    const failed = (err: unknown) => {
      span.fail(err);
      span.end();
      throw err;
    };
    let result: T;
    try {
      result = context.with(trace.setSpan(context.active(), span.span), () => fn(span));
    } catch (err) {
      return failed(err);
    }
    if (result instanceof Promise) {
      return result.then((value: unknown) => {
        span.end();
        return value;
      }, failed) as T;
    }
    span.end();
    return result;
  }

  active(): string | undefined {
    const span = trace.getActiveSpan();
    return span ? traceparentOf(span) : undefined;
  }

  logFields(): { trace_id: string; span_id: string } | undefined {
    const span = trace.getActiveSpan();
    if (!span?.isRecording()) return undefined;
    const { traceId, spanId } = span.spanContext();
    return { trace_id: traceId, span_id: spanId };
  }

  bullmq(): BullMQOtel {
    this.telemetry ??= new BullMQOtel({ tracerName: 'bullmq' });
    return this.telemetry;
  }

  shutdown(): Promise<void> {
    return this.sdk.shutdown();
  }

  private parent(options: SpanOptions): Context {
    if (options.parent === undefined) return context.active();
    const parent = remote(options.parent ?? undefined);
    return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  }

  private spanOptions(options: SpanOptions) {
    const links: Link[] = [];
    for (const link of options.links ?? []) {
      const linked = remote(link);
      if (linked) links.push({ context: linked });
    }
    return { kind: KINDS[options.kind ?? 'internal'], attributes: attributes(options.attributes), links };
  }
}

/**
 * Starts the SDK: OTLP/HTTP with JSON bodies (the exporter of @opentelemetry/exporter-trace-otlp-http;
 * OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_TIMEOUT apply), batched (OTEL_BSP_* apply),
 * Vigil's sampler unless OTEL_TRACES_SAMPLER names one. No metrics or logs go over OTLP (Vigil serves
 * Prometheus metrics and writes JSON logs), and no auto-instrumentation is loaded. `exporter`: tests.
 */
export function startOtelTracer(settings: TracingSettings, exporter?: SpanExporter): VigilTracer {
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    resource: resourceFromAttributes({ 'service.namespace': 'vigil' }),
    traceExporter: exporter ?? new OTLPTraceExporter({ url: settings.url }),
    ...(settings.samplerFromEnv ? {} : { sampler: new ParentBasedSampler({ root: new VigilRootSampler() }) }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return new OtelTracer(sdk);
}
