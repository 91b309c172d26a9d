import { BadRequestException } from '@nestjs/common';
import { bucketRange, parseStep, parseTime, timeRange } from './time-range';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return ((err as BadRequestException).getResponse() as { details: Array<{ path: string }> }).details[0]
      .path;
  }
  throw new Error('expected a 400');
};

describe('history query parsing', () => {
  it('reads ISO timestamps and epoch milliseconds', () => {
    expect(parseTime('from', '2024-01-01T10:00:00Z')).toBe(Date.UTC(2024, 0, 1, 10));
    expect(parseTime('from', '2024-01-01T10:00:00.000+01:00')).toBe(Date.UTC(2024, 0, 1, 9));
    expect(parseTime('from', '1704103200000')).toBe(Date.UTC(2024, 0, 1, 10));
    expect(fieldOf(() => parseTime('to', 'yesterday'))).toBe('to');
    expect(fieldOf(() => parseTime('from', '999999999999999'))).toBe('from');
    expect(fieldOf(() => parseTime('from', '0000-01-01'))).toBe('from');
    expect(parseTime('to', '9999-12-31T23:59:59.999Z')).toBe(253402300799999);
  });

  it('defaults the range and wants from before to', () => {
    const { from, to } = timeRange({ to: '3600000' }, 3_600_000);
    expect([from, to]).toEqual([0, 3_600_000]);
    expect(fieldOf(() => timeRange({ from: '10', to: '10' }, 1))).toBe('from');
  });

  it('takes steps of whole minutes, at least 1m', () => {
    expect(parseStep('5m')).toBe(300_000);
    expect(parseStep('1h')).toBe(3_600_000);
    for (const bad of ['30s', '1m30s', 'abc', '5']) expect(fieldOf(() => parseStep(bad))).toBe('step');
  });

  it('aligns buckets on the step and caps them at 1,440', () => {
    expect(bucketRange(7 * 60_000, 17 * 60_000, 300_000)).toEqual({ first: 300_000, count: 3 });
    expect(bucketRange(0, 1_440 * 60_000, 60_000).count).toBe(1_440);
    expect(fieldOf(() => bucketRange(0, 1_441 * 60_000, 60_000))).toBe('step');
  });
});
