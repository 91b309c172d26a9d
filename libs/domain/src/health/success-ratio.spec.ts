import { RECENT_RESULTS, recentSuccessRatio } from './success-ratio';

const live = new Set(['sha', 'bjs', 'gz']);
const suspect = new Set(['gz']);
const r = (vantage: string, ok: boolean) => ({ vantage, ok });

describe('recentSuccessRatio', () => {
  it.each<[string, Array<{ vantage: string; ok: boolean }>, number | undefined]>([
    ['no results', [], undefined],
    ['only from a suspect vantage', [r('gz', false)], undefined],
    ['only from a vantage that is not live', [r('hk', true)], undefined],
    ['all ok', [r('sha', true), r('bjs', true)], 1],
    ['half ok', [r('sha', true), r('sha', false), r('bjs', true), r('bjs', false)], 0.5],
    ['all failed', [r('sha', false)], 0],
    ['suspect and dead vantages left out', [r('sha', true), r('gz', false), r('hk', false)], 1],
    [
      'the newest 20 only',
      [
        ...Array.from({ length: 5 }, () => r('sha', false)),
        ...Array.from({ length: 20 }, () => r('sha', true)),
      ],
      1,
    ],
  ])('%s', (_label, results, expected) => {
    expect(recentSuccessRatio(results, { live, suspect })).toBe(expected);
  });

  it('takes 20 results', () => expect(RECENT_RESULTS).toBe(20));
});
