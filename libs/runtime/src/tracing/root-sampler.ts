import { SpanKind, type Attributes, type Context, type Link } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/** Vigil's own spans are named `vigil.<what>`. */
export const VIGIL_SPAN_PREFIX = 'vigil.';

/**
 * Decides for spans without a parent (ParentBased keeps a child with its parent's decision). BullMQ's
 * telemetry opens a root span for its housekeeping every few seconds (`getNextJob`, `extendLocks`,
 * stalled-job checks): internal spans of no request, which would fill the backend with one trace
 * each. They are dropped. Vigil's own spans and BullMQ's producer and consumer spans (a notification
 * queued or delivered) start traces: Vigil opens spans only where something changes, so those are few.
 */
export class VigilRootSampler implements Sampler {
  shouldSample(
    _context: Context,
    _traceId: string,
    name: string,
    kind: SpanKind,
    _attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    const housekeeping = kind === SpanKind.INTERNAL && !name.startsWith(VIGIL_SPAN_PREFIX);
    return { decision: housekeeping ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED };
  }

  toString(): string {
    return 'VigilRootSampler';
  }
}
