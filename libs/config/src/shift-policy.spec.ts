import { policySchema } from './schema-service';
import { shiftPolicy } from './shift-policy';

describe('shiftPolicy', () => {
  it('gives the planner the defaults with every duration in milliseconds', () => {
    expect(shiftPolicy(policySchema.parse({}))).toEqual({
      maxUtilization: expect.any(Number),
      maxStepPercent: expect.any(Number),
      stepInterval: 30_000,
      panicThreshold: expect.any(Number),
      cooldown: 300_000,
      maxActionsPerHour: expect.any(Number),
      recoveryHold: 300_000,
      failbackBackoff: { window: 3_600_000, maxHold: 3_600_000 },
    });
  });

  it('keeps what the service set', () => {
    const p = shiftPolicy(
      policySchema.parse({ maxStepPercent: 10, stepInterval: '1m30s', failbackBackoff: { maxHold: '2h' } }),
    );
    expect(p).toMatchObject({
      maxStepPercent: 10,
      stepInterval: 90_000,
      failbackBackoff: { maxHold: 7_200_000 },
    });
  });
});
