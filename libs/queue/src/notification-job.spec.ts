import { notificationRetryDelay, triggerRecheckDelayMs, triggerWaitLimitMs } from './notification-job';

describe('notificationRetryDelay', () => {
  it.each([
    [1, 1000, undefined, 1000],
    [2, 1000, undefined, 2000],
    [5, 1000, undefined, 16_000],
    [1, 100, 30_000, 30_000], // Retry-After: 30 is longer than the backoff: wait for it
    [5, 1000, 500, 16_000], // shorter: the backoff stands
    [1, 1000, 7_200_000, 1000], // absurdly long: not waited for
  ])('after %i attempt(s), base %i ms, Retry-After %s ms: %i ms', (attempts, base, retryAfter, expected) => {
    expect(notificationRetryDelay(attempts, base, retryAfter)).toBe(expected);
  });
});

describe('triggerWaitLimitMs', () => {
  it.each([
    [6, 1000, 600_000], // the defaults: the trigger's retries take 31 s, the 10 min floor stands
    [1, 1000, 600_000], // no retries at all
    [6, 60_000, 3_720_000], // retries over 31 min: twice that
    [50, 3_600_000, 86_400_000], // capped at a day
  ])('%i attempts, base %i ms: %i ms', (attempts, base, expected) => {
    expect(triggerWaitLimitMs(attempts, base)).toBe(expected);
  });
});

describe('triggerRecheckDelayMs', () => {
  it.each([
    [0, 600_000, 1000], // the first looks: a second apart
    [3000, 600_000, 1000],
    [8000, 600_000, 2000], // then a quarter of the wait so far
    [20_000, 600_000, 5000],
    [120_000, 600_000, 10_000], // at most 10 s apart
    [595_000, 600_000, 5000], // never past the limit
    [599_500, 600_000, 500],
  ])('waited %i ms of %i ms: looks again in %i ms', (waited, limit, expected) => {
    expect(triggerRecheckDelayMs(waited, limit)).toBe(expected);
  });

  it('looks at most every 10 s in a day-long wait, and not past it', () => {
    const limit = 86_400_000;
    let waited = 0;
    let looks = 0;
    while (waited < limit) {
      waited += triggerRecheckDelayMs(waited, limit);
      looks++;
    }
    expect(waited).toBe(limit);
    expect(looks).toBeLessThanOrEqual(8700); // 86 400 s / 10 s, plus the start
  });
});
