import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { VigilRootSampler } from './root-sampler';

describe('VigilRootSampler', () => {
  const decide = (name: string, kind: SpanKind) =>
    new VigilRootSampler().shouldSample(ROOT_CONTEXT, 'a'.repeat(32), name, kind, {}, []).decision;

  it.each([
    ['vigil.health.evaluate', SpanKind.INTERNAL],
    ['vigil.probe.batch', SpanKind.PRODUCER],
    ['addBulk notifications', SpanKind.PRODUCER],
    ['process notifications', SpanKind.CONSUMER],
  ])('starts a trace for %s', (name, kind) => {
    expect(decide(name, kind)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it.each(['getNextJob notifications', 'extendLocks notifications', 'moveStalledJobsToWait notifications'])(
    "drops BullMQ's housekeeping root span %s",
    (name) => {
      expect(decide(name, SpanKind.INTERNAL)).toBe(SamplingDecision.NOT_RECORD);
    },
  );
});
