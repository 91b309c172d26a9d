import { notificationRetryDelay, triggerWaitLimitMs } from './notification-job';

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
