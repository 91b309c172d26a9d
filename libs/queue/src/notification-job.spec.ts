import { notificationRetryDelay } from './notification-job';

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
