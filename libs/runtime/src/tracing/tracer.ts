import type { Telemetry } from 'bullmq';
import type { TracingSettings } from './tracing-settings';

/** Span attributes: `undefined` values are left out. */
export type SpanAttributes = Readonly<
  Record<string, string | number | boolean | readonly string[] | undefined>
>;

export interface SpanOptions {
  /**
   * The parent as a W3C `traceparent` (a job's, a remembered span's); null (or an unreadable value):
   * none, a new trace; left out: the active span, if any.
   */
  parent?: string | null;
  /** Spans this one follows from without being their child (other batches behind one evaluation). */
  links?: ReadonlyArray<string | undefined>;
  attributes?: SpanAttributes;
  kind?: 'internal' | 'producer' | 'consumer' | 'client';
}

/** A span as Vigil's code sees it. */
export interface VigilSpan {
  /** Its W3C `traceparent` (undefined when not recorded): what a job carries or a later span links to. */
  readonly traceparent: string | undefined;
  setAttributes(attributes: SpanAttributes): void;
  /** Marks it failed with the error's class name only: messages may hold URLs or secrets. */
  fail(err: unknown): void;
  end(): void;
}

/** Vigil's tracing: a no-op unless tracing was started (see startTracing). */
export interface VigilTracer {
  readonly enabled: boolean;
  /** Starts a span without making it active. */
  start(name: string, options?: SpanOptions): VigilSpan;
  /**
   * Runs `fn` in a new span, active for everything it calls and awaits, and ends the span when `fn`
   * returns or its promise settles; a throw or rejection marks the span failed and goes on.
   */
  inSpan<T>(name: string, options: SpanOptions, fn: (span: VigilSpan) => T): T;
  /** The `traceparent` of the active span, if one is recorded. */
  active(): string | undefined;
  /** `trace_id` and `span_id` of the active span for a log line; undefined outside one. */
  logFields(): { trace_id: string; span_id: string } | undefined;
  /** BullMQ's telemetry (bullmq-otel) for a Queue or Worker's options; undefined when off. */
  bullmq(): Telemetry | undefined;
  /** Sends what is buffered and stops (shutdown). */
  shutdown(): Promise<void>;
}

const NOOP_SPAN: VigilSpan = {
  traceparent: undefined,
  setAttributes: () => undefined,
  fail: () => undefined,
  end: () => undefined,
};

/** Tracing off: nothing is loaded, nothing recorded; each call costs a function call. */
export const NOOP_TRACER: VigilTracer = {
  enabled: false,
  start: () => NOOP_SPAN,
  inSpan: (_name, _options, fn) => fn(NOOP_SPAN),
  active: () => undefined,
  logFields: () => undefined,
  bullmq: () => undefined,
  shutdown: () => Promise.resolve(),
};

let current: VigilTracer = NOOP_TRACER;

/** The process's tracer: the no-op one until startTracing. */
export function tracer(): VigilTracer {
  return current;
}

/**
 * Starts tracing for this process: the OpenTelemetry SDK (loaded only now, so a process with tracing
 * off never loads it) exporting over OTLP/HTTP to `settings.url`. Call it before the Nest app is built:
 * BullMQ's telemetry and every span then reach the SDK. Null settings (tracing off) change nothing.
 */
export function startTracing(settings: TracingSettings | null): VigilTracer {
  if (!settings || current.enabled) return current;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: the SDK costs start-up time and memory
  const { startOtelTracer } = require('./otel-tracer') as typeof import('./otel-tracer');
  current = startOtelTracer(settings);
  return current;
}

/** Flushes and stops tracing (the no-op tracer takes over again). */
export async function stopTracing(): Promise<void> {
  const stopping = current;
  current = NOOP_TRACER;
  await stopping.shutdown();
}
